package io.bpf4j.isa;

import static io.bpf4j.isa.Opcodes.*;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Assembler for the uBPF / bpf_conformance assembly dialect, the language of the {@code -- asm}
 * sections of the conformance suite's {@code .data} files. The output is byte for byte what the
 * suite's reference assembler produces.
 *
 * <p>One instruction per line; {@code #} starts a comment; {@code name:} defines a label (on its
 * own line or before an instruction). Registers are {@code %r0} to {@code %r10}; numbers are
 * decimal or {@code 0x} hexadecimal with an optional sign, and a 32-bit immediate may be written
 * signed or unsigned ({@code 0xffffffff} is -1). The forms:
 *
 * <pre>
 * add %r0, 1          add %r0, %r1         (also sub mul div sdiv or and lsh rsh mod smod xor mov arsh)
 * add32 %r0, -3       neg %r0   neg32 %r0  (a 32 suffix selects class ALU, none ALU64)
 * movsx832 %r0, %r1   movsx1664 %r0, %r1   (movsx{8,16}{32,64}, movsx3264: sign-extending moves)
 * le16 %r0  be32 %r0  swap64 %r0  bswap16 %r0
 * lddw %r0, 0x1122334455667788
 * ldxw %r0, [%r1+4]   ldxsh %r0, [%r10-2]  stw [%r10-4], 1   stxdw [%r10-8], %r1
 * ldabsw 12           ldindh %r1, 2        (legacy packet loads, sizes b/h/w)
 * lock add [%r10-8], %r1     lock fetch xor32 [%r10-4], %r1
 * lock xchg [%r10-8], %r1    lock cmpxchg32 [%r10-4], %r1
 * jeq %r1, 5, label   jsgt32 %r1, %r2, +3  ja label   ja -2   ja32 label   exit
 * call 5   call helper 5   call local func   call runtime 7   call %r2 (callx)
 * </pre>
 *
 * <p>A jump target is a label or a relative offset in slots ({@code +3}, {@code -2}). As in the
 * reference assembler, the label {@code exit} names the first {@code exit} instruction unless a
 * label of that name is defined.
 */
public final class ConformanceAssembler {
    private ConformanceAssembler() {}

    /**
     * Assembles a program and checks that it is well formed.
     *
     * @throws AssemblyException for a syntax error, an undefined label, a value out of range, or an
     *     instruction {@link Instructions} rejects (reported at the line that produced it)
     */
    public static Instructions assemble(String source) {
        return assembleWithLines(source).validate();
    }

    /**
     * Assembles a program without structural validation: syntax, labels and value ranges are
     * checked, but the slots may still be malformed eBPF (for instance a write to r10 or a jump out
     * of the program), which is useful to produce negative test programs. Registers {@code %r11}
     * to {@code %r15} are accepted here for the same reason.
     *
     * @throws AssemblyException for a syntax error, an undefined label or a value out of range
     */
    public static List<Instruction> assembleSlots(String source) {
        return assembleWithLines(source).slots();
    }

    /** Assembles, remembering for every slot the source position that produced it. */
    static ConformanceAssembly assembleWithLines(String source) {
        return new Parser().run(source);
    }

    // ------------------------------------------------------------------------------------------
    // Mnemonic table

    private enum Shape { ALU, NEG, MOVSX, END, JCOND, LDX, ST, STX, LDABS, LDIND }

    private record Form(Shape shape, int opcode, int extra) {}

    private static final Map<String, Form> FORMS = buildForms();

    private static Map<String, Form> buildForms() {
        Map<String, Form> m = new HashMap<>();
        String[] aluNames = {"add", "sub", "mul", "div", "sdiv", "or", "and", "lsh", "rsh", "mod", "smod", "xor",
            "mov", "arsh"};
        int[] aluOps = {ADD, SUB, MUL, DIV, DIV, OR, AND, LSH, RSH, MOD, MOD, XOR, MOV, ARSH};
        for (int i = 0; i < aluNames.length; i++) {
            int offset = aluNames[i].equals("sdiv") || aluNames[i].equals("smod") ? 1 : 0; // signed flavour in the offset
            m.put(aluNames[i], new Form(Shape.ALU, ALU64 | aluOps[i], offset));
            m.put(aluNames[i] + "32", new Form(Shape.ALU, ALU | aluOps[i], offset));
        }
        m.put("neg", new Form(Shape.NEG, ALU64 | NEG, 0));
        m.put("neg32", new Form(Shape.NEG, ALU | NEG, 0));
        for (int bits : new int[] {8, 16, 32}) {
            if (bits != 32) {
                m.put("movsx" + bits + "32", new Form(Shape.MOVSX, ALU | MOV | X, bits));
            }
            m.put("movsx" + bits + "64", new Form(Shape.MOVSX, ALU64 | MOV | X, bits));
        }
        for (int width : new int[] {16, 32, 64}) {
            m.put("le" + width, new Form(Shape.END, ALU | END | K, width));
            m.put("be" + width, new Form(Shape.END, ALU | END | X, width));
            m.put("swap" + width, new Form(Shape.END, ALU64 | END | K, width));
            m.put("bswap" + width, new Form(Shape.END, ALU64 | END | K, width));
        }
        String[] jumpNames = {"jeq", "jgt", "jge", "jset", "jne", "jsgt", "jsge", "jlt", "jle", "jslt", "jsle"};
        int[] jumpOps = {JEQ, JGT, JGE, JSET, JNE, JSGT, JSGE, JLT, JLE, JSLT, JSLE};
        for (int i = 0; i < jumpNames.length; i++) {
            m.put(jumpNames[i], new Form(Shape.JCOND, JMP | jumpOps[i], 0));
            m.put(jumpNames[i] + "32", new Form(Shape.JCOND, JMP32 | jumpOps[i], 0));
        }
        String[] sizeNames = {"b", "h", "w", "dw"};
        int[] sizes = {B, H, W, DW};
        for (int i = 0; i < sizes.length; i++) {
            m.put("ldx" + sizeNames[i], new Form(Shape.LDX, LDX | MEM | sizes[i], 0));
            m.put("st" + sizeNames[i], new Form(Shape.ST, ST | MEM | sizes[i], 0));
            m.put("stx" + sizeNames[i], new Form(Shape.STX, STX | MEM | sizes[i], 0));
            if (sizes[i] != DW) {
                m.put("ldxs" + sizeNames[i], new Form(Shape.LDX, LDX | MEMSX | sizes[i], 0));
                m.put("ldabs" + sizeNames[i], new Form(Shape.LDABS, LD | ABS | sizes[i], 0));
                m.put("ldind" + sizeNames[i], new Form(Shape.LDIND, LD | IND | sizes[i], 0));
            }
        }
        return Map.copyOf(m);
    }

    private static final Map<String, Integer> ATOMIC_OPS = Map.of(
            "add", ADD, "or", OR, "and", AND, "xor", XOR, "xchg", ATOMIC_XCHG, "cmpxchg", ATOMIC_CMPXCHG);

    // ------------------------------------------------------------------------------------------
    // Lexer

    private enum Kind { WORD, REGISTER, NUMBER, COMMA, LBRACKET, RBRACKET, PLUS, MINUS, COLON, END }

    private record Token(Kind kind, String text, int column) {
        String describe() {
            return kind == Kind.END ? "end of line" : "'" + text + "'";
        }
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isWordStart(char c) {
        return isLetter(c) || c == '_' || c == '.' || c == '$';
    }

    private static boolean isWordPart(char c) {
        return isWordStart(c) || isDigit(c);
    }

    // ------------------------------------------------------------------------------------------
    // Parser

    private static final BigInteger MIN_S32 = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger MAX_U32 = BigInteger.valueOf(0xffff_ffffL);
    private static final BigInteger MIN_S64 = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX_U64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private enum FixupKind { OFFSET, IMM }

    private record Fixup(int slot, String label, int line, int column, FixupKind kind) {}

    private record Label(int slot, int line) {}

    private static final class Parser {
        private final List<Instruction> slots = new ArrayList<>();
        private final List<Integer> slotLines = new ArrayList<>();
        private final List<Integer> slotColumns = new ArrayList<>();
        private final Map<String, Label> labels = new HashMap<>();
        private final List<Fixup> fixups = new ArrayList<>();
        private int firstExit = -1;

        // state of the line being parsed
        private int lineNumber;
        private int instructionColumn;
        private String mnemonic;
        private List<Token> tokens;
        private int pos;

        ConformanceAssembly run(String source) {
            String[] lines = source.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                lineNumber = i + 1;
                String line = lines[i];
                if (line.endsWith("\r")) {
                    line = line.substring(0, line.length() - 1);
                }
                int hash = line.indexOf('#');
                if (hash >= 0) {
                    line = line.substring(0, hash);
                }
                tokens = lex(line);
                pos = 0;
                parseLine();
            }
            resolveFixups();
            return new ConformanceAssembly(List.copyOf(slots),
                    slotLines.stream().mapToInt(Integer::intValue).toArray(),
                    slotColumns.stream().mapToInt(Integer::intValue).toArray(), lines.length);
        }

        private AssemblyException error(int column, String reason) {
            return new AssemblyException(lineNumber, column, reason);
        }

        private AssemblyException error(Token at, String reason) {
            return error(at.column(), reason);
        }

        private List<Token> lex(String line) {
            List<Token> out = new ArrayList<>();
            int i = 0;
            int n = line.length();
            while (i < n) {
                char c = line.charAt(i);
                int start = i;
                if (Character.isWhitespace(c)) {
                    i++;
                    continue;
                }
                Kind single = switch (c) {
                    case ',' -> Kind.COMMA;
                    case '[' -> Kind.LBRACKET;
                    case ']' -> Kind.RBRACKET;
                    case '+' -> Kind.PLUS;
                    case '-' -> Kind.MINUS;
                    case ':' -> Kind.COLON;
                    default -> null;
                };
                if (single != null) {
                    out.add(new Token(single, String.valueOf(c), start + 1));
                    i++;
                } else if (c == '%') {
                    i++;
                    while (i < n && (isLetter(line.charAt(i)) || isDigit(line.charAt(i)))) {
                        i++;
                    }
                    out.add(new Token(Kind.REGISTER, line.substring(start, i), start + 1));
                } else if (isDigit(c)) {
                    while (i < n && isWordPart(line.charAt(i))) {
                        i++;
                    }
                    out.add(new Token(Kind.NUMBER, line.substring(start, i), start + 1));
                } else if (isWordStart(c)) {
                    while (i < n && isWordPart(line.charAt(i))) {
                        i++;
                    }
                    out.add(new Token(Kind.WORD, line.substring(start, i), start + 1));
                } else {
                    throw error(start + 1, "unexpected character '" + c + "'");
                }
            }
            out.add(new Token(Kind.END, "", n + 1));
            return out;
        }

        private Token peek() {
            return tokens.get(pos);
        }

        private Token peek(int ahead) {
            return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
        }

        private Token next() {
            Token t = tokens.get(pos);
            if (t.kind() != Kind.END) {
                pos++;
            }
            return t;
        }

        private void parseLine() {
            while (peek().kind() == Kind.WORD && peek(1).kind() == Kind.COLON) {
                Token name = next();
                next();
                defineLabel(name);
            }
            Token first = peek();
            if (first.kind() == Kind.END) {
                return;
            }
            if (first.kind() != Kind.WORD) {
                throw error(first, "expected an instruction mnemonic or a label, found " + first.describe());
            }
            next();
            instructionColumn = first.column();
            mnemonic = first.text().toLowerCase(Locale.ROOT);
            parseInstruction(first);
            Token rest = peek();
            if (rest.kind() != Kind.END) {
                throw error(rest, "unexpected " + rest.describe() + " after the operands of " + mnemonic);
            }
        }

        private void defineLabel(Token name) {
            Label previous = labels.putIfAbsent(name.text(), new Label(slots.size(), lineNumber));
            if (previous != null) {
                throw error(name, "duplicate label '" + name.text() + "' (first defined on line "
                        + previous.line() + ")");
            }
        }

        private void parseInstruction(Token first) {
            switch (mnemonic) {
                case "exit" -> {
                    if (firstExit < 0) {
                        firstExit = slots.size();
                    }
                    emit(EXIT_OP, 0, 0, 0, 0);
                }
                case "ja" -> {
                    Target t = target();
                    emitJump(JMP | JA, 0, 0, t, 0, FixupKind.OFFSET);
                }
                case "ja32" -> {
                    Target t = target();
                    emitJump(JMP32 | JA, 0, 0, t, 0, FixupKind.IMM);
                }
                case "call" -> parseCall();
                case "lddw" -> {
                    int dst = register("destination register");
                    comma();
                    long value = number("64-bit immediate").int64();
                    Instruction[] pair = Instruction.lddw(dst, PSEUDO_IMM, value);
                    emit(pair[0]);
                    emit(pair[1]);
                }
                case "lock" -> parseAtomic();
                default -> {
                    Form form = FORMS.get(mnemonic);
                    if (form == null) {
                        throw error(first, "unknown mnemonic '" + first.text() + "'");
                    }
                    parseForm(form);
                }
            }
        }

        private void parseForm(Form form) {
            int op = form.opcode();
            switch (form.shape()) {
                case ALU -> {
                    int dst = register("destination register");
                    comma();
                    Token src = peek();
                    if (src.kind() == Kind.REGISTER) {
                        emit(op | X, dst, register("source register"), form.extra(), 0);
                    } else if (isNumberStart(src)) {
                        emit(op | K, dst, 0, form.extra(), number("immediate").int32());
                    } else {
                        throw error(src, mnemonic + " expects a source register or an immediate, found "
                                + src.describe());
                    }
                }
                case NEG -> emit(op, register("destination register"), 0, 0, 0);
                case MOVSX -> {
                    int dst = register("destination register");
                    comma();
                    emit(op, dst, register("source register (" + mnemonic + " has no immediate form)"),
                            form.extra(), 0);
                }
                case END -> emit(op, register("destination register"), 0, 0, form.extra());
                case JCOND -> {
                    int dst = register("register to compare");
                    comma();
                    Token src = peek();
                    int srcReg = 0;
                    int imm = 0;
                    if (src.kind() == Kind.REGISTER) {
                        srcReg = register("source register");
                        op |= X;
                    } else if (isNumberStart(src)) {
                        imm = number("immediate").int32();
                    } else {
                        throw error(src, mnemonic + " expects a register or an immediate to compare with, found "
                                + src.describe());
                    }
                    comma();
                    Target t = target();
                    emitJump(op, dst, srcReg, t, imm, FixupKind.OFFSET);
                }
                case LDX -> {
                    int dst = register("destination register");
                    comma();
                    Memory m = memory();
                    emit(op, dst, m.register(), m.offset(), 0);
                }
                case ST -> {
                    Memory m = memory();
                    comma();
                    emit(op, m.register(), 0, m.offset(), number("immediate to store").int32());
                }
                case STX -> {
                    Memory m = memory();
                    comma();
                    emit(op, m.register(), register("source register"), m.offset(), 0);
                }
                case LDABS -> {
                    emit(op, 0, 0, 0, number("packet offset").int32());
                }
                case LDIND -> {
                    int src = register("index register");
                    comma();
                    emit(op, 0, src, 0, number("packet offset").int32());
                }
            }
        }

        private void parseCall() {
            Token t = peek();
            String mode = "helper";
            if (t.kind() == Kind.WORD) {
                String word = t.text().toLowerCase(Locale.ROOT);
                if (word.equals("helper") || word.equals("local") || word.equals("runtime")) {
                    next();
                    mode = word;
                    t = peek();
                } else {
                    throw error(t, "call expects a helper number, a register, 'local <label>' or 'runtime <id>', found '"
                            + t.text() + "' (for a local function write 'call local " + t.text() + "')");
                }
            }
            switch (mode) {
                case "local" -> emitJump(CALL_IMM, 0, CALL_LOCAL, target(), 0, FixupKind.IMM);
                case "runtime" -> emit(CALL_IMM, 0, CALL_KFUNC, 0, number("function id").int32());
                default -> {
                    if (t.kind() == Kind.REGISTER) {
                        emit(CALLX, register("register holding the helper id"), 0, 0, 0);
                    } else {
                        emit(CALL_IMM, 0, CALL_HELPER, 0, number("helper id or register").int32());
                    }
                }
            }
        }

        private void parseAtomic() {
            Token t = next();
            boolean fetch = false;
            if (t.kind() == Kind.WORD && t.text().equalsIgnoreCase("fetch")) {
                fetch = true;
                t = next();
            }
            if (t.kind() != Kind.WORD) {
                throw error(t, "lock expects an atomic operation (add, or, and, xor, xchg, cmpxchg), found "
                        + t.describe());
            }
            String name = t.text().toLowerCase(Locale.ROOT);
            boolean is32 = name.endsWith("32");
            Integer imm = ATOMIC_OPS.get(is32 ? name.substring(0, name.length() - 2) : name);
            if (imm == null) {
                throw error(t, "unknown atomic operation '" + t.text()
                        + "' (add, or, and, xor, xchg, cmpxchg, optionally with suffix 32)");
            }
            mnemonic = "lock " + (fetch ? "fetch " : "") + name;
            Memory m = memory();
            comma();
            int src = register("source register");
            int opcode = STX | ATOMIC | (is32 ? W : DW);
            emit(opcode, m.register(), src, m.offset(), imm | (fetch ? ATOMIC_FETCH : 0));
        }

        // ---- operands

        private int register(String what) {
            Token t = peek();
            if (t.kind() != Kind.REGISTER) {
                throw error(t, mnemonic + " expects " + withArticle(what) + " (%r0-%r10), found " + t.describe());
            }
            next();
            String text = t.text();
            if (text.length() >= 3 && (text.charAt(1) == 'r' || text.charAt(1) == 'R')
                    && text.substring(2).chars().allMatch(c -> c >= '0' && c <= '9') && text.length() <= 4) {
                int n = Integer.parseInt(text.substring(2));
                if (n <= 15) {
                    return n;
                }
            }
            throw error(t, "bad register '" + text + "': registers are %r0 to %r10");
        }

        private static String withArticle(String what) {
            return ("aeiou".indexOf(what.charAt(0)) >= 0 ? "an " : "a ") + what;
        }

        private void comma() {
            Token t = peek();
            if (t.kind() != Kind.COMMA) {
                throw error(t, mnemonic + ": expected ',' before the next operand, found " + t.describe());
            }
            next();
        }

        private static boolean isNumberStart(Token t) {
            return t.kind() == Kind.NUMBER || t.kind() == Kind.PLUS || t.kind() == Kind.MINUS;
        }

        private Value number(String what) {
            Token first = peek();
            boolean negative = false;
            if (first.kind() == Kind.PLUS || first.kind() == Kind.MINUS) {
                negative = first.kind() == Kind.MINUS;
                next();
            }
            Token t = peek();
            if (t.kind() != Kind.NUMBER) {
                throw error(t, mnemonic + " expects " + withArticle(what) + ", found " + t.describe());
            }
            next();
            BigInteger v = parseNumber(t);
            return new Value(negative ? v.negate() : v, first.column());
        }

        private BigInteger parseNumber(Token t) {
            String text = t.text();
            try {
                if (text.length() > 2 && (text.startsWith("0x") || text.startsWith("0X"))) {
                    return new BigInteger(text.substring(2), 16);
                }
                return new BigInteger(text, 10);
            } catch (NumberFormatException e) {
                throw error(t, "bad number '" + text + "': expected decimal digits or 0x followed by hex digits");
            }
        }

        private final class Value {
            final BigInteger value;
            final int column;

            Value(BigInteger value, int column) {
                this.value = value;
                this.column = column;
            }

            int int32() {
                if (value.compareTo(MIN_S32) < 0 || value.compareTo(MAX_U32) > 0) {
                    throw error(column, "value " + value + " is out of range for a 32-bit immediate"
                            + " (-2147483648 to 4294967295)");
                }
                return value.intValue();
            }

            long int64() {
                if (value.compareTo(MIN_S64) < 0 || value.compareTo(MAX_U64) > 0) {
                    throw error(column, "value " + value + " is out of range for a 64-bit immediate");
                }
                return value.longValue();
            }

            int offset16(String what) {
                if (value.compareTo(BigInteger.valueOf(Short.MIN_VALUE)) < 0
                        || value.compareTo(BigInteger.valueOf(Short.MAX_VALUE)) > 0) {
                    throw error(column, what + " " + value + " is out of range for a 16-bit offset (-32768 to 32767)");
                }
                return value.intValue();
            }
        }

        private record Memory(int register, int offset) {}

        private Memory memory() {
            Token open = peek();
            if (open.kind() != Kind.LBRACKET) {
                throw error(open, mnemonic + " expects a memory operand like [%r1+8], found " + open.describe());
            }
            next();
            int reg = register("base register");
            int offset = 0;
            Token t = peek();
            if (t.kind() == Kind.PLUS || t.kind() == Kind.MINUS) {
                offset = number("offset").offset16("memory offset");
            } else if (t.kind() != Kind.RBRACKET) {
                throw error(t, "expected '+', '-' or ']' in the memory operand, found " + t.describe());
            }
            Token close = peek();
            if (close.kind() != Kind.RBRACKET) {
                throw error(close, "expected ']' to close the memory operand, found " + close.describe());
            }
            next();
            return new Memory(reg, offset);
        }

        /** A jump target: either a relative slot offset or a label to resolve later. */
        private record Target(String label, Value relative, Token at) {}

        private Target target() {
            Token t = peek();
            if (t.kind() == Kind.WORD) {
                next();
                return new Target(t.text(), null, t);
            }
            if (isNumberStart(t)) {
                return new Target(null, number("jump offset"), t);
            }
            throw error(t, mnemonic + " expects a label or a relative offset like +2, found " + t.describe());
        }

        // ---- output

        private void emit(int opcode, int dst, int src, int offset, int imm) {
            emit(new Instruction(opcode, dst, src, offset, imm));
        }

        private void emit(Instruction insn) {
            slots.add(insn);
            slotLines.add(lineNumber);
            slotColumns.add(instructionColumn);
        }

        private void emitJump(int opcode, int dst, int src, Target target, int imm, FixupKind kind) {
            int offset = 0;
            if (target.label() != null) {
                fixups.add(new Fixup(slots.size(), target.label(), lineNumber, target.at().column(), kind));
            } else if (kind == FixupKind.OFFSET) {
                offset = target.relative().offset16("jump offset");
            } else {
                imm = target.relative().int32();
            }
            emit(opcode, dst, src, offset, imm);
        }

        private void resolveFixups() {
            for (Fixup f : fixups) {
                Label label = labels.get(f.label());
                int target;
                if (label != null) {
                    target = label.slot();
                } else if (f.label().equals("exit") && firstExit >= 0) {
                    target = firstExit;
                } else {
                    throw new AssemblyException(f.line(), f.column(), "undefined label '" + f.label() + "'");
                }
                long relative = (long) target - f.slot() - 1;
                Instruction old = slots.get(f.slot());
                Instruction fixed;
                if (f.kind() == FixupKind.OFFSET) {
                    if (relative < Short.MIN_VALUE || relative > Short.MAX_VALUE) {
                        throw new AssemblyException(f.line(), f.column(), "jump to '" + f.label() + "' is out of range:"
                                + " offset " + relative + " does not fit in 16 bits (ja32 reaches further)");
                    }
                    fixed = new Instruction(old.opcode(), old.dst(), old.src(), (int) relative, old.imm());
                } else {
                    fixed = new Instruction(old.opcode(), old.dst(), old.src(), old.offset(), (int) relative);
                }
                slots.set(f.slot(), fixed);
            }
        }
    }
}
