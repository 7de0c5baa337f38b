package io.bpf4j.fuzz;

import static io.bpf4j.isa.Opcodes.*;

import io.bpf4j.isa.Instruction;
import io.bpf4j.isa.Instructions;
import java.util.ArrayList;
import java.util.List;

/**
 * Random XDP programs the Linux verifier accepts, for differential runs against the kernel:
 * every ALU form (32 and 64 bit, immediate and register, signed division, sign-extending moves,
 * byte swaps), every conditional jump (JMP and JMP32, forward only, so every program ends),
 * loads and stores of every size on the stack, the packet (after a 64-byte bounds check) and an
 * array map's value, sign-extending loads, atomics on stack and map value, map lookups and
 * updates, and bpf-to-bpf calls. Every register read is initialized, every access in bounds,
 * no helper is non-deterministic.
 *
 * <p>Layout: r6 = packet data, r7 = value of array map 0 key 0, scalars in r0-r5, r8, r9;
 * stack fp-128..fp-1 initialized in the prologue, fp-132 holds map keys. The epilogue stores
 * all scalars into map key 3 (so every register is compared) and returns r0 &amp; 3.
 */
final class LinuxProgramGenerator {
    static final int PACKET_SIZE = 64;
    static final int VALUE_SIZE = 64;
    static final int MAP_ENTRIES = 4;
    private static final int[] SCALARS = {0, 1, 2, 3, 4, 5, 8, 9};
    private static final int[] ALU_OPS = {ADD, SUB, MUL, DIV, OR, AND, LSH, RSH, NEG, MOD, XOR, MOV, ARSH, END};
    private static final int[] JUMP_OPS = {JEQ, JGT, JGE, JSET, JNE, JSGT, JSGE, JLT, JLE, JSLT, JSLE};
    private static final int[] SIZES = {B, H, W, DW};
    private static final int[] ATOMIC_OPS = {ADD, OR, AND, XOR, ADD | ATOMIC_FETCH, OR | ATOMIC_FETCH,
            AND | ATOMIC_FETCH, XOR | ATOMIC_FETCH, ATOMIC_XCHG, ATOMIC_CMPXCHG};

    /** A run of instructions; a jump's target is a later group (or the exit labels). */
    private static final class Group {
        final List<Instruction> code = new ArrayList<>();
        int jumpTarget = -1;
        boolean callsSub;
    }

    private final Choices c;
    private final List<Group> main = new ArrayList<>();

    private LinuxProgramGenerator(Choices choices) {
        this.c = choices;
    }

    static Instructions generate(Choices choices) {
        return new LinuxProgramGenerator(choices).build();
    }

    private static Instruction ins(int op, int dst, int src, int off, int imm) {
        return Instruction.of(op, dst, src, off, imm);
    }

    private int scalar() {
        return SCALARS[c.nextInt(SCALARS.length)];
    }

    private int size() {
        return SIZES[c.nextInt(SIZES.length)];
    }

    private static int bytes(int size) {
        return switch (size) { case B -> 1; case H -> 2; case W -> 4; default -> 8; };
    }

    private int imm() {
        return switch (c.nextInt(4)) {
            case 0 -> c.nextInt(16) - 8;
            case 1 -> (int) c.nextLong();
            case 2 -> new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0xff, 0xffff, 32, 63}[c.nextInt(9)];
            default -> c.nextInt(1 << 16);
        };
    }

    private Group group() {
        Group g = new Group();
        main.add(g);
        return g;
    }

    private Instructions build() {
        int exitZero = -2;
        Group pro = group();
        pro.code.add(ins(LDX | MEM | W, 6, 1, 0, 0));
        pro.code.add(ins(LDX | MEM | W, 7, 1, 4, 0));
        pro.code.add(ins(ALU64 | MOV | X, 2, 6, 0, 0));
        pro.code.add(ins(ALU64 | ADD | K, 2, 0, 0, PACKET_SIZE));
        Group check = group();
        check.code.add(ins(JMP | JGT | X, 2, 7, 0, 0));
        check.jumpTarget = exitZero;
        Group lookup = group();
        lookup.code.add(ins(ST | MEM | W, 10, 0, -132, 0));
        lookupCall(lookup.code);
        Group nullCheck = group();
        nullCheck.code.add(ins(JMP | JEQ | K, 0, 0, 0, 0));
        nullCheck.jumpTarget = exitZero;
        Group init = group();
        init.code.add(ins(ALU64 | MOV | X, 7, 0, 0, 0));
        for (int off = -8; off >= -128; off -= 8) {
            init.code.add(ins(ST | MEM | DW, 10, 0, off, imm()));
        }
        for (int r : SCALARS) {
            if (c.nextInt(3) == 0) {
                long v = c.nextLong();
                for (Instruction i : Instruction.lddw(r, 0, v)) init.code.add(i);
            } else {
                init.code.add(ins(ALU64 | MOV | K, r, 0, 0, imm()));
            }
        }
        int bodyStart = main.size();
        int count = 4 + c.nextInt(60);
        for (int i = 0; i < count; i++) {
            body();
        }
        int bodyEnd = main.size();
        Group epi = group();
        for (int i = 0; i < SCALARS.length; i++) {
            epi.code.add(ins(STX | MEM | DW, 10, SCALARS[i], -128 + 8 * i, 0));
        }
        epi.code.add(ins(ST | MEM | W, 10, 0, -132, 3));
        for (Instruction i : Instruction.lddw(1, PSEUDO_MAP_FD, 0)) epi.code.add(i);
        epi.code.add(ins(ALU64 | MOV | X, 2, 10, 0, 0));
        epi.code.add(ins(ALU64 | ADD | K, 2, 0, 0, -132));
        epi.code.add(ins(ALU64 | MOV | X, 3, 10, 0, 0));
        epi.code.add(ins(ALU64 | ADD | K, 3, 0, 0, -128));
        epi.code.add(ins(ALU64 | MOV | K, 4, 0, 0, 0));
        epi.code.add(ins(JMP | CALL, 0, 0, 0, 2));
        epi.code.add(ins(LDX | MEM | DW, 0, 10, -128, 0));
        epi.code.add(ins(ALU64 | AND | K, 0, 0, 0, 3));
        epi.code.add(ins(JMP | EXIT, 0, 0, 0, 0));
        Group zero = group();
        zero.code.add(ins(ALU64 | MOV | K, 0, 0, 0, 0));
        zero.code.add(ins(JMP | EXIT, 0, 0, 0, 0));
        int zeroIndex = main.size() - 1;
        // Jumps out of the body land anywhere up to the epilogue.
        for (int g = bodyStart; g < bodyEnd; g++) {
            Group grp = main.get(g);
            if (grp.jumpTarget == Integer.MAX_VALUE) {
                grp.jumpTarget = g + 1 + c.nextInt(bodyEnd - g);
            }
        }
        List<Instruction> sub = subprogram();
        int[] start = new int[main.size() + 1];
        for (int g = 0; g < main.size(); g++) {
            start[g + 1] = start[g] + main.get(g).code.size();
        }
        int subStart = start[main.size()];
        List<Instruction> out = new ArrayList<>();
        for (int g = 0; g < main.size(); g++) {
            Group grp = main.get(g);
            for (int k = 0; k < grp.code.size(); k++) {
                Instruction in = grp.code.get(k);
                int pc = start[g] + k;
                boolean last = k == grp.code.size() - 1;
                if (last && grp.jumpTarget != -1) {
                    int target = grp.jumpTarget == exitZero ? start[zeroIndex] : start[grp.jumpTarget];
                    in = ins(in.opcode(), in.dst(), in.src(), target - pc - 1, in.imm());
                } else if (grp.callsSub && in.opcode() == (JMP | CALL) && in.src() == CALL_LOCAL) {
                    in = ins(JMP | CALL, 0, CALL_LOCAL, 0, subStart - pc - 1);
                }
                out.add(in);
            }
        }
        if (main.stream().anyMatch(grp -> grp.callsSub)) {
            out.addAll(sub); // Linux rejects unreachable code
        }
        return Instructions.of(out);
    }

    private static void lookupCall(List<Instruction> code) {
        for (Instruction i : Instruction.lddw(1, PSEUDO_MAP_FD, 0)) code.add(i);
        code.add(ins(ALU64 | MOV | X, 2, 10, 0, 0));
        code.add(ins(ALU64 | ADD | K, 2, 0, 0, -132));
        code.add(ins(JMP | CALL, 0, 0, 0, 1));
    }

    /** After a call r1-r5 are unreadable for the verifier: give them values again. */
    private void reinit(List<Instruction> code) {
        for (int r = 1; r <= 5; r++) {
            code.add(ins(ALU64 | MOV | K, r, 0, 0, imm()));
        }
    }

    private void body() {
        Group g = group();
        List<Instruction> code = g.code;
        switch (c.nextInt(20)) {
            case 0, 1, 2, 3, 4, 5, 6 -> alu(code, scalar(), scalar());
            case 7, 8, 9 -> {
                int cls = c.nextInt(2) == 0 ? JMP : JMP32;
                int op = c.nextInt(12) == 0 && cls == JMP ? JA : JUMP_OPS[c.nextInt(JUMP_OPS.length)];
                if (op == JA) {
                    // Linux rejects code only an unconditional jump skips (unreachable): jump to the next group
                    code.add(ins(JMP | JA, 0, 0, 0, 0));
                    return;
                } else if (c.nextInt(2) == 0) {
                    code.add(ins(cls | op | K, scalar(), 0, 0, imm()));
                } else {
                    code.add(ins(cls | op | X, scalar(), scalar(), 0, 0));
                }
                g.jumpTarget = Integer.MAX_VALUE;
            }
            case 10, 11 -> memory(code, 10, -128, 128);
            case 12, 13 -> memory(code, 6, 0, PACKET_SIZE);
            case 14, 15 -> memory(code, 7, 0, VALUE_SIZE);
            case 16 -> atomic(code);
            case 17 -> {
                // lookup of key (scalar & 3): r0 = loaded value or 0
                int sz = size();
                code.add(ins(ALU64 | MOV | X, 1, scalar(), 0, 0));
                code.add(ins(ALU64 | AND | K, 1, 0, 0, MAP_ENTRIES - 1));
                code.add(ins(STX | MEM | W, 10, 1, -132, 0));
                lookupCall(code);
                code.add(ins(JMP | JEQ | K, 0, 0, 1, 0));
                code.add(ins(LDX | MEM | sz, 0, 0, c.nextInt(VALUE_SIZE / bytes(sz)) * bytes(sz), 0));
                reinit(code);
            }
            case 18 -> {
                // update of key (scalar & 3) from the stack's fp-128..fp-65
                code.add(ins(ALU64 | MOV | X, 1, scalar(), 0, 0));
                code.add(ins(ALU64 | AND | K, 1, 0, 0, MAP_ENTRIES - 1));
                code.add(ins(STX | MEM | W, 10, 1, -132, 0));
                for (Instruction i : Instruction.lddw(1, PSEUDO_MAP_FD, 0)) code.add(i);
                code.add(ins(ALU64 | MOV | X, 2, 10, 0, 0));
                code.add(ins(ALU64 | ADD | K, 2, 0, 0, -132));
                code.add(ins(ALU64 | MOV | X, 3, 10, 0, 0));
                code.add(ins(ALU64 | ADD | K, 3, 0, 0, -128));
                code.add(ins(ALU64 | MOV | K, 4, 0, 0, 0));
                code.add(ins(JMP | CALL, 0, 0, 0, 2));
                reinit(code);
            }
            default -> {
                code.add(ins(JMP | CALL, 0, CALL_LOCAL, 0, -1));
                g.callsSub = true;
                reinit(code);
            }
        }
    }

    private void alu(List<Instruction> code, int dst, int src) {
        boolean wide = c.nextInt(2) == 0;
        int cls = wide ? ALU64 : ALU;
        int op = ALU_OPS[c.nextInt(ALU_OPS.length)];
        int width = wide ? 64 : 32;
        switch (op) {
            case NEG -> code.add(ins(cls | NEG | K, dst, 0, 0, 0));
            case END -> {
                int bits = new int[] {16, 32, 64}[c.nextInt(3)];
                int form = c.nextInt(3);
                // ALU|END|K = to little endian, ALU|END|X = to big endian, ALU64|END|K = unconditional swap
                code.add(form == 2 ? ins(ALU64 | END | K, dst, 0, 0, bits) : ins(ALU | END | (form == 0 ? K : X), dst, 0, 0, bits));
            }
            case LSH, RSH, ARSH -> {
                if (c.nextInt(2) == 0) {
                    code.add(ins(cls | op | K, dst, 0, 0, c.nextInt(width)));
                } else {
                    code.add(ins(cls | op | X, dst, src, 0, 0));
                }
            }
            case DIV, MOD -> {
                int signed = c.nextInt(2);
                if (c.nextInt(2) == 0) {
                    int imm = imm();
                    code.add(ins(cls | op | K, dst, 0, signed, imm == 0 ? 7 : imm));
                } else {
                    code.add(ins(cls | op | X, dst, src, signed, 0));
                }
            }
            case MOV -> {
                int kind = c.nextInt(3);
                if (kind == 0) {
                    code.add(ins(cls | MOV | K, dst, 0, 0, imm()));
                } else if (kind == 1) {
                    code.add(ins(cls | MOV | X, dst, src, 0, 0));
                } else {
                    int[] ext = wide ? new int[] {8, 16, 32} : new int[] {8, 16};
                    code.add(ins(cls | MOV | X, dst, src, ext[c.nextInt(ext.length)], 0));
                }
            }
            default -> {
                if (c.nextInt(2) == 0) {
                    code.add(ins(cls | op | K, dst, 0, 0, imm()));
                } else {
                    code.add(ins(cls | op | X, dst, src, 0, 0));
                }
            }
        }
    }

    /** A load, sign-extending load, register store or immediate store, aligned, within [base+lo, base+lo+span). */
    private void memory(List<Instruction> code, int base, int lo, int span) {
        int sz = size();
        int n = bytes(sz);
        int off = lo + c.nextInt(span / n) * n;
        switch (c.nextInt(4)) {
            case 0 -> code.add(ins(LDX | MEM | sz, scalar(), base, off, 0));
            case 1 -> code.add(ins(LDX | (sz == DW ? MEM : MEMSX) | sz, scalar(), base, off, 0));
            case 2 -> code.add(ins(STX | MEM | sz, base, scalar(), off, 0));
            default -> code.add(ins(ST | MEM | sz, base, 0, off, imm()));
        }
    }

    private void atomic(List<Instruction> code) {
        boolean dw = c.nextInt(2) == 0;
        int n = dw ? 8 : 4;
        boolean stack = c.nextInt(2) == 0;
        int base = stack ? 10 : 7;
        int off = stack ? -128 + c.nextInt(128 / n) * n : c.nextInt(VALUE_SIZE / n) * n;
        int op = ATOMIC_OPS[c.nextInt(ATOMIC_OPS.length)];
        code.add(ins(STX | ATOMIC | (dw ? DW : W), base, scalar(), off, op));
    }

    /** A function of r1-r5 with its own stack: ALU, forward jumps, stack traffic; returns r0. */
    private List<Instruction> subprogram() {
        List<Instruction> code = new ArrayList<>();
        code.add(ins(ALU64 | MOV | X, 0, 1, 0, 0));
        code.add(ins(STX | MEM | DW, 10, 2, -8, 0));
        int n = 2 + c.nextInt(12);
        for (int i = 0; i < n; i++) {
            int dst = c.nextInt(6), src = c.nextInt(6);
            int k = c.nextInt(6);
            if (k == 0 && i + 2 < n) {
                int skip = 1 + c.nextInt(n - i - 1);
                // jump over `skip` ALU instructions, each one slot long here
                code.add(ins(JMP | JUMP_OPS[c.nextInt(JUMP_OPS.length)] | X, dst, src, 0, 0));
                int at = code.size() - 1;
                List<Instruction> block = new ArrayList<>();
                for (int s = 0; s < skip; s++) {
                    List<Instruction> one = new ArrayList<>();
                    while (one.size() != 1) {
                        one.clear();
                        alu(one, c.nextInt(6), c.nextInt(6));
                    }
                    block.addAll(one);
                }
                code.set(at, ins(code.get(at).opcode(), dst, src, block.size(), 0));
                code.addAll(block);
                i += skip;
            } else if (k == 1) {
                code.add(ins(LDX | MEM | DW, dst, 10, -8, 0));
            } else {
                alu(code, dst, src);
            }
        }
        code.add(ins(JMP | EXIT, 0, 0, 0, 0));
        return code;
    }
}
