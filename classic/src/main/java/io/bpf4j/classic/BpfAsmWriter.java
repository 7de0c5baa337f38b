package io.bpf4j.classic;

import static io.bpf4j.classic.ClassicOpcodes.*;

/**
 * Writes the kernel's {@code bpf_asm} syntax: one instruction per line, a label {@code L<n>:} on
 * every jump target, jumps by label. Instructions bpf_asm cannot express (unknown opcodes, a
 * {@code xor_x} or unknown ancillary offset written with a name) fall back to what it reads:
 * numeric offsets; an opcode it has no mnemonic for is refused.
 */
final class BpfAsmWriter {
    private BpfAsmWriter() {}

    static void write(ClassicProgram program, StringBuilder out) {
        boolean[] target = new boolean[program.size() + 256];
        for (int pc = 0; pc < program.size(); pc++) {
            ClassicInstruction i = program.get(pc);
            if (i.code() == (JMP | JA)) {
                long t = pc + 1 + i.unsignedK();
                if (t >= program.size()) {
                    throw new ClassicFormatException("instruction " + pc + " jumps to " + t + ", outside the program; bpf_asm needs a label there");
                }
                target[(int) t] = true;
            } else if (i.isConditionalJump()) {
                target[pc + 1 + i.jt()] = true;
                target[pc + 1 + i.jf()] = true;
            }
        }
        for (int pc = 0; pc < program.size(); pc++) {
            if (target[pc]) {
                out.append('L').append(pc).append(":\n");
            }
            out.append('\t').append(line(program.get(pc), pc, program.size())).append('\n');
        }
    }

    private static String label(int pc, int size) {
        if (pc >= size) {
            throw new ClassicFormatException("a jump goes to instruction " + pc + ", outside the program of " + size
                    + "; bpf_asm needs a label there");
        }
        return "L" + pc;
    }

    private static String line(ClassicInstruction insn, int pc, int size) {
        int code = insn.code();
        int k = insn.k();
        String kk = "#" + (k < 0 ? "0x" + Integer.toHexString(k) : Integer.toString(k));
        return switch (code) {
            case RET | K -> "ret " + kk;
            case RET | A -> "ret a";
            case RET | X -> "ret x";
            case LD | W | ABS, LD | H | ABS, LD | B | ABS -> {
                var name = insn.ancillary().flatMap(Ancillary::bpfAsmName);
                yield ClassicWriter.loadName(code) + (name.isPresent() ? " #" + name.get() : " [" + k + "]");
            }
            case LD | W | IND, LD | H | IND, LD | B | IND -> ClassicWriter.loadName(code) + " [x + " + k + "]";
            case LD | W | LEN -> "ld #len";
            case LDX | W | LEN -> "ldx #len";
            case LD | IMM -> "ld " + kk;
            case LDX | IMM -> "ldx " + kk;
            case LDX | B | MSH -> "ldxb 4*([" + k + "]&0xf)";
            case LD | MEM -> "ld M[" + k + "]";
            case LDX | MEM -> "ldx M[" + k + "]";
            case ST -> "st M[" + k + "]";
            case STX -> "stx M[" + k + "]";
            case JMP | JA -> "ja " + label((int) Math.min(Integer.MAX_VALUE, pc + 1 + insn.unsignedK()), size);
            case ALU | NEG -> "neg";
            case MISC | TAX -> "tax";
            case MISC | TXA -> "txa";
            default -> {
                String op = switch (instructionClass(code)) {
                    case JMP -> ClassicWriter.jumpName(operation(code));
                    case ALU -> ClassicWriter.aluName(operation(code));
                    default -> null;
                };
                if (op == null || (code & ~0xff) != 0 || !ClassicChecker.isKnownOpcode(code)) {
                    throw new ClassicFormatException(String.format(
                            "instruction %d has opcode 0x%x, which bpf_asm has no mnemonic for", pc, code));
                }
                String operand = source(code) == X ? "x" : kk;
                if (instructionClass(code) == JMP) {
                    yield op + " " + operand + ", " + label(pc + 1 + insn.jt(), size) + ", " + label(pc + 1 + insn.jf(), size);
                }
                yield op + " " + operand;
            }
        };
    }
}
