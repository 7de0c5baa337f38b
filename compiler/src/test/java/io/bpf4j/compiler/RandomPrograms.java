package io.bpf4j.compiler;

import static io.bpf4j.isa.Opcodes.*;

import io.bpf4j.isa.Instruction;
import io.bpf4j.isa.Instructions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates random well-formed programs for differential testing: every ALU, ALU64, JMP and
 * JMP32 form, loads (plain and sign-extending), stores and atomics on the stack and on the input
 * buffer (mostly in bounds, sometimes not), legacy packet loads, helper calls, bpf-to-bpf calls,
 * bpf_loop callbacks, forward and backward jumps (so some programs loop until the budget stops
 * them). r1 (the buffer) and r10 are never written, so most accesses are valid.
 */
final class RandomPrograms {
    /** Length of the input buffer the programs expect in r1. */
    static final int BUFFER = 64;
    /** The test helper id the programs call. */
    static final int MIX_HELPER = 1001;

    private final SplittableRandom random;

    RandomPrograms(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /**
     * An item of the program before layout: instruction slots, of which slot {@code reloc} jumps,
     * calls or refers to item {@code targetItem} (-1: none).
     */
    private record Item(Instruction[] slots, int targetItem, int reloc) {
        static Item of(Instruction... slots) {
            return new Item(slots, -1, 0);
        }

        static Item to(int target, Instruction... slots) {
            return new Item(slots, target, 0);
        }
    }

    private final List<Item> items = new ArrayList<>();

    Instructions next() {
        items.clear();
        // Preamble: every writable register but r1 gets a random value.
        for (int r : new int[] {0, 2, 3, 4, 5, 6, 7, 8, 9}) {
            items.add(Item.of(Instruction.lddw(r, PSEUDO_IMM, interesting())));
        }
        int bodyStart = items.size();
        int bodyLength = 5 + random.nextInt(40);
        int bodyEnd = bodyStart + bodyLength; // index of the main exit
        int functionStart = bodyEnd + 1;
        int functionLength = 3 + random.nextInt(10);
        int callbackStart = functionStart + functionLength + 1;
        int callbackLength = 2 + random.nextInt(5);
        for (int i = bodyStart; i < bodyEnd; i++) {
            items.add(bodyItem(i, bodyStart, bodyEnd, functionStart, callbackStart, true));
        }
        items.add(Item.of(new Instruction(EXIT_OP, 0, 0, 0, 0)));
        // A function: may clobber r0-r5, uses its own stack frame.
        for (int i = functionStart; i < functionStart + functionLength; i++) {
            items.add(bodyItem(i, functionStart, functionStart + functionLength, -1, -1, false));
        }
        items.add(Item.of(new Instruction(EXIT_OP, 0, 0, 0, 0)));
        // A bpf_loop callback: returns 0 (go on) or 1 (stop).
        for (int i = callbackStart; i < callbackStart + callbackLength; i++) {
            items.add(random.nextInt(4) == 0 ? Item.of(store()) : Item.of(alu(random.nextBoolean())));
        }
        items.add(Item.of(new Instruction(ALU64 | AND | K, 0, 0, 0, 1)));
        items.add(Item.of(new Instruction(EXIT_OP, 0, 0, 0, 0)));
        return layout();
    }

    private Instructions layout() {
        int[] position = new int[items.size() + 1];
        for (int i = 0; i < items.size(); i++) {
            position[i + 1] = position[i] + items.get(i).slots().length;
        }
        List<Instruction> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            Instruction[] slots = item.slots().clone();
            if (item.targetItem() >= 0) {
                int at = item.reloc();
                Instruction insn = slots[at];
                int relative = position[item.targetItem()] - (position[i] + at) - 1;
                if (insn.opcode() == LDDW || insn.opcode() == CALL_IMM || insn.opcode() == (JMP32 | JA)) {
                    slots[at] = new Instruction(insn.opcode(), insn.dst(), insn.src(), 0, relative);
                } else {
                    slots[at] = new Instruction(insn.opcode(), insn.dst(), insn.src(), relative, insn.imm());
                }
            }
            out.addAll(List.of(slots));
        }
        return Instructions.of(out);
    }

    private long interesting() {
        return switch (random.nextInt(8)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> Long.MIN_VALUE;
            case 3 -> Integer.MIN_VALUE;
            case 4 -> 0xffff_ffffL;
            case 5 -> random.nextInt(-70, 70);
            case 6 -> random.nextInt();
            default -> random.nextLong();
        };
    }

    private int interestingInt() {
        return switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> Integer.MIN_VALUE;
            case 3 -> random.nextInt(-70, 70);
            default -> random.nextInt();
        };
    }

    /** r0, r2-r9: the registers programs write. */
    private int writable() {
        int r = random.nextInt(9);
        return r == 0 ? 0 : r + 1;
    }

    private int readable() {
        return random.nextInt(11);
    }

    private Item bodyItem(int index, int start, int end, int function, int callback, boolean main) {
        int kind = random.nextInt(100);
        if (kind < 40) {
            return Item.of(alu(random.nextBoolean()));
        }
        if (kind < 55) {
            // Conditional jump, mostly forward; backward ones may loop until the budget ends the run.
            int target = random.nextInt(100) < 85 || index == start
                    ? index + 1 + random.nextInt(end - index)
                    : start + random.nextInt(index - start);
            return Item.to(target, conditionalJump());
        }
        if (kind < 57) {
            int target = index + 1 + random.nextInt(end - index);
            return Item.to(target, random.nextBoolean() ? new Instruction(JMP | JA, 0, 0, 0, 0)
                    : new Instruction(JMP32 | JA, 0, 0, 0, 0));
        }
        if (kind < 72) {
            return Item.of(load());
        }
        if (kind < 84) {
            return Item.of(store());
        }
        if (kind < 90) {
            return Item.of(atomic());
        }
        if (kind < 93) {
            int mode = random.nextBoolean() ? ABS : IND;
            int size = new int[] {B, H, W}[random.nextInt(3)];
            return Item.of(new Instruction(LD | mode | size, 0, mode == IND ? readable() : 0, 0, random.nextInt(-4, BUFFER + 4)));
        }
        if (kind < 96) {
            return Item.of(new Instruction(CALL_IMM, 0, CALL_HELPER, 0, MIX_HELPER));
        }
        if (main && kind < 98) {
            return Item.to(function, new Instruction(CALL_IMM, 0, CALL_LOCAL, 0, 0));
        }
        if (main) {
            // bpf_loop(r1 = count, r2 = callback, r3 = ctx, r4 = flags): r1 is the buffer, kept in r9 meanwhile.
            Instruction[] func = Instruction.lddw(2, PSEUDO_FUNC, 0);
            return new Item(new Instruction[] {
                new Instruction(ALU64 | MOV | X, 9, 1, 0, 0),
                new Instruction(ALU64 | MOV | K, 1, 0, 0, random.nextInt(6)),
                func[0], func[1],
                new Instruction(ALU64 | MOV | K, 3, 0, 0, interestingInt()),
                new Instruction(ALU64 | MOV | K, 4, 0, 0, random.nextInt(8) == 0 ? 1 : 0),
                new Instruction(CALL_IMM, 0, CALL_HELPER, 0, 181),
                new Instruction(ALU64 | MOV | X, 1, 9, 0, 0)}, callback, 2);
        }
        return Item.of(alu(true));
    }

    private Instruction alu(boolean wide) {
        int cls = wide ? ALU64 : ALU;
        int d = writable();
        int[] ops = {ADD, SUB, MUL, DIV, OR, AND, LSH, RSH, NEG, MOD, XOR, MOV, ARSH, END};
        int op = ops[random.nextInt(ops.length)];
        boolean reg = random.nextBoolean();
        switch (op) {
            case NEG -> {
                return new Instruction(cls | NEG | K, d, 0, 0, 0);
            }
            case END -> {
                int width = new int[] {16, 32, 64}[random.nextInt(3)];
                if (wide) {
                    return new Instruction(ALU64 | END | K, d, 0, 0, width);
                }
                return new Instruction(ALU | END | (reg ? X : K), d, 0, 0, width);
            }
            case DIV, MOD -> {
                int signed = random.nextInt(2);
                return reg ? new Instruction(cls | op | X, d, readable(), signed, 0)
                        : new Instruction(cls | op | K, d, 0, signed, random.nextInt(4) == 0 ? 0 : interestingInt());
            }
            case MOV -> {
                if (reg) {
                    int[] offsets = wide ? new int[] {0, 0, 8, 16, 32} : new int[] {0, 0, 8, 16};
                    return new Instruction(cls | MOV | X, d, readable(), offsets[random.nextInt(offsets.length)], 0);
                }
                return new Instruction(cls | MOV | K, d, 0, 0, interestingInt());
            }
            case LSH, RSH, ARSH -> {
                return reg ? new Instruction(cls | op | X, d, readable(), 0, 0)
                        : new Instruction(cls | op | K, d, 0, 0, random.nextInt(wide ? 64 : 32));
            }
            default -> {
                return reg ? new Instruction(cls | op | X, d, readable(), 0, 0)
                        : new Instruction(cls | op | K, d, 0, 0, interestingInt());
            }
        }
    }

    private Instruction conditionalJump() {
        int cls = random.nextBoolean() ? JMP : JMP32;
        int[] ops = {JEQ, JGT, JGE, JSET, JNE, JSGT, JSGE, JLT, JLE, JSLT, JSLE};
        int op = ops[random.nextInt(ops.length)];
        int d = readable();
        return random.nextBoolean() ? new Instruction(cls | op | X, d, readable(), 0, 0)
                : new Instruction(cls | op | K, d, 0, 0, interestingInt());
    }

    private static final int[] SIZES = {B, H, W, DW};

    private static int bytes(int size) {
        return switch (size) {
            case B -> 1;
            case H -> 2;
            case W -> 4;
            default -> 8;
        };
    }

    /** A base register (r1 = buffer, r10 = stack) and an offset, in bounds 95% of the time. */
    private int[] place(int size, boolean aligned) {
        boolean stack = random.nextBoolean();
        int n = bytes(size);
        int offset;
        if (random.nextInt(100) < 5) {
            offset = random.nextInt(-600, 600);
        } else if (stack) {
            offset = -n - random.nextInt(512 - n + 1);
        } else {
            offset = random.nextInt(BUFFER - n + 1);
        }
        if (aligned && random.nextInt(100) < 97) {
            offset &= ~(n - 1);
        }
        return new int[] {stack ? 10 : 1, offset};
    }

    private Instruction load() {
        int size = SIZES[random.nextInt(4)];
        int[] at = place(size, false);
        boolean signExtend = size != DW && random.nextInt(3) == 0;
        return new Instruction(LDX | (signExtend ? MEMSX : MEM) | size, writable(), at[0], at[1], 0);
    }

    private Instruction store() {
        int size = SIZES[random.nextInt(4)];
        int[] at = place(size, false);
        return random.nextBoolean() ? new Instruction(STX | MEM | size, at[0], readable(), at[1], 0)
                : new Instruction(ST | MEM | size, at[0], 0, at[1], interestingInt());
    }

    private Instruction atomic() {
        int size = random.nextBoolean() ? W : DW;
        int[] at = place(size, true);
        int[] operations = {ADD, OR, AND, XOR, ADD | ATOMIC_FETCH, OR | ATOMIC_FETCH, AND | ATOMIC_FETCH,
            XOR | ATOMIC_FETCH, ATOMIC_XCHG, ATOMIC_CMPXCHG};
        int src = writable();
        return new Instruction(STX | ATOMIC | size, at[0], src, at[1], operations[random.nextInt(operations.length)]);
    }
}
