package io.bpf4j.classic;

import static io.bpf4j.classic.ClassicOpcodes.*;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Writes classic programs in each {@link ClassicFormat}, as the tool that defines the format writes them. */
public final class ClassicWriter {
    private ClassicWriter() {}

    /** The program in {@code format}; {@link ClassicFormat#BINARY} as little-endian {@code struct sock_filter}s. */
    public static byte[] write(ClassicProgram program, ClassicFormat format) {
        if (format == ClassicFormat.BINARY) {
            return program.toBytes();
        }
        return toText(program, format).getBytes(StandardCharsets.UTF_8);
    }

    /** The program as text in {@code format} (not {@link ClassicFormat#BINARY}). */
    public static String toText(ClassicProgram program, ClassicFormat format) {
        StringBuilder out = new StringBuilder();
        switch (format) {
            case TCPDUMP -> {
                for (int pc = 0; pc < program.size(); pc++) {
                    out.append(tcpdumpLine(program.get(pc), pc)).append('\n');
                }
            }
            case C_ARRAY -> {
                for (ClassicInstruction i : program) {
                    out.append(i).append(",\n");
                }
            }
            case DECIMAL -> {
                out.append(program.size()).append('\n');
                for (ClassicInstruction i : program) {
                    out.append(i.code()).append(' ').append(i.jt()).append(' ').append(i.jf()).append(' ')
                            .append(i.unsignedK()).append('\n');
                }
            }
            case BPF_ASM -> BpfAsmWriter.write(program, out);
            case BINARY -> throw new IllegalArgumentException("BINARY is not a text format; use write()");
        }
        return out.toString();
    }

    /** One line as libpcap's {@code bpf_image} prints instruction {@code pc} ({@code tcpdump -d}). */
    public static String tcpdumpLine(ClassicInstruction insn, int pc) {
        String[] parts = tcpdumpParts(insn, pc);
        if (insn.isConditionalJump()) {
            return String.format("(%03d) %-8s %-16s jt %d\tjf %d", pc, parts[0], parts[1], pc + 1 + insn.jt(), pc + 1 + insn.jf());
        }
        return String.format("(%03d) %-8s %s", pc, parts[0], parts[1]);
    }

    /** The mnemonic and operand of {@link #tcpdumpLine} without the index and padding, for messages. */
    static String tcpdumpText(ClassicInstruction insn, int pc) {
        String[] parts = tcpdumpParts(insn, pc);
        String text = parts[1].isEmpty() ? parts[0] : parts[0] + " " + parts[1];
        if (insn.isConditionalJump()) {
            text += " jt " + (pc + 1 + insn.jt()) + " jf " + (pc + 1 + insn.jf());
        }
        return text;
    }

    /**
     * Mnemonic and operand as libpcap 1.10 prints them. One addition: libpcap has no text for
     * {@code ldx} of the packet length (opcode 0x81, which Linux accepts) and prints
     * {@code unimp 0x81}; bpf4j prints {@code ldx #pktlen}, which it also reads.
     */
    private static String[] tcpdumpParts(ClassicInstruction insn, int pc) {
        int k = insn.k();
        int code = insn.code();
        return switch (code) {
            case RET | K -> new String[] {"ret", "#" + k};
            case RET | A -> new String[] {"ret", ""};
            case LD | W | ABS, LD | H | ABS, LD | B | ABS -> {
                Optional<Ancillary> anc = Ancillary.ofK(k);
                yield new String[] {loadName(code), "[" + anc.map(Ancillary::pcapName).orElse(Integer.toString(k)) + "]"};
            }
            case LD | W | IND, LD | H | IND, LD | B | IND -> new String[] {loadName(code), "[x + " + k + "]"};
            case LD | W | LEN -> new String[] {"ld", "#pktlen"};
            case LDX | W | LEN -> new String[] {"ldx", "#pktlen"};
            case LD | IMM -> new String[] {"ld", hex(k)};
            case LDX | IMM -> new String[] {"ldx", hex(k)};
            case LDX | B | MSH -> new String[] {"ldxb", "4*([" + k + "]&0xf)"};
            case LD | MEM -> new String[] {"ld", "M[" + k + "]"};
            case LDX | MEM -> new String[] {"ldx", "M[" + k + "]"};
            case ST -> new String[] {"st", "M[" + k + "]"};
            case STX -> new String[] {"stx", "M[" + k + "]"};
            case JMP | JA -> new String[] {"ja", Long.toString(pc + 1 + insn.unsignedK())};
            case ALU | NEG -> new String[] {"neg", ""};
            case MISC | TAX -> new String[] {"tax", ""};
            case MISC | TXA -> new String[] {"txa", ""};
            default -> {
                String op = switch (instructionClass(code)) {
                    case JMP -> jumpName(operation(code));
                    case ALU -> aluName(operation(code));
                    default -> null;
                };
                if (op == null) {
                    yield new String[] {"unimp", String.format("0x%x", code)};
                }
                String operand;
                if (source(code) == X) {
                    operand = "x";
                } else if (instructionClass(code) == JMP) {
                    operand = hex(k);
                } else {
                    int operation = operation(code);
                    operand = operation == AND || operation == OR || operation == XOR ? hex(k) : "#" + k;
                }
                yield new String[] {op, operand};
            }
        };
    }

    private static String hex(int k) {
        return "#0x" + Integer.toHexString(k);
    }

    static String loadName(int code) {
        return switch (size(code)) {
            case H -> "ldh";
            case B -> "ldb";
            default -> "ld";
        };
    }

    static String jumpName(int operation) {
        return switch (operation) {
            case JEQ -> "jeq";
            case JGT -> "jgt";
            case JGE -> "jge";
            case JSET -> "jset";
            default -> null;
        };
    }

    static String aluName(int operation) {
        return switch (operation) {
            case ADD -> "add";
            case SUB -> "sub";
            case MUL -> "mul";
            case DIV -> "div";
            case MOD -> "mod";
            case AND -> "and";
            case OR -> "or";
            case XOR -> "xor";
            case LSH -> "lsh";
            case RSH -> "rsh";
            default -> null;
        };
    }
}
