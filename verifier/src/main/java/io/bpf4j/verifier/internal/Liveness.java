package io.bpf4j.verifier.internal;

import static io.bpf4j.isa.Opcodes.*;

import io.bpf4j.isa.Instruction;
import io.bpf4j.isa.Instructions;

/**
 * Which registers each instruction's future may read before writing them: a backward dataflow
 * over the control-flow graph, within each function (calls read r1-r5 and write r0-r5). State
 * pruning ignores registers that are dead where the states meet, as Linux's liveness marks do,
 * so paths that differ only in values never read again are recognised as equivalent.
 */
final class Liveness {
    private static final int ARGS = 0b111110; // r1-r5
    private static final int CALLER_SAVED = 0b111111; // r0-r5

    private final int[] liveIn;

    private Liveness(int[] liveIn) {
        this.liveIn = liveIn;
    }

    /** Registers (bit r) that may be read at or after {@code pc} before being written. */
    int liveAt(int pc) {
        return pc >= 0 && pc < liveIn.length ? liveIn[pc] : -1;
    }

    static Liveness of(Instructions code) {
        int n = code.size();
        int[] use = new int[n];
        int[] def = new int[n];
        int[][] succ = new int[n][];
        boolean[] second = new boolean[n];
        for (int pc = 0; pc < n; pc++) {
            if (second[pc]) {
                succ[pc] = new int[0];
                continue;
            }
            Instruction insn = code.get(pc);
            int op = insn.opcode();
            int cls = op & 7;
            int d = 1 << insn.dst();
            int sr = 1 << insn.src();
            boolean x = (op & X) != 0;
            switch (cls) {
                case ALU, ALU64 -> {
                    int aop = op & 0xf0;
                    if (aop == MOV) {
                        use[pc] = x ? sr : 0;
                    } else if (aop == END || aop == NEG) {
                        use[pc] = d;
                    } else {
                        use[pc] = d | (x ? sr : 0);
                    }
                    def[pc] = d;
                    succ[pc] = new int[] {pc + 1};
                }
                case LDX -> {
                    use[pc] = sr;
                    def[pc] = d;
                    succ[pc] = new int[] {pc + 1};
                }
                case ST -> {
                    use[pc] = d;
                    succ[pc] = new int[] {pc + 1};
                }
                case STX -> {
                    use[pc] = d | sr | ((op & 0xe0) == ATOMIC ? 1 : 0);
                    if ((op & 0xe0) == ATOMIC && (insn.imm() & ATOMIC_FETCH) != 0) {
                        def[pc] = insn.imm() == ATOMIC_CMPXCHG ? 1 : sr;
                    }
                    succ[pc] = new int[] {pc + 1};
                }
                case LD -> {
                    if (op == LDDW) {
                        def[pc] = d;
                        if (pc + 1 < n) {
                            second[pc + 1] = true;
                        }
                        succ[pc] = new int[] {pc + 2};
                    } else {
                        use[pc] = (1 << 6) | (x ? 0 : 0) | ((op & 0xe0) == IND ? sr : 0);
                        def[pc] = CALLER_SAVED;
                        succ[pc] = new int[] {pc + 1};
                    }
                }
                default -> {
                    int jop = op & 0xf0;
                    if (jop == EXIT) {
                        use[pc] = 1;
                        succ[pc] = new int[0];
                    } else if (jop == CALL) {
                        use[pc] = ARGS;
                        def[pc] = CALLER_SAVED;
                        succ[pc] = new int[] {pc + 1};
                    } else if (jop == JA) {
                        succ[pc] = new int[] {pc + 1 + (cls == JMP32 ? insn.imm() : insn.offset())};
                    } else {
                        use[pc] = d | (x ? sr : 0);
                        succ[pc] = new int[] {pc + 1, pc + 1 + insn.offset()};
                    }
                }
            }
        }
        int[] in = new int[n];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int pc = n - 1; pc >= 0; pc--) {
                int out = 0;
                for (int t : succ[pc]) {
                    if (t >= 0 && t < n) {
                        out |= in[t];
                    }
                }
                int v = use[pc] | (out & ~def[pc]) | (1 << 10);
                if (v != in[pc]) {
                    in[pc] = v;
                    changed = true;
                }
            }
        }
        return new Liveness(in);
    }
}
