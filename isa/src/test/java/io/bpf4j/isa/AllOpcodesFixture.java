package io.bpf4j.isa;

import static io.bpf4j.isa.Opcodes.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A well-formed program that holds every valid opcode in every form RFC 9669 gives it (register
 * and immediate sources, signed division and modulo, sign-extending moves and loads, every byte
 * swap width, every atomic operation, every {@code lddw} pseudo source, every call kind), with
 * representative field values: small, negative and extreme immediates and offsets, several
 * registers. Jumps go to the next instruction, back to the first, or forward to the final
 * {@code exit}; the program ends with {@code exit}.
 *
 * <p>For tests of anything that consumes instructions (disassembler, assembler, interpreter,
 * compiler, verifier front end). The program is well formed but not meant to be run or verified.
 */
public final class AllOpcodesFixture {
    private AllOpcodesFixture() {}

    private static final int[] ALU_BINARY = {ADD, SUB, MUL, DIV, OR, AND, LSH, RSH, MOD, XOR, MOV, ARSH};
    private static final int[] CONDITIONAL_JUMPS = {JEQ, JGT, JGE, JSET, JNE, JSGT, JSGE, JLT, JLE, JSLT, JSLE};
    private static final int[] SIZES = {B, H, W, DW};
    private static final int[] ATOMICS = {
        ADD, OR, AND, XOR, ADD | ATOMIC_FETCH, OR | ATOMIC_FETCH, AND | ATOMIC_FETCH, XOR | ATOMIC_FETCH,
        ATOMIC_XCHG, ATOMIC_CMPXCHG
    };

    /** The fixture program (a new, equal instance each call). */
    public static Instructions program() {
        Builder b = new Builder();
        b.add(ALU64 | MOV | K, 0, 0, 0, 0); // slot 0: a harmless jump target
        alu(b);
        jumps(b);
        loadsAndStores(b);
        wideLoads(b);
        b.exit();
        return b.build();
    }

    /** Every distinct opcode byte the fixture uses (the second half of lddw, opcode 0, excluded). */
    public static Set<Integer> opcodes() {
        Instructions code = program();
        Set<Integer> out = new TreeSet<>();
        for (int i = 0; i < code.size(); i++) {
            out.add(code.get(i).opcode());
            if (code.isWide(i)) {
                i++;
            }
        }
        return out;
    }

    private static void alu(Builder b) {
        int reg = 1;
        for (int cls : new int[] {ALU, ALU64}) {
            for (int operation : ALU_BINARY) {
                int dst = reg++ % 10;
                int src = (dst + 3) % 11;
                b.add(cls | operation | K, dst, 0, 0, 0x56);
                b.add(cls | operation | K, dst, 0, 0, -2);
                b.add(cls | operation | X, dst, src, 0, 0);
                if (operation == DIV || operation == MOD) { // signed forms (cpu v4)
                    b.add(cls | operation | K, dst, 0, 1, -7);
                    b.add(cls | operation | X, dst, src, 1, 0);
                }
                if (operation == MOV) { // sign-extending moves (cpu v4)
                    b.add(cls | MOV | X, dst, src, 8, 0);
                    b.add(cls | MOV | X, dst, src, 16, 0);
                    if (cls == ALU64) {
                        b.add(cls | MOV | X, dst, src, 32, 0);
                    }
                }
            }
            b.add(cls | ADD | K, 9, 0, 0, Integer.MIN_VALUE);
            b.add(cls | MOV | K, 8, 0, 0, Integer.MAX_VALUE);
            b.add(cls | AND | K, 7, 0, 0, 0);
            b.add(cls | LSH | K, 6, 0, 0, 63);
            b.add(cls | NEG | K, 4, 0, 0, 0);
            b.add(cls | MOV | X, 0, 10, 0, 0);
        }
        for (int width : new int[] {16, 32, 64}) {
            b.add(ALU | END | K, 2, 0, 0, width); // le
            b.add(ALU | END | X, 3, 0, 0, width); // be
            b.add(ALU64 | END | K, 4, 0, 0, width); // bswap (cpu v4)
        }
    }

    private static void jumps(Builder b) {
        int reg = 0;
        for (int cls : new int[] {JMP, JMP32}) {
            for (int operation : CONDITIONAL_JUMPS) {
                int dst = reg++ % 11;
                int src = (dst + 5) % 11;
                b.add(cls | operation | K, dst, 0, 0, 0x10);
                b.addBackToStart(cls | operation | K, dst, 0, -5);
                b.add(cls | operation | X, dst, src, 0, 0);
                b.addToEnd(cls | operation | X, src, dst);
            }
        }
        b.add(JMP | JA, 0, 0, 0, 0);
        b.addBackToStart(JMP | JA, 0, 0, 0);
        b.addToEnd(JMP | JA, 0, 0);
        b.add(JMP32 | JA, 0, 0, 0, 0); // gotol (cpu v4): offset in imm
        b.addGotolBackToStart();
        b.add(CALL_IMM, 0, CALL_HELPER, 0, 1);
        b.add(CALL_IMM, 0, CALL_HELPER, 0, 0x7fffffff);
        b.add(CALL_IMM, 0, CALL_HELPER, 0, -1);
        b.addCallToStart();
        b.add(CALL_IMM, 0, CALL_KFUNC, 0, 0x1234);
        b.add(CALLX, 2, 0, 0, 0);
        b.add(CALLX, 10, 0, 0, 0);
        b.add(EXIT_OP, 0, 0, 0, 0);
    }

    private static void loadsAndStores(Builder b) {
        int[] offsets = {0, 4, -8, Short.MAX_VALUE, Short.MIN_VALUE};
        int k = 0;
        for (int size : SIZES) {
            for (int offset : offsets) {
                int r = k++ % 10;
                b.add(LDX | MEM | size, r, (r + 1) % 11, offset, 0);
                if (size != DW) {
                    b.add(LDX | MEMSX | size, r, 10, offset, 0);
                }
                b.add(ST | MEM | size, (r + 2) % 11, 0, offset, offset == 0 ? -3 : 0x11223344);
                b.add(STX | MEM | size, 10, (r + 3) % 11, offset, 0);
            }
            if (size == W || size == DW) {
                for (int atomic : ATOMICS) {
                    int src = k++ % 10;
                    b.add(STX | ATOMIC | size, 10, atomic == ATOMIC_CMPXCHG ? 3 : src, -8, atomic);
                }
                b.add(STX | ATOMIC | size, 1, 2, 0x7ff8, ADD | ATOMIC_FETCH);
            }
            if (size != DW) { // legacy packet access
                b.add(LD | ABS | size, 0, 0, 0, 0x17);
                b.add(LD | ABS | size, 0, 0, 0, -4);
                b.add(LD | IND | size, 0, 7, 0, 0);
                b.add(LD | IND | size, 0, 7, 0, 14);
            }
        }
    }

    private static void wideLoads(Builder b) {
        b.lddw(1, PSEUDO_IMM, 0x123456789abcdef0L);
        b.lddw(2, PSEUDO_IMM, -1L);
        b.lddw(3, PSEUDO_IMM, 0);
        b.lddw(4, PSEUDO_IMM, Long.MIN_VALUE);
        b.lddw(5, PSEUDO_IMM, 0xffffffffL);
        b.lddw(6, PSEUDO_IMM, 1L << 32);
        b.lddw(1, PSEUDO_MAP_FD, 3);
        b.lddw(2, PSEUDO_MAP_VALUE, 4);
        b.lddw(2, PSEUDO_MAP_VALUE, (16L << 32) | 4); // value offset 16
        b.lddw(3, PSEUDO_BTF_ID, 0x80000001L);
        b.lddwFuncToStart(4);
        b.lddw(5, PSEUDO_MAP_IDX, 0);
        b.lddw(6, PSEUDO_MAP_IDX_VALUE, (8L << 32) | 1);
        b.lddw(9, PSEUDO_MAP_IDX_VALUE, 2);
    }

    /** Collects slots; jumps to the final exit are patched in {@link #build}. */
    private static final class Builder {
        private final List<Instruction> slots = new ArrayList<>();
        private final List<Integer> toEnd = new ArrayList<>();

        void add(int opcode, int dst, int src, int offset, int imm) {
            slots.add(new Instruction(opcode, dst, src, offset, imm));
        }

        /** A jump to slot 0. */
        void addBackToStart(int opcode, int dst, int src, int imm) {
            add(opcode, dst, src, -(slots.size() + 1), imm);
        }

        void addGotolBackToStart() {
            add(JMP32 | JA, 0, 0, 0, -(slots.size() + 1));
        }

        void addCallToStart() {
            add(CALL_IMM, 0, CALL_LOCAL, 0, -(slots.size() + 1));
        }

        /** A jump to the final exit instruction. */
        void addToEnd(int opcode, int dst, int src) {
            toEnd.add(slots.size());
            add(opcode, dst, src, 0, 0);
        }

        void lddw(int dst, int src, long value) {
            slots.addAll(List.of(Instruction.lddw(dst, src, value)));
        }

        /** lddw of the address of the function at slot 0 (imm relative to the next slot). */
        void lddwFuncToStart(int dst) {
            slots.addAll(List.of(Instruction.lddw(dst, PSEUDO_FUNC, -(slots.size() + 1) & 0xffffffffL)));
        }

        void exit() {
            add(EXIT_OP, 0, 0, 0, 0);
        }

        Instructions build() {
            int last = slots.size() - 1;
            for (int at : toEnd) {
                Instruction j = slots.get(at);
                slots.set(at, new Instruction(j.opcode(), j.dst(), j.src(), last - at - 1, j.imm()));
            }
            return Instructions.of(slots);
        }
    }
}
