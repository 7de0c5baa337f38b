package io.bpf4j.classic;

import static io.bpf4j.classic.ClassicOpcodes.*;

/**
 * Checks a classic program as Linux does before attaching it: {@code bpf_check_classic} for every
 * kind (a known opcode, no division by a zero constant, shifts by less than 32, scratch memory
 * M[0] to M[15], jumps that go forward and stay inside the program, only known ancillary loads,
 * a return at the end, no scratch word read before every path has written it) and, for seccomp,
 * {@code seccomp_check_filter} on top (only the instructions seccomp allows, loads of aligned
 * words of {@code struct seccomp_data}).
 *
 * <p>The rules run in Linux's order, so the first error reported is the one Linux hits first.
 */
public final class ClassicChecker {
    /** {@code sizeof(struct seccomp_data)}. */
    public static final int SECCOMP_DATA_SIZE = 64;

    private ClassicChecker() {}

    /**
     * @throws ClassicCheckException naming the first instruction Linux would refuse and why
     */
    public static void check(ClassicProgram program, FilterKind kind) {
        int flen = program.size();
        if (flen == 0) {
            throw new ClassicCheckException(-1, "the program is empty; Linux needs at least one instruction");
        }
        if (flen > MAXINSNS) {
            throw new ClassicCheckException(-1, "the program has " + flen + " instructions, more than Linux's limit of "
                    + MAXINSNS + " (BPF_MAXINSNS)");
        }
        for (int pc = 0; pc < flen; pc++) {
            checkInstruction(program.get(pc), pc, flen);
        }
        ClassicInstruction last = program.get(flen - 1);
        if (!last.isReturn()) {
            throw new ClassicCheckException(flen - 1, "the program does not end in a return (ret #k or ret a), but in "
                    + describe(last, flen - 1));
        }
        checkScratchMemory(program);
        if (kind == FilterKind.SECCOMP) {
            checkSeccomp(program);
        }
    }

    /** Whether Linux's classic BPF has this opcode ({@code chk_code_allowed}). */
    public static boolean isKnownOpcode(int code) {
        return switch (code) {
            case ALU | ADD | K, ALU | ADD | X, ALU | SUB | K, ALU | SUB | X, ALU | MUL | K, ALU | MUL | X,
                    ALU | DIV | K, ALU | DIV | X, ALU | MOD | K, ALU | MOD | X, ALU | AND | K, ALU | AND | X,
                    ALU | OR | K, ALU | OR | X, ALU | XOR | K, ALU | XOR | X, ALU | LSH | K, ALU | LSH | X,
                    ALU | RSH | K, ALU | RSH | X, ALU | NEG,
                    LD | W | ABS, LD | H | ABS, LD | B | ABS, LD | W | IND, LD | H | IND, LD | B | IND,
                    LD | W | LEN, LD | IMM, LD | MEM,
                    LDX | W | LEN, LDX | B | MSH, LDX | IMM, LDX | MEM,
                    ST, STX, MISC | TAX, MISC | TXA, RET | K, RET | A,
                    JMP | JA, JMP | JEQ | K, JMP | JEQ | X, JMP | JGE | K, JMP | JGE | X,
                    JMP | JGT | K, JMP | JGT | X, JMP | JSET | K, JMP | JSET | X -> true;
            default -> false;
        };
    }

    private static void checkInstruction(ClassicInstruction insn, int pc, int flen) {
        int code = insn.code();
        if (!isKnownOpcode(code)) {
            throw new ClassicCheckException(pc, String.format("opcode 0x%02x is not a classic BPF instruction Linux knows", code));
        }
        long k = insn.unsignedK();
        switch (code) {
            case ALU | DIV | K, ALU | MOD | K -> {
                if (k == 0) {
                    throw new ClassicCheckException(pc, describe(insn, pc) + " divides by the constant 0");
                }
            }
            case ALU | LSH | K, ALU | RSH | K -> {
                if (k >= 32) {
                    throw new ClassicCheckException(pc, describe(insn, pc) + " shifts by " + k + "; shifts must be below 32");
                }
            }
            case LD | MEM, LDX | MEM, ST, STX -> {
                if (k >= MEMWORDS) {
                    throw new ClassicCheckException(pc, describe(insn, pc) + " addresses scratch word M[" + k
                            + "]; there are only M[0] to M[" + (MEMWORDS - 1) + "]");
                }
            }
            case JMP | JA -> {
                if (k >= flen - pc - 1) {
                    throw new ClassicCheckException(pc, "ja +" + k + " jumps to instruction " + (pc + 1 + k)
                            + ", past the last one (" + (flen - 1) + "); jumps go forward, inside the program");
                }
            }
            case LD | W | ABS, LD | H | ABS, LD | B | ABS -> {
                if (k >= (SKF_AD_OFF & 0xffffffffL) && insn.ancillary().isEmpty()) {
                    throw new ClassicCheckException(pc, describe(insn, pc) + " is an ancillary load (offset SKF_AD_OFF + "
                            + (k - (SKF_AD_OFF & 0xffffffffL)) + ") Linux does not know");
                }
            }
            default -> {
                if (insn.isConditionalJump()) {
                    if (pc + insn.jt() + 1 >= flen || pc + insn.jf() + 1 >= flen) {
                        throw new ClassicCheckException(pc, describe(insn, pc) + " jumps to instruction "
                                + (pc + 1 + Math.max(insn.jt(), insn.jf())) + ", past the last one (" + (flen - 1) + ")");
                    }
                }
            }
        }
    }

    /**
     * Linux's {@code check_load_and_stores}: a forward pass that knows, at each instruction, which
     * scratch words every path reaching it has written; reading another is an error. Jump targets
     * keep the words written on all their incoming jumps; after a jump, the fall-through state is
     * "everything" until it meets the target's mask (so a dead instruction after a jump accepts
     * anything, as in Linux).
     */
    private static void checkScratchMemory(ClassicProgram program) {
        int flen = program.size();
        int[] masks = new int[flen];
        java.util.Arrays.fill(masks, 0xffff);
        int valid = 0;
        for (int pc = 0; pc < flen; pc++) {
            ClassicInstruction insn = program.get(pc);
            valid &= masks[pc];
            int code = insn.code();
            switch (code) {
                case ST, STX -> valid |= 1 << insn.k();
                case LD | MEM, LDX | MEM -> {
                    if ((valid & 1 << insn.k()) == 0) {
                        throw new ClassicCheckException(pc, describe(insn, pc) + " reads M[" + insn.k()
                                + "], which is not written on every path to it");
                    }
                }
                case JMP | JA -> {
                    masks[pc + 1 + insn.k()] &= valid;
                    valid = 0xffff;
                }
                default -> {
                    if (insn.isConditionalJump()) {
                        masks[pc + 1 + insn.jt()] &= valid;
                        masks[pc + 1 + insn.jf()] &= valid;
                        valid = 0xffff;
                    }
                }
            }
        }
    }

    private static void checkSeccomp(ClassicProgram program) {
        for (int pc = 0; pc < program.size(); pc++) {
            ClassicInstruction insn = program.get(pc);
            int code = insn.code();
            switch (code) {
                case LD | W | ABS -> {
                    long k = insn.unsignedK();
                    if (k >= SECCOMP_DATA_SIZE || (k & 3) != 0) {
                        throw new ClassicCheckException(pc, describe(insn, pc) + " is not an aligned 32-bit word of struct"
                                + " seccomp_data (offsets 0, 4, ..., 60)");
                    }
                }
                case LD | W | LEN, LDX | W | LEN, RET | K, RET | A,
                        ALU | ADD | K, ALU | ADD | X, ALU | SUB | K, ALU | SUB | X, ALU | MUL | K, ALU | MUL | X,
                        ALU | DIV | K, ALU | DIV | X, ALU | AND | K, ALU | AND | X, ALU | OR | K, ALU | OR | X,
                        ALU | XOR | K, ALU | XOR | X, ALU | LSH | K, ALU | LSH | X, ALU | RSH | K, ALU | RSH | X,
                        ALU | NEG, LD | IMM, LDX | IMM, MISC | TAX, MISC | TXA, LD | MEM, LDX | MEM, ST, STX,
                        JMP | JA, JMP | JEQ | K, JMP | JEQ | X, JMP | JGE | K, JMP | JGE | X, JMP | JGT | K,
                        JMP | JGT | X, JMP | JSET | K, JMP | JSET | X -> { }
                default -> throw new ClassicCheckException(pc, describe(insn, pc)
                        + " is not allowed in a seccomp filter (no packet loads but aligned words of seccomp_data,"
                        + " no modulo, no ancillary data)");
            }
        }
    }

    private static String describe(ClassicInstruction insn, int pc) {
        return "'" + ClassicWriter.tcpdumpText(insn, pc) + "'";
    }
}
