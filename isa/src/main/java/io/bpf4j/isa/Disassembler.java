package io.bpf4j.isa;

import static io.bpf4j.isa.Opcodes.*;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints instructions in LLVM's BPF assembly syntax.
 *
 * <p>Two outputs:
 *
 * <ul>
 *   <li>{@link #format} and {@link #objdumpLines} reproduce {@code llvm-objdump-19 -d} byte for
 *       byte, for a {@code .text} section without symbols holding the program (so jump targets
 *       are annotated {@code <.text+0x48>}). LLVM's text depends on the CPU it decodes for, which
 *       {@link Cpu} selects; the default is what {@code llvm-objdump -d} uses without {@code
 *       --mcpu}. This text is not always re-assemblable or lossless: objdump prints a local call
 *       ({@code src=1}) and a kernel function call ({@code src=2}) like a helper call, drops the
 *       second half's immediate of {@code ld_pseudo} and the immediate of an indirect packet load,
 *       and without {@code --mcpu=v3} it cannot decode 32-bit atomics other than {@code add}.
 *   <li>{@link #listing} prints assembly source that {@link Assembler} turns back into the same
 *       bytes: the {@link Cpu#V4} text, with labels for jump and call targets. Where LLVM's syntax
 *       cannot say what the bytes say, it uses a small extension (see {@link #listing}).
 * </ul>
 */
public final class Disassembler {
    private Disassembler() {}

    /**
     * The CPU LLVM decodes for ({@code --mcpu=}). From v3 on, LLVM assumes 32-bit subregisters: it
     * prints narrow loads and stores with {@code w} registers and decodes every 32-bit atomic.
     */
    public enum Cpu {
        /** {@code llvm-objdump -d} without {@code --mcpu}: the same as {@link #V1}. */
        GENERIC("generic", false),
        V1("v1", false),
        V2("v2", false),
        V3("v3", true),
        V4("v4", true);

        private final String mcpu;
        private final boolean alu32;

        Cpu(String mcpu, boolean alu32) {
            this.mcpu = mcpu;
            this.alu32 = alu32;
        }

        /** The value LLVM's {@code --mcpu} option takes for this CPU. */
        public String mcpu() {
            return mcpu;
        }
    }

    /** Text objdump prints for an instruction it cannot decode. */
    public static final String UNKNOWN = "<unknown>";

    private static final String SECTION = ".text";

    /**
     * The text {@code llvm-objdump-19 -d} prints for instruction {@code index}, including the
     * {@code <.text+0x..>} annotation of a jump target.
     *
     * @throws IllegalArgumentException if {@code index} is the second half of a {@code lddw}
     */
    public static String format(Instructions code, int index) {
        return format(code, index, Cpu.GENERIC);
    }

    /** The text {@code llvm-objdump-19 -d --mcpu=<cpu>} prints for instruction {@code index}. */
    public static String format(Instructions code, int index, Cpu cpu) {
        requireStart(code, index);
        return new Printer(code, cpu.alu32, null).text(index);
    }

    /**
     * The instruction lines {@code llvm-objdump-19 -d} prints for a {@code .text} section holding
     * the program: slot index right-aligned in 8 columns, a colon, a tab, the bytes in hex (16 for
     * a {@code lddw}, on one line), a tab and the text. One line per instruction, without line
     * terminator; the section and symbol headers objdump prints before them are not included.
     */
    public static List<String> objdumpLines(Instructions code) {
        return objdumpLines(code, Cpu.GENERIC);
    }

    /** As {@link #objdumpLines(Instructions)}, for {@code llvm-objdump-19 -d --mcpu=<cpu>}. */
    public static List<String> objdumpLines(Instructions code, Cpu cpu) {
        Printer printer = new Printer(code, cpu.alu32, null);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < code.size(); i++) {
            int slots = code.isWide(i) ? 2 : 1;
            String index = Integer.toString(i);
            lines.add(" ".repeat(Math.max(0, 8 - index.length())) + index + ":\t" + hexBytes(code, i, slots) + "\t"
                    + printer.text(i));
            i += slots - 1;
        }
        return lines;
    }

    /**
     * Assembly source for the program, one instruction per line indented by a tab, each line
     * terminated by {@code \n}. Jump targets get labels {@code LBB0_1}, {@code LBB0_2}, ... and
     * local call targets {@code subprog1}, {@code subprog2}, ..., numbered in program order.
     * {@link Assembler#assemble} turns the listing back into the same instructions.
     *
     * <p>The text is {@link Cpu#V4}'s, which {@code llvm-mc -triple bpf -mcpu=v4} also accepts,
     * except for three forms LLVM has no syntax for, written as extensions that only {@link
     * Assembler} understands:
     *
     * <ul>
     *   <li>a call of a kernel function ({@code src=2}): {@code call_kfunc 0x5};
     *   <li>an indirect packet load with an immediate: {@code r0 = *(u32 *)skb[r1 + 0x4]};
     *   <li>{@code ld_pseudo} with a nonzero second immediate (a map value offset): the full
     *       64-bit value, {@code ld_pseudo r1, 0x2, 0x700000005} (llvm-mc keeps only the low 32
     *       bits).
     * </ul>
     */
    public static String listing(Instructions code) {
        Map<Integer, String> labels = labels(code);
        Printer printer = new Printer(code, true, labels);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < code.size(); i++) {
            String label = labels.get(i);
            if (label != null) {
                out.append(label).append(":\n");
            }
            out.append('\t').append(printer.text(i)).append('\n');
            if (code.isWide(i)) {
                i++;
            }
        }
        return out.toString();
    }

    private static Map<Integer, String> labels(Instructions code) {
        TreeMap<Integer, Boolean> targets = new TreeMap<>(); // slot -> is a call target
        for (int i = 0; i < code.size(); i++) {
            Instruction insn = code.get(i);
            long target = InstructionValidator.branchTarget(insn, i);
            if (target != InstructionValidator.NO_TARGET) {
                boolean call = insn.opcode() == CALL_IMM;
                targets.merge((int) target, call, Boolean::logicalOr); // in range: Instructions validated it
            }
            if (code.isWide(i)) {
                i++;
            }
        }
        Map<Integer, String> labels = new TreeMap<>();
        int blocks = 0;
        int subprogs = 0;
        for (Map.Entry<Integer, Boolean> e : targets.entrySet()) {
            labels.put(e.getKey(), e.getValue() ? "subprog" + ++subprogs : "LBB0_" + ++blocks);
        }
        return labels;
    }

    private static void requireStart(Instructions code, int index) {
        // In a well-formed program opcode 0 occurs only as the second half of a lddw.
        if (code.get(index).opcode() == 0) {
            throw new IllegalArgumentException("slot " + index + " is the second half of the lddw at " + (index - 1));
        }
    }

    private static String hexBytes(Instructions code, int index, int slots) {
        StringBuilder sb = new StringBuilder();
        HexFormat hex = HexFormat.of();
        for (int s = 0; s < slots; s++) {
            long raw = code.get(index + s).toRaw();
            for (int b = 0; b < 8; b++) {
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(hex.toHexDigits((byte) (raw >>> (8 * b))));
            }
        }
        return sb.toString();
    }

    /** Signed hexadecimal as LLVM prints immediates: {@code 0x10}, {@code -0x10}. */
    static String hex(long value) {
        return value < 0 ? "-0x" + Long.toHexString(-value) : "0x" + Long.toHexString(value);
    }

    /** Prints one program; {@code labels} is null for objdump text, the label map for a listing. */
    private static final class Printer {
        private final Instructions code;
        private final boolean alu32;
        private final Map<Integer, String> labels;

        Printer(Instructions code, boolean alu32, Map<Integer, String> labels) {
            this.code = code;
            this.alu32 = alu32;
            this.labels = labels;
        }

        private boolean listing() {
            return labels != null;
        }

        String text(int i) {
            Instruction insn = code.get(i);
            return switch (insn.instructionClass()) {
                case ALU, ALU64 -> alu(insn);
                case JMP, JMP32 -> jump(insn, i);
                case LD -> ld(insn, i);
                case LDX -> ldx(insn);
                case ST -> st(insn);
                case STX -> stx(insn);
                default -> throw new AssertionError();
            };
        }

        private static String reg(boolean wide, int r) {
            return (wide ? "r" : "w") + r;
        }

        private static String mem(int base, int offset) {
            return "r" + base + (offset < 0 ? " - " + hex(-(long) offset) : " + " + hex(offset));
        }

        private static String sizeName(int opcode, boolean signed) {
            return (signed ? "s" : "u") + 8 * sizeInBytes(size(opcode));
        }

        private String alu(Instruction insn) {
            int op = insn.opcode();
            boolean wide = instructionClass(op) == ALU64;
            boolean reg = source(op) == X;
            String d = reg(wide, insn.dst());
            String s = reg ? reg(wide, insn.src()) : hex(insn.imm());
            return switch (operation(op)) {
                case NEG -> d + " = -" + d;
                case END -> {
                    // LLVM prints the destination as rN in every form, including class ALU.
                    String name = wide ? "bswap" : reg ? "be" : "le";
                    yield "r" + insn.dst() + " = " + name + insn.imm() + " r" + insn.dst();
                }
                case MOV -> insn.offset() != 0 ? d + " = (s" + insn.offset() + ")" + s : d + " = " + s;
                case DIV -> d + (insn.offset() == 1 ? " s/= " : " /= ") + s;
                case MOD -> d + (insn.offset() == 1 ? " s%= " : " %= ") + s;
                default -> d + " " + aluOperator(operation(op)) + " " + s;
            };
        }

        private static String aluOperator(int operation) {
            return switch (operation) {
                case ADD -> "+=";
                case SUB -> "-=";
                case MUL -> "*=";
                case OR -> "|=";
                case AND -> "&=";
                case LSH -> "<<=";
                case RSH -> ">>=";
                case XOR -> "^=";
                case ARSH -> "s>>=";
                default -> throw new IllegalArgumentException("not a binary ALU operation: " + operation);
            };
        }

        static String jumpOperator(int operation) {
            return switch (operation) {
                case JEQ -> "==";
                case JGT -> ">";
                case JGE -> ">=";
                case JSET -> "&";
                case JNE -> "!=";
                case JSGT -> "s>";
                case JSGE -> "s>=";
                case JLT -> "<";
                case JLE -> "<=";
                case JSLT -> "s<";
                case JSLE -> "s<=";
                default -> throw new IllegalArgumentException("not a conditional jump: " + operation);
            };
        }

        private String jump(Instruction insn, int i) {
            int op = insn.opcode();
            boolean wide = instructionClass(op) == JMP;
            return switch (operation(op)) {
                case EXIT -> "exit";
                case CALL -> {
                    if (source(op) == X) {
                        yield "callx r" + insn.dst();
                    }
                    if (listing() && insn.src() == CALL_LOCAL) {
                        yield "call " + labels.get(i + insn.imm() + 1);
                    }
                    if (listing() && insn.src() == CALL_KFUNC) {
                        yield "call_kfunc " + hex(insn.imm());
                    }
                    yield "call " + hex(insn.imm());
                }
                case JA -> wide
                        ? "goto " + target(i, insn.offset())
                        : "gotol " + target(i, insn.imm());
                default -> {
                    String rhs = source(op) == X ? reg(wide, insn.src()) : hex(insn.imm());
                    yield "if " + reg(wide, insn.dst()) + " " + jumpOperator(operation(op)) + " " + rhs
                            + " goto " + target(i, insn.offset());
                }
            };
        }

        private String target(int i, int offset) {
            if (listing()) {
                return labels.get(i + offset + 1);
            }
            String rel = offset < 0 ? hex(offset) : "+" + hex(offset);
            long address = ((long) i + 1 + offset) * Instruction.SIZE;
            return rel + " <" + SECTION + (address == 0 ? "" : "+0x" + Long.toHexString(address)) + ">";
        }

        private String ld(Instruction insn, int i) {
            int op = insn.opcode();
            if (op == LDDW) {
                if (insn.src() == PSEUDO_IMM) {
                    return "r" + insn.dst() + " = " + hex(code.imm64(i)) + " ll";
                }
                // objdump prints only the first slot's immediate, unsigned.
                long value = listing() ? code.imm64(i) : insn.imm() & 0xffffffffL;
                return "ld_pseudo\tr" + insn.dst() + ", " + hex(insn.src()) + ", 0x" + Long.toHexString(value);
            }
            String access = "r0 = *(" + sizeName(op, false) + " *)skb[";
            if (mode(op) == ABS) {
                return access + hex(insn.imm()) + "]";
            }
            // objdump ignores the immediate of an indirect load.
            if (listing() && insn.imm() != 0) {
                return access + mem(insn.src(), insn.imm()) + "]";
            }
            return access + "r" + insn.src() + "]";
        }

        private String ldx(Instruction insn) {
            int op = insn.opcode();
            boolean signed = mode(op) == MEMSX;
            boolean wideDst = signed || size(op) == DW || !alu32;
            return reg(wideDst, insn.dst()) + " = *(" + sizeName(op, signed) + " *)(" + mem(insn.src(), insn.offset()) + ")";
        }

        private String st(Instruction insn) {
            return "*(" + sizeName(insn.opcode(), false) + " *)(" + mem(insn.dst(), insn.offset()) + ") = " + hex(insn.imm());
        }

        private String stx(Instruction insn) {
            int op = insn.opcode();
            String address = mem(insn.dst(), insn.offset());
            boolean dw = size(op) == DW;
            if (mode(op) == MEM) {
                return "*(" + sizeName(op, false) + " *)(" + address + ") = " + reg(dw || !alu32, insn.src());
            }
            // ATOMIC, 32 or 64 bits
            String type = dw ? "u64" : "u32";
            if (!dw && !alu32) {
                // Without 32-bit subregisters LLVM knows only the old "xadd": imm 0 and, as it does
                // not look at the fetch bit, imm 1.
                return insn.imm() == ADD || insn.imm() == (ADD | ATOMIC_FETCH)
                        ? "lock *(u32 *)(" + address + ") += r" + insn.src()
                        : UNKNOWN;
            }
            String s = reg(dw, insn.src());
            return switch (insn.imm()) {
                case ADD, OR, AND, XOR -> "lock *(" + type + " *)(" + address + ") " + atomicOperator(insn.imm()) + " " + s;
                case ATOMIC_XCHG -> s + " = " + (dw ? "xchg_64(" : "xchg32_32(") + address + ", " + s + ")";
                case ATOMIC_CMPXCHG -> {
                    String r0 = reg(dw, 0);
                    yield r0 + " = " + (dw ? "cmpxchg_64(" : "cmpxchg32_32(") + address + ", " + r0 + ", " + s + ")";
                }
                default -> s + " = atomic_fetch_" + atomicName(insn.imm() & ~ATOMIC_FETCH) + "((" + type + " *)(" + address
                        + "), " + s + ")";
            };
        }

        private static String atomicOperator(int operation) {
            return switch (operation) {
                case ADD -> "+=";
                case OR -> "|=";
                case AND -> "&=";
                case XOR -> "^=";
                default -> throw new IllegalArgumentException("not an atomic operation: " + operation);
            };
        }

        private static String atomicName(int operation) {
            return switch (operation) {
                case ADD -> "add";
                case OR -> "or";
                case AND -> "and";
                case XOR -> "xor";
                default -> throw new IllegalArgumentException("not an atomic operation: " + operation);
            };
        }
    }
}
