package io.bpf4j.classic.internal;

import static io.bpf4j.classic.ClassicOpcodes.*;

import io.bpf4j.classic.Ancillary;
import io.bpf4j.classic.ClassicFormatException;
import java.util.Locale;

/**
 * The non-jump instructions of classic assembly, in the union of libpcap's listing syntax
 * ({@code ld [proto]}, {@code ld #pktlen}, {@code ret} for ret a) and the kernel's bpf_asm syntax
 * ({@code ld #proto}, {@code ld len}, {@code ldi}, {@code %x}): both name the same instructions
 * the same way almost everywhere.
 */
public final class Statements {
    private Statements() {}

    /** An instruction without jump offsets. */
    public record Statement(int code, int k) {}

    /** Whether {@code mnemonic} (lower case) is a jump, which the caller parses itself. */
    public static boolean isJump(String mnemonic) {
        return switch (mnemonic) {
            case "ja", "jmp", "jeq", "jneq", "jne", "jlt", "jle", "jgt", "jge", "jset" -> true;
            default -> false;
        };
    }

    /** Parses the operands of {@code mnemonic} (lower case) up to the end of the line. */
    public static Statement parse(String mnemonic, Tokens in) {
        Statement s = switch (mnemonic) {
            case "ld", "ldh", "ldb" -> load(mnemonic, in);
            case "ldi" -> {
                in.accept("#");
                yield new Statement(LD | IMM, in.number());
            }
            case "ldxi" -> {
                in.accept("#");
                yield new Statement(LDX | IMM, in.number());
            }
            case "ldx" -> loadX(in);
            case "ldxb" -> new Statement(LDX | B | MSH, msh(in));
            case "st" -> new Statement(ST, scratch(in));
            case "stx" -> new Statement(STX, scratch(in));
            case "neg" -> new Statement(ALU | NEG, 0);
            case "tax" -> new Statement(MISC | TAX, 0);
            case "txa" -> new Statement(MISC | TXA, 0);
            case "ret" -> ret(in);
            default -> {
                int op = aluOperation(mnemonic);
                if (op < 0) {
                    throw new ClassicFormatException(in.line(), 1, "unknown instruction '" + mnemonic + "'");
                }
                yield operand(in) ? new Statement(ALU | op | X, 0) : new Statement(ALU | op | K, in.number());
            }
        };
        in.expectEnd();
        return s;
    }

    /**
     * Parses a jump or ALU source operand: true for X ({@code x} or {@code %x}); false, having
     * taken the {@code #}, when a constant follows.
     */
    public static boolean operand(Tokens in) {
        if (in.accept("%")) {
            in.expect("x");
            return true;
        }
        if (in.accept("x")) {
            return true;
        }
        in.expect("#");
        return false;
    }

    public static int jumpOperation(String mnemonic) {
        return switch (mnemonic) {
            case "jeq", "jneq", "jne" -> JEQ;
            case "jgt", "jle" -> JGT;
            case "jge", "jlt" -> JGE;
            case "jset" -> JSET;
            default -> JA;
        };
    }

    private static int aluOperation(String mnemonic) {
        return switch (mnemonic) {
            case "add" -> ADD;
            case "sub" -> SUB;
            case "mul" -> MUL;
            case "div" -> DIV;
            case "mod" -> MOD;
            case "and" -> AND;
            case "or" -> OR;
            case "xor" -> XOR;
            case "lsh" -> LSH;
            case "rsh" -> RSH;
            default -> -1;
        };
    }

    private static Statement load(String mnemonic, Tokens in) {
        int size = switch (mnemonic) {
            case "ldh" -> H;
            case "ldb" -> B;
            default -> W;
        };
        boolean word = size == W;
        if (in.accept("[")) {
            Statement s;
            if (in.accept("%")) {
                in.expect("x");
                in.expect("+");
                s = new Statement(LD | size | IND, in.number());
            } else if (in.accept("x")) {
                in.expect("+");
                s = new Statement(LD | size | IND, in.number());
            } else if (in.peek() != null && !in.peek().isNumber()) {
                String name = in.word();
                s = new Statement(LD | size | ABS, ancillary(name, in, true));
            } else {
                s = new Statement(LD | size | ABS, in.number());
            }
            in.expect("]");
            return s;
        }
        if (word && in.accept("M")) {
            return new Statement(LD | MEM, scratchIndex(in));
        }
        boolean hash = in.accept("#");
        if (in.peek() != null && in.peek().isNumber()) {
            if (!word || !hash) {
                throw in.error(word ? "a constant needs '#'" : mnemonic + " loads packet bytes: write " + mnemonic + " [k]");
            }
            return new Statement(LD | IMM, in.number());
        }
        String name = in.word().toLowerCase(Locale.ROOT);
        if (name.equals("len") || name.equals("pktlen")) {
            if (!word) {
                throw new ClassicFormatException(in.line(), 1, mnemonic + " cannot load the packet length; use ld");
            }
            return new Statement(LD | W | LEN, 0);
        }
        return new Statement(LD | size | ABS, ancillary(name, in, false));
    }

    /**
     * The k of an ancillary load by name: libpcap's names ({@code vlanp}, {@code xor_x}) and
     * bpf_asm's ({@code vlan_avail}, {@code vlan_pr}, {@code rand}) are both accepted in both syntaxes.
     */
    private static int ancillary(String name, Tokens in, boolean pcapNames) {
        for (Ancillary a : Ancillary.values()) {
            if (a.pcapName().equalsIgnoreCase(name) || a.bpfAsmName().map(name::equalsIgnoreCase).orElse(false)
                    || name.equalsIgnoreCase("vlan_pr") && a == Ancillary.VLAN_TAG_PRESENT) {
                return a.k();
            }
        }
        throw new ClassicFormatException(in.line(), 1, "unknown ancillary load '" + name + "'; known: "
                + java.util.Arrays.stream(Ancillary.values())
                        .map(a -> pcapNames ? a.pcapName() : a.bpfAsmName().orElse(a.pcapName())).toList());
    }

    private static Statement loadX(Tokens in) {
        if (in.accept("M")) {
            return new Statement(LDX | MEM, scratchIndex(in));
        }
        if (in.peek() != null && in.peek().isNumber()) {
            return new Statement(LDX | B | MSH, msh(in));
        }
        boolean hash = in.accept("#");
        if (in.peek() != null && in.peek().isNumber()) {
            if (!hash) {
                throw in.error("a constant needs '#'");
            }
            return new Statement(LDX | IMM, in.number());
        }
        String name = in.word().toLowerCase(Locale.ROOT);
        if (name.equals("len") || name.equals("pktlen")) {
            return new Statement(LDX | W | LEN, 0);
        }
        throw new ClassicFormatException(in.line(), 1, "ldx loads a constant (#k), M[k], the length (len) or 4*([k]&0xf), not '" + name + "'");
    }

    /** {@code 4*([k]&0xf)}: returns k. */
    private static int msh(Tokens in) {
        int four = in.number();
        in.expect("*");
        in.expect("(");
        in.expect("[");
        int k = in.number();
        in.expect("]");
        in.expect("&");
        int mask = in.number();
        in.expect(")");
        if (four != 4 || mask != 0xf) {
            throw new ClassicFormatException(in.line(), 1, "the only indexed form is 4*([k]&0xf), not " + four + "*([k]&" + mask + ")");
        }
        return k;
    }

    private static int scratch(Tokens in) {
        in.expect("M");
        return scratchIndex(in);
    }

    private static int scratchIndex(Tokens in) {
        in.expect("[");
        int k = in.number();
        in.expect("]");
        return k;
    }

    private static Statement ret(Tokens in) {
        if (in.atEnd()) {
            return new Statement(RET | A, 0); // libpcap prints ret a as a bare "ret"
        }
        if (in.accept("%")) {
            return retRegister(in.word(), in);
        }
        if (in.accept("#")) {
            return new Statement(RET | K, in.number());
        }
        return retRegister(in.word(), in);
    }

    private static Statement retRegister(String name, Tokens in) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "a" -> new Statement(RET | A, 0);
            case "x" -> new Statement(RET | X, 0);
            default -> throw new ClassicFormatException(in.line(), 1, "ret returns #k, a or x, not '" + name + "'");
        };
    }
}
