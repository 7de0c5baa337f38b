package io.bpf4j.isa;

import static io.bpf4j.isa.Opcodes.*;

/**
 * Structural checks of RFC 9669: what makes a slot sequence a program at all. Each rule matches a
 * rule Linux applies before verification proper (opcode known, reserved fields zero, registers
 * r0-r10, r10 never written, jumps inside the program and not into a {@code lddw}).
 */
final class InstructionValidator {
    private InstructionValidator() {}

    static void validate(Instruction[] slots) {
        if (slots.length == 0) {
            throw new InvalidInstructionException(-1, "program is empty");
        }
        if (slots.length > Instructions.MAX_SLOTS) {
            throw new InvalidInstructionException(-1,
                    "program has " + slots.length + " instructions, more than the limit of " + Instructions.MAX_SLOTS);
        }
        boolean[] secondHalf = new boolean[slots.length];
        for (int i = 0; i < slots.length; i++) {
            if (secondHalf[i]) {
                continue;
            }
            Instruction insn = slots[i];
            checkFields(insn, i);
            if (insn.opcode() == LDDW) {
                if (i + 1 >= slots.length) {
                    throw new InvalidInstructionException(i, "lddw is missing its second half (truncated at the end of the program)");
                }
                Instruction next = slots[i + 1];
                if (next.opcode() != 0 || next.dst() != 0 || next.src() != 0 || next.offset() != 0) {
                    throw new InvalidInstructionException(i + 1,
                            "second half of lddw must have opcode, registers and offset zero");
                }
                // The second imm is the upper half of a plain immediate (src 0) and the value offset of a
                // map value (2, 6). For a kernel variable (3) RFC 9669 wants it zero, but Linux reads it
                // as the fd of the BTF object that holds the variable, so it is accepted as Linux does.
                // For the remaining kinds both say zero.
                boolean secondImmUsed = insn.src() == PSEUDO_IMM || insn.src() == PSEUDO_MAP_VALUE
                        || insn.src() == PSEUDO_MAP_IDX_VALUE || insn.src() == PSEUDO_BTF_ID;
                if (!secondImmUsed && next.imm() != 0) {
                    throw new InvalidInstructionException(i + 1,
                            "second half of lddw with src " + insn.src() + " must have imm zero");
                }
                secondHalf[i + 1] = true;
            }
        }
        for (int i = 0; i < slots.length; i++) {
            if (secondHalf[i]) {
                continue;
            }
            Instruction insn = slots[i];
            long target = branchTarget(insn, i);
            if (target != NO_TARGET) {
                String what = insn.opcode() == CALL_IMM ? "call" : "jump";
                if (target < 0 || target >= slots.length) {
                    throw new InvalidInstructionException(i,
                            what + " target " + target + " is outside the program (0.." + (slots.length - 1) + ")");
                }
                if (secondHalf[(int) target]) {
                    throw new InvalidInstructionException(i,
                            what + " target " + target + " is the second half of a lddw");
                }
            }
            if (insn.opcode() == LDDW && insn.src() == PSEUDO_FUNC) {
                long fn = (long) i + insn.imm() + 1;
                if (fn < 0 || fn >= slots.length || secondHalf[(int) fn]) {
                    throw new InvalidInstructionException(i, "lddw code address " + fn + " is not an instruction");
                }
            }
        }
    }

    static final long NO_TARGET = Long.MIN_VALUE;

    /** Target slot of a jump or local call at {@code index}, or {@link #NO_TARGET}. */
    static long branchTarget(Instruction insn, int index) {
        int op = insn.opcode();
        int cls = instructionClass(op);
        if (cls == JMP || cls == JMP32) {
            int operation = operation(op);
            if (operation == EXIT) {
                return NO_TARGET;
            }
            if (operation == CALL) {
                return op == CALL_IMM && insn.src() == CALL_LOCAL ? (long) index + insn.imm() + 1 : NO_TARGET;
            }
            if (op == (JMP32 | JA)) {
                return (long) index + insn.imm() + 1; // gotol: 32-bit offset in imm
            }
            return (long) index + insn.offset() + 1;
        }
        return NO_TARGET;
    }

    private static InvalidInstructionException bad(int index, Instruction insn, String reason) {
        return new InvalidInstructionException(index,
                String.format("opcode 0x%02x: %s", insn.opcode(), reason));
    }

    private static void checkFields(Instruction insn, int i) {
        int op = insn.opcode();
        if (insn.dst() > 10) {
            throw bad(i, insn, "destination register r" + insn.dst() + " does not exist (r0-r10)");
        }
        if (insn.src() > 10 && !(op == LDDW)) {
            throw bad(i, insn, "source register r" + insn.src() + " does not exist (r0-r10)");
        }
        switch (instructionClass(op)) {
            case ALU, ALU64 -> checkAlu(insn, i);
            case JMP, JMP32 -> checkJump(insn, i);
            case LD -> checkLd(insn, i);
            case LDX -> checkLdx(insn, i);
            case ST -> checkSt(insn, i);
            case STX -> checkStx(insn, i);
            default -> throw new AssertionError();
        }
    }

    private static void requireZero(int index, Instruction insn, String field, int value) {
        if (value != 0) {
            throw bad(index, insn, "reserved field " + field + " must be 0 but is " + value);
        }
    }

    private static void requireWritableDst(int index, Instruction insn) {
        if (insn.dst() == FRAME_POINTER) {
            throw bad(index, insn, "r10 is the read-only frame pointer and cannot be written");
        }
    }

    private static void checkAlu(Instruction insn, int i) {
        int op = insn.opcode();
        boolean is64 = instructionClass(op) == ALU64;
        int operation = operation(op);
        boolean reg = source(op) == X;
        requireWritableDst(i, insn);
        switch (operation) {
            case ADD, SUB, MUL, OR, AND, LSH, RSH, XOR, ARSH -> requireZero(i, insn, "offset", insn.offset());
            case DIV, MOD -> {
                if (insn.offset() != 0 && insn.offset() != 1) {
                    throw bad(i, insn, "offset of div/mod must be 0 (unsigned) or 1 (signed), not " + insn.offset());
                }
            }
            case MOV -> {
                int off = insn.offset();
                boolean ok = off == 0 || (reg && (off == 8 || off == 16 || (is64 && off == 32)));
                if (!ok) {
                    throw bad(i, insn, "offset of mov must be 0, or 8/16" + (is64 ? "/32" : "")
                            + " for a sign-extending register move, not " + off);
                }
            }
            case NEG -> {
                if (reg) {
                    throw bad(i, insn, "neg takes no source register (unknown opcode)");
                }
                requireZero(i, insn, "offset", insn.offset());
                requireZero(i, insn, "imm", insn.imm());
            }
            case END -> {
                if (is64 && reg) {
                    throw bad(i, insn, "unknown opcode (64-bit byte swap has no register form)");
                }
                requireZero(i, insn, "offset", insn.offset());
                if (insn.imm() != 16 && insn.imm() != 32 && insn.imm() != 64) {
                    throw bad(i, insn, "byte swap width must be 16, 32 or 64, not " + insn.imm());
                }
                requireZero(i, insn, "source register", insn.src());
                return;
            }
            default -> throw bad(i, insn, "unknown arithmetic operation");
        }
        if (operation == NEG) {
            requireZero(i, insn, "source register", insn.src());
        } else if (reg) {
            requireZero(i, insn, "imm", insn.imm());
        } else {
            requireZero(i, insn, "source register", insn.src());
        }
    }

    private static void checkJump(Instruction insn, int i) {
        int op = insn.opcode();
        boolean is32 = instructionClass(op) == JMP32;
        int operation = operation(op);
        boolean reg = source(op) == X;
        switch (operation) {
            case JA -> {
                if (reg) {
                    throw bad(i, insn, "unknown opcode (ja has no register form)");
                }
                requireZero(i, insn, "destination register", insn.dst());
                requireZero(i, insn, "source register", insn.src());
                if (is32) {
                    requireZero(i, insn, "offset", insn.offset()); // gotol: the offset is in imm
                } else {
                    requireZero(i, insn, "imm", insn.imm());
                }
            }
            case CALL -> {
                if (is32) {
                    throw bad(i, insn, "unknown opcode (call exists only in class JMP)");
                }
                requireZero(i, insn, "offset", insn.offset());
                if (reg) { // callx: target helper id in the dst register
                    requireZero(i, insn, "source register", insn.src());
                    requireZero(i, insn, "imm", insn.imm());
                } else {
                    requireZero(i, insn, "destination register", insn.dst());
                    if (insn.src() > CALL_KFUNC) {
                        throw bad(i, insn, "call src must be 0 (helper), 1 (local function) or 2 (kernel function), not "
                                + insn.src());
                    }
                }
            }
            case EXIT -> {
                if (is32 || reg) {
                    throw bad(i, insn, "unknown opcode (exit is 0x95 only)");
                }
                requireZero(i, insn, "destination register", insn.dst());
                requireZero(i, insn, "source register", insn.src());
                requireZero(i, insn, "offset", insn.offset());
                requireZero(i, insn, "imm", insn.imm());
            }
            case JEQ, JGT, JGE, JSET, JNE, JSGT, JSGE, JLT, JLE, JSLT, JSLE -> {
                if (reg) {
                    requireZero(i, insn, "imm", insn.imm());
                } else {
                    requireZero(i, insn, "source register", insn.src());
                }
            }
            default -> throw bad(i, insn, "unknown jump operation");
        }
    }

    private static void checkLd(Instruction insn, int i) {
        int op = insn.opcode();
        if (op == LDDW) {
            requireWritableDst(i, insn);
            requireZero(i, insn, "offset", insn.offset());
            if (insn.src() > PSEUDO_MAP_IDX_VALUE) {
                throw bad(i, insn, "lddw src " + insn.src() + " is not a known kind (0-6)");
            }
            return;
        }
        int mode = mode(op);
        int size = size(op);
        if ((mode != ABS && mode != IND) || size == DW) {
            throw bad(i, insn, "unknown opcode in class LD");
        }
        requireZero(i, insn, "destination register", insn.dst());
        requireZero(i, insn, "offset", insn.offset());
        if (mode == ABS) {
            requireZero(i, insn, "source register", insn.src());
        }
    }

    private static void checkLdx(Instruction insn, int i) {
        int op = insn.opcode();
        int mode = mode(op);
        if (!(mode == MEM || (mode == MEMSX && size(op) != DW))) {
            throw bad(i, insn, "unknown opcode in class LDX");
        }
        requireWritableDst(i, insn);
        requireZero(i, insn, "imm", insn.imm());
    }

    private static void checkSt(Instruction insn, int i) {
        if (mode(insn.opcode()) != MEM) {
            throw bad(i, insn, "unknown opcode in class ST");
        }
        requireZero(i, insn, "source register", insn.src());
    }

    private static void checkStx(Instruction insn, int i) {
        int op = insn.opcode();
        int mode = mode(op);
        if (mode == MEM) {
            requireZero(i, insn, "imm", insn.imm());
            return;
        }
        if (mode == ATOMIC && (size(op) == W || size(op) == DW)) {
            int a = insn.imm();
            boolean known = switch (a) {
                case ADD, OR, AND, XOR, ADD | ATOMIC_FETCH, OR | ATOMIC_FETCH, AND | ATOMIC_FETCH,
                        XOR | ATOMIC_FETCH, ATOMIC_XCHG, ATOMIC_CMPXCHG -> true;
                default -> false;
            };
            if (!known) {
                throw bad(i, insn, String.format("unknown atomic operation 0x%x", a));
            }
            if ((a & ATOMIC_FETCH) != 0 && a != ATOMIC_CMPXCHG && insn.src() == FRAME_POINTER) {
                throw bad(i, insn, "r10 is the read-only frame pointer and cannot be written"
                        + " (a fetching atomic loads the old value into its source register)");
            }
            return;
        }
        throw bad(i, insn, "unknown opcode in class STX");
    }
}
