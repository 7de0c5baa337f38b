package io.bpf4j.isa;

import static io.bpf4j.isa.Opcodes.*;

import io.bpf4j.isa.LlvmLexer.Kind;
import io.bpf4j.isa.LlvmLexer.Statement;
import io.bpf4j.isa.LlvmLexer.Token;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Assembler for LLVM's BPF assembly syntax, the text {@code llvm-objdump -d} prints and {@code
 * llvm-mc -triple bpf -mcpu=v4} reads:
 *
 * <pre>
 * r0 = 0x1              w1 += w2             r1 s/= 3              r2 = -r2
 * r1 = (s8)r2           r3 = be16 r3         r3 = bswap64 r3       r1 = 0x123456789abcdef0 ll
 * r0 = *(u32 *)(r1 + 0x4)      w0 = *(u8 *)(r1 - 2)      r0 = *(s16 *)(r10 - 8)
 * *(u64 *)(r10 - 8) = r1       *(u32 *)(r10 - 4) = 7     r0 = *(u16 *)skb[12]   r0 = *(u8 *)skb[r1]
 * lock *(u64 *)(r10 - 8) += r1     r1 = atomic_fetch_or((u64 *)(r10 - 8), r1)
 * r1 = xchg_64(r10 - 8, r1)        r0 = cmpxchg_64(r10 - 8, r0, r1)   (and u32/w/xchg32_32/cmpxchg32_32)
 * if r1 > 0x10 goto +3      if w1 s< w2 goto LBB0_2      goto -1      gotol LBB0_1
 * call 1      call my_function      callx r2      exit      ld_pseudo r1, 1, 3
 * </pre>
 *
 * <p>A statement ends at a newline or {@code ;}. {@code #} and {@code //} start comments to the end
 * of the line, {@code /* *}{@code /} comments may span lines. Any identifier followed by {@code :}
 * defines a label. A jump target is a label or a relative offset in instructions ({@code +3},
 * {@code -2}, {@code 3}); the {@code <.text+0x48>} annotation objdump appends is accepted and
 * ignored. {@code call} of a label is a local call (src 1). Numbers are decimal, {@code 0x}
 * hexadecimal, {@code 0b} binary or, with a leading 0, octal, optionally negated. A 32-bit
 * immediate may be written signed or unsigned ({@code 0xffffffff} is -1).
 *
 * <p>Directives that do not change the instructions ({@code .text}, {@code .globl}, {@code
 * .type}, {@code .size}, {@code .p2align} up to 8 bytes, a {@code .section} of code, ...) are
 * ignored; directives that would emit data or switch to a data section are rejected.
 *
 * <p>Where llvm-mc silently truncates, this assembler reports an error: a 32-bit immediate outside
 * {@code -2^31..2^32-1}. Beyond llvm-mc it accepts the three extensions {@link
 * Disassembler#listing} prints: {@code call_kfunc N} (a kernel function call, src 2), an indirect
 * packet load with an offset ({@code r0 = *(u32 *)skb[r1 + 4]}), and {@code ld_pseudo} with a
 * 64-bit value (a map value offset in the upper half). It does not produce relocations: a symbol
 * that is not a label of the program ({@code r1 = map ll}, {@code call extern_fn}) is an error.
 */
public final class Assembler {
    private Assembler() {}

    /**
     * Assembles a program and checks that it is well formed.
     *
     * @throws AssemblyException for a syntax error, an unknown mnemonic or register, a value out
     *     of range, an undefined label, or an instruction {@link Instructions} rejects (reported at
     *     the line and column of that instruction)
     */
    public static Instructions assemble(String source) {
        Parser parser = new Parser();
        List<Instruction> slots = parser.run(source);
        if (slots.isEmpty()) {
            throw new AssemblyException(1, 1, "the program has no instructions");
        }
        if (slots.size() > Instructions.MAX_SLOTS) {
            int[] at = parser.positions.get(Instructions.MAX_SLOTS);
            throw new AssemblyException(at[0], at[1], "the program has " + slots.size()
                    + " instruction slots, more than the limit of " + Instructions.MAX_SLOTS + "; this is the first one over");
        }
        try {
            return Instructions.of(slots);
        } catch (InvalidInstructionException e) {
            int[] at = e.index() >= 0 ? parser.positions.get(e.index()) : new int[] {1, 1};
            throw new AssemblyException(at[0], at[1], e.getMessage());
        }
    }

    /**
     * Assembles without the structural checks of {@link Instructions}: the slots may be malformed
     * eBPF (a write to r10, a jump out of the program), which is useful for negative tests. Syntax,
     * labels and value ranges are still checked.
     */
    public static List<Instruction> assembleSlots(String source) {
        return List.copyOf(new Parser().run(source));
    }

    private static final Map<String, Integer> ALU_OPERATORS = Map.ofEntries(
            Map.entry("+=", ADD), Map.entry("-=", SUB), Map.entry("*=", MUL), Map.entry("/=", DIV),
            Map.entry("|=", OR), Map.entry("&=", AND), Map.entry("<<=", LSH), Map.entry(">>=", RSH),
            Map.entry("%=", MOD), Map.entry("^=", XOR));
    private static final Map<String, Integer> SIGNED_ALU_OPERATORS = Map.of("/=", DIV, "%=", MOD, ">>=", ARSH);
    private static final Map<String, Integer> JUMP_OPERATORS = Map.of(
            "==", JEQ, ">", JGT, ">=", JGE, "&", JSET, "!=", JNE, "<", JLT, "<=", JLE);
    private static final Map<String, Integer> SIGNED_JUMP_OPERATORS = Map.of(">", JSGT, ">=", JSGE, "<", JSLT, "<=", JSLE);
    private static final Map<String, Integer> ATOMIC_OPERATORS = Map.of("+=", ADD, "|=", OR, "&=", AND, "^=", XOR);
    private static final Map<String, Integer> ATOMIC_FETCH = Map.of(
            "atomic_fetch_add", ADD, "atomic_fetch_or", OR, "atomic_fetch_and", AND, "atomic_fetch_xor", XOR);
    private static final Map<String, Integer> UNSIGNED_SIZES = Map.of("u8", B, "u16", H, "u32", W, "u64", DW);
    private static final Map<String, Integer> SIGNED_SIZES = Map.of("s8", B, "s16", H, "s32", W);

    private static final Set<String> IGNORED_DIRECTIVES = Set.of(
            ".globl", ".global", ".local", ".weak", ".hidden", ".protected", ".internal", ".type", ".size",
            ".file", ".loc", ".ident", ".addrsig", ".addrsig_sym", ".end");
    private static final Set<String> DATA_DIRECTIVES = Set.of(
            ".byte", ".short", ".hword", ".2byte", ".word", ".long", ".int", ".4byte", ".quad", ".8byte", ".ascii",
            ".asciz", ".string", ".zero", ".fill", ".space", ".skip", ".data", ".bss", ".rodata", ".comm", ".lcomm",
            ".uleb128", ".sleb128", ".org");

    private static final Pattern REGISTER = Pattern.compile("[rw]\\d+");
    private static final Pattern ANY_CASE_REGISTER = Pattern.compile("[rwRW]\\d+");
    private static final Pattern BYTE_SWAP = Pattern.compile("(be|le|bswap)(16|32|64)");

    private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger UINT_MAX = BigInteger.valueOf(0xffffffffL);
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger ULONG_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    /** A register operand: number and whether it was written as a 64-bit {@code r} register. */
    private record Register(int number, boolean wide, Token token) {}

    private enum FixupKind {
        JUMP16,
        JUMP32,
        CALL
    }

    private record Fixup(int slot, Token label, FixupKind kind) {}

    private static final class Parser {
        final List<Instruction> slots = new ArrayList<>();
        final List<int[]> positions = new ArrayList<>();
        private final Map<String, Integer> labels = new HashMap<>();
        private final Map<String, Token> labelTokens = new HashMap<>();
        private final List<Fixup> fixups = new ArrayList<>();
        private String section = ".text";
        private String codeSection;

        // the statement being parsed
        private Statement statement;
        private List<Token> tokens;
        private int at;
        private Token first;

        List<Instruction> run(String source) {
            LlvmLexer lexer = new LlvmLexer(source);
            for (Statement s = lexer.next(); s != null; s = lexer.next()) {
                statement = s;
                tokens = s.tokens();
                at = 0;
                statement();
            }
            for (Fixup f : fixups) {
                resolve(f);
            }
            return slots;
        }

        // ---- token helpers

        private Token peek() {
            return at < tokens.size() ? tokens.get(at) : null;
        }

        private Token peek(int ahead) {
            return at + ahead < tokens.size() ? tokens.get(at + ahead) : null;
        }

        private boolean atEnd() {
            return at >= tokens.size();
        }

        private boolean peekIs(String text) {
            Token t = peek();
            return t != null && t.is(text);
        }

        private Token next(String expected) {
            if (atEnd()) {
                throw new AssemblyException(statement.endLine(), statement.endColumn(),
                        "expected " + expected + " but the statement ends");
            }
            return tokens.get(at++);
        }

        private Token expect(String text) {
            Token t = next("'" + text + "'");
            if (!t.is(text)) {
                throw error(t, "expected '" + text + "' but found '" + t.text() + "'");
            }
            return t;
        }

        private boolean accept(String text) {
            if (peekIs(text)) {
                at++;
                return true;
            }
            return false;
        }

        private void expectEnd() {
            if (!atEnd()) {
                Token t = peek();
                throw error(t, "unexpected '" + t.text() + "' after the end of the instruction");
            }
        }

        private static AssemblyException error(Token t, String reason) {
            return new AssemblyException(t.line(), t.column(), reason);
        }

        // ---- statements

        private void statement() {
            while (peek().kind() == Kind.IDENT && peek(1) != null && peek(1).is(":")) {
                defineLabel(next("a label"));
                at++;
                if (atEnd()) {
                    return;
                }
            }
            first = peek();
            if (first.kind() == Kind.IDENT && first.text().startsWith(".")) {
                directive();
                return;
            }
            int before = slots.size();
            instruction();
            expectEnd();
            if (slots.size() > before) {
                if (codeSection == null) {
                    codeSection = section;
                } else if (!codeSection.equals(section)) {
                    throw error(first, "instructions in a second code section '" + section + "' (the first is '"
                            + codeSection + "'); assemble one program at a time");
                }
            }
        }

        private void defineLabel(Token name) {
            if (isRegisterName(name.text())) {
                throw error(name, "'" + name.text() + "' is a register and cannot be a label");
            }
            Token previous = labelTokens.putIfAbsent(name.text(), name);
            if (previous != null) {
                throw error(name, "label '" + name.text() + "' is already defined at line " + previous.line());
            }
            labels.put(name.text(), slots.size());
        }

        private void directive() {
            Token d = next("a directive");
            String name = d.text();
            if (IGNORED_DIRECTIVES.contains(name)) {
                at = tokens.size();
            } else if (name.equals(".text")) {
                section = ".text";
                at = tokens.size();
            } else if (name.equals(".section")) {
                section(d);
            } else if (name.equals(".p2align") || name.equals(".balign")) {
                Token n = next("an alignment");
                if (n.kind() != Kind.NUMBER) {
                    throw error(n, "expected an alignment but found '" + n.text() + "'");
                }
                int bytes = name.equals(".p2align")
                        ? (n.value().compareTo(BigInteger.valueOf(30)) > 0 ? Integer.MAX_VALUE : 1 << n.value().intValue())
                        : n.value().min(BigInteger.valueOf(Integer.MAX_VALUE)).intValue();
                if (bytes > Instruction.SIZE || Integer.bitCount(bytes) != 1) {
                    throw error(n, "alignment " + n.text() + " in " + name + " would insert padding; only alignments up to 8"
                            + " bytes (which instructions always have) are supported");
                }
                at = tokens.size();
            } else if (DATA_DIRECTIVES.contains(name)) {
                throw error(d, "directive " + name + " emits or switches to data; the assembler produces only the"
                        + " instructions of one program");
            } else {
                throw error(d, "unknown or unsupported directive " + name);
            }
        }

        private void section(Token d) {
            Token n = next("a section name");
            if (n.kind() != Kind.IDENT && n.kind() != Kind.STRING) {
                throw error(n, "expected a section name but found '" + n.text() + "'");
            }
            String flags = "";
            if (accept(",")) {
                Token f = next("section flags");
                if (f.kind() == Kind.STRING) {
                    flags = f.text();
                }
            }
            String name = n.text();
            boolean code = name.equals(".text") || name.startsWith(".text.") || flags.contains("x");
            if (!code) {
                throw error(n, "section '" + name + "' is not a code section (no \"x\" flag); the assembler produces"
                        + " only the instructions of one program");
            }
            section = name;
            at = tokens.size();
        }

        private void instruction() {
            Token t = first;
            if (t.is("*")) {
                store();
                return;
            }
            if (t.is("<") && peek(1) != null && peek(1).is("unknown")) {
                throw error(t, "<unknown> is what objdump prints for an instruction it cannot decode; it has no"
                        + " assembly form (without --mcpu=v3 objdump cannot decode most 32-bit atomics)");
            }
            if (t.kind() != Kind.IDENT) {
                throw error(t, "expected an instruction but found '" + t.text() + "'");
            }
            if (ANY_CASE_REGISTER.matcher(t.text()).matches()) {
                assignment();
                return;
            }
            at++;
            switch (t.text()) {
                case "exit" -> emit(EXIT_OP, 0, 0, 0, 0);
                case "goto" -> jumpTo(JMP | JA, 0, 0, 0, FixupKind.JUMP16);
                case "gotol" -> jumpTo(JMP32 | JA, 0, 0, 0, FixupKind.JUMP32);
                case "if" -> conditionalJump();
                case "call" -> call();
                case "callx" -> emit(CALLX, register(true).number(), 0, 0, 0);
                case "call_kfunc" -> emit(CALL_IMM, 0, CALL_KFUNC, 0, imm32());
                case "lock" -> lock();
                case "ld_pseudo" -> ldPseudo();
                case "may_goto" -> throw error(t, "may_goto is not supported (not part of RFC 9669)");
                default -> throw error(t, "unknown instruction '" + t.text() + "'"
                        + (t.text().equals(t.text().toLowerCase(java.util.Locale.ROOT)) ? "" : " (mnemonics are lowercase)"));
            }
        }

        private void emit(int opcode, int dst, int src, int offset, int imm) {
            slots.add(new Instruction(opcode, dst, src, offset, imm));
            positions.add(new int[] {first.line(), first.column()});
        }

        // ---- operands

        private static boolean isRegisterName(String s) {
            return REGISTER.matcher(s).matches();
        }

        /** A register; {@code wide} null accepts both kinds, otherwise requires r (true) or w (false). */
        private Register register(Boolean wide) {
            Token t = next("a register");
            if (t.kind() != Kind.IDENT || !ANY_CASE_REGISTER.matcher(t.text()).matches()) {
                throw error(t, "expected a register (r0-r10" + (Boolean.TRUE.equals(wide) ? "" : " or w0-w10")
                        + ") but found '" + t.text() + "'");
            }
            if (!isRegisterName(t.text())) {
                throw error(t, "bad register '" + t.text() + "': registers are written in lowercase (r0-r10, w0-w10)");
            }
            int n = t.text().length() > 3 ? 99 : Integer.parseInt(t.text().substring(1));
            if (n > 10 || (t.text().length() > 2 && t.text().charAt(1) == '0')) {
                throw error(t, "bad register '" + t.text() + "': registers are r0-r10 (w0-w10 for 32 bits)");
            }
            boolean isWide = t.text().charAt(0) == 'r';
            if (wide != null && wide != isWide) {
                throw error(t, "bad register '" + t.text() + "': expected a " + (wide ? "64-bit r" : "32-bit w")
                        + " register here");
            }
            return new Register(n, isWide, t);
        }

        private boolean peekRegister() {
            Token t = peek();
            return t != null && t.kind() == Kind.IDENT && ANY_CASE_REGISTER.matcher(t.text()).matches();
        }

        private boolean peekNumber() {
            Token t = peek();
            return t != null && (t.kind() == Kind.NUMBER || ((t.is("-") || t.is("+")) && peek(1) != null
                    && peek(1).kind() == Kind.NUMBER));
        }

        /** A possibly negated number; the token of its first character is {@code startToken}. */
        private BigInteger number(String what) {
            Token t = next(what);
            boolean negative = false;
            Token n = t;
            if (t.is("-") || t.is("+")) {
                negative = t.is("-");
                n = next(what);
            }
            if (n.kind() != Kind.NUMBER) {
                if (n.kind() == Kind.IDENT && !isRegisterName(n.text()) && !negative) {
                    throw error(n, "expected " + what + " but found '" + n.text() + "' (symbols need relocations, which"
                            + " this assembler does not produce)");
                }
                throw error(n, "expected " + what + " but found '" + n.text() + "'");
            }
            if (peekIs("+") || peekIs("-") || peekIs("*") || peekIs("/") || peekIs("|")) {
                throw error(peek(), "expressions are not supported; write a single number");
            }
            return negative ? n.value().negate() : n.value();
        }

        private int imm32() {
            Token start = peek();
            BigInteger v = number("an immediate");
            if (v.compareTo(INT_MIN) < 0 || v.compareTo(UINT_MAX) > 0) {
                throw error(start, "immediate " + v + " does not fit in 32 bits (-2147483648..4294967295)");
            }
            return v.intValue();
        }

        private long imm64() {
            Token start = peek();
            BigInteger v = number("an immediate");
            if (v.compareTo(LONG_MIN) < 0 || v.compareTo(ULONG_MAX) > 0) {
                throw error(start, "immediate " + v + " does not fit in 64 bits");
            }
            return v.longValue();
        }

        /** {@code rN + off}, {@code rN - off} or {@code rN}: returns {base, offset}. */
        private int[] address() {
            Register base = register(null);
            if (!base.wide()) {
                throw error(base.token(), "bad register '" + base.token().text() + "': an address register is a 64-bit r register");
            }
            int offset = 0;
            if (peekIs("+") || peekIs("-")) {
                boolean minus = next("'+' or '-'").is("-");
                Token n = next("an offset");
                if (n.kind() != Kind.NUMBER) {
                    throw error(n, "expected a number of bytes after '" + (minus ? "-" : "+") + "' but found '" + n.text() + "'");
                }
                BigInteger v = minus ? n.value().negate() : n.value();
                if (v.compareTo(BigInteger.valueOf(Short.MIN_VALUE)) < 0 || v.compareTo(BigInteger.valueOf(Short.MAX_VALUE)) > 0) {
                    throw error(n, "offset " + v + " does not fit in 16 bits (-32768..32767)");
                }
                offset = v.intValue();
            }
            return new int[] {base.number(), offset};
        }

        /** {@code *(u32 *)}: returns the size code; {@code signed} allows s8/s16/s32. */
        private int[] pointerType(boolean signedAllowed) {
            expect("(");
            Token t = next("a type (u8, u16, u32, u64" + (signedAllowed ? ", s8, s16, s32)" : ")"));
            Integer size = UNSIGNED_SIZES.get(t.text());
            boolean signed = false;
            if (size == null && signedAllowed) {
                size = SIGNED_SIZES.get(t.text());
                signed = size != null;
            }
            if (size == null) {
                throw error(t, "expected a type (u8, u16, u32, u64" + (signedAllowed ? ", s8, s16, s32" : "")
                        + ") but found '" + t.text() + "'");
            }
            expect("*");
            expect(")");
            return new int[] {size, signed ? 1 : 0, t.line(), t.column()};
        }

        /** A jump target: label, +N, -N or N, with an optional objdump annotation {@code <...>}. */
        private void jumpTo(int opcode, int dst, int src, int imm, FixupKind kind) {
            Token t = peek();
            if (t == null) {
                next("a jump target (a label or +N/-N)");
            }
            int offset = 0;
            if (t.kind() == Kind.IDENT && !isRegisterName(t.text())) {
                at++;
                fixups.add(new Fixup(slots.size(), t, kind));
            } else if (peekNumber()) {
                BigInteger v = number("a jump offset");
                boolean fits = kind == FixupKind.JUMP16
                        ? v.bitLength() <= 15
                        : v.compareTo(INT_MIN) >= 0 && v.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) <= 0;
                if (!fits) {
                    throw error(t, "jump offset " + v + " does not fit in " + (kind == FixupKind.JUMP16
                            ? "16 bits (-32768..32767); use gotol for a longer unconditional jump"
                            : "32 bits"));
                }
                offset = v.intValue();
            } else {
                throw error(t, "expected a jump target (a label or +N/-N) but found '" + t.text() + "'");
            }
            if (peekIs("<")) { // objdump's "<.text+0x48>" annotation
                at = tokens.size();
                if (!tokens.getLast().is(">")) {
                    throw error(tokens.getLast(), "unterminated <...> annotation after the jump target");
                }
            }
            if (kind == FixupKind.JUMP32) {
                emit(opcode, dst, src, 0, offset);
            } else {
                emit(opcode, dst, src, offset, imm);
            }
        }

        private void resolve(Fixup f) {
            Integer target = labels.get(f.label().text());
            if (target == null) {
                throw error(f.label(), "undefined label '" + f.label().text() + "'"
                        + (f.kind() == FixupKind.CALL ? " (calls of external functions need relocations, which this"
                                + " assembler does not produce)" : ""));
            }
            long delta = (long) target - f.slot() - 1;
            Instruction old = slots.get(f.slot());
            Instruction patched;
            if (f.kind() == FixupKind.JUMP16) {
                if (delta < Short.MIN_VALUE || delta > Short.MAX_VALUE) {
                    throw error(f.label(), "jump to '" + f.label().text() + "' is " + delta
                            + " instructions away, more than a 16-bit offset holds (-32768..32767); use gotol");
                }
                patched = new Instruction(old.opcode(), old.dst(), old.src(), (int) delta, old.imm());
            } else {
                patched = new Instruction(old.opcode(), old.dst(), old.src(), old.offset(), (int) delta);
            }
            slots.set(f.slot(), patched);
        }

        // ---- instruction forms

        private void call() {
            Token t = peek();
            if (t != null && t.kind() == Kind.IDENT && !isRegisterName(t.text())) {
                at++;
                fixups.add(new Fixup(slots.size(), t, FixupKind.CALL));
                emit(CALL_IMM, 0, CALL_LOCAL, 0, 0);
            } else if (peekRegister()) {
                throw error(t, "call takes a helper number or a label; write 'callx " + t.text() + "' to call through a register");
            } else {
                emit(CALL_IMM, 0, CALL_HELPER, 0, imm32());
            }
        }

        private void conditionalJump() {
            Register dst = register(null);
            int cls = dst.wide() ? JMP : JMP32;
            Token op = next("a comparison");
            Integer operation;
            if (op.is("s")) {
                Token signed = next("a comparison after 's'");
                operation = SIGNED_JUMP_OPERATORS.get(signed.text());
                if (operation == null || signed.kind() != Kind.PUNCT) {
                    throw error(op, "unknown comparison 's" + signed.text() + "' (signed: s>, s>=, s<, s<=)");
                }
            } else {
                operation = op.kind() == Kind.PUNCT ? JUMP_OPERATORS.get(op.text()) : null;
                if (operation == null) {
                    throw error(op, "unknown comparison '" + op.text() + "' (==, !=, >, >=, <, <=, &, s>, s>=, s<, s<=)");
                }
            }
            if (peekRegister()) {
                Register src = register(dst.wide());
                expect("goto");
                jumpTo(cls | operation | X, dst.number(), src.number(), 0, FixupKind.JUMP16);
            } else {
                int imm = imm32();
                expect("goto");
                jumpTo(cls | operation | K, dst.number(), 0, imm, FixupKind.JUMP16);
            }
        }

        private void ldPseudo() {
            Register dst = register(true);
            expect(",");
            Token s = peek();
            BigInteger src = number("a pseudo source (0-15)");
            if (src.signum() < 0 || src.compareTo(BigInteger.valueOf(15)) > 0) {
                throw error(s, "pseudo source " + src + " does not fit in the 4-bit src field (0-15)");
            }
            expect(",");
            long value = imm64();
            Instruction[] pair = Instruction.lddw(dst.number(), src.intValue(), value);
            emit(pair[0].opcode(), pair[0].dst(), pair[0].src(), 0, pair[0].imm());
            emit(0, 0, 0, 0, pair[1].imm());
        }

        private void store() {
            expect("*");
            int[] type = pointerType(false);
            expect("(");
            int[] address = address();
            expect(")");
            expect("=");
            if (peekRegister()) {
                Register src = register(null);
                if (!src.wide() && type[0] == DW) {
                    throw error(src.token(), "bad register '" + src.token().text() + "': a 64-bit store takes an r register");
                }
                emit(STX | MEM | type[0], address[0], src.number(), address[1], 0);
            } else {
                emit(ST | MEM | type[0], address[0], 0, address[1], imm32());
            }
        }

        private void lock() {
            expect("*");
            int[] type = pointerType(false);
            if (type[0] != W && type[0] != DW) {
                throw new AssemblyException(type[2], type[3], "atomic operations are 32 or 64 bits (u32, u64)");
            }
            expect("(");
            int[] address = address();
            expect(")");
            Token op = next("an atomic operation (+=, |=, &=, ^=)");
            Integer operation = op.kind() == Kind.PUNCT ? ATOMIC_OPERATORS.get(op.text()) : null;
            if (operation == null) {
                throw error(op, "unknown atomic operation '" + op.text() + "' (+=, |=, &=, ^=)");
            }
            // LLVM writes the 32-bit forms with w registers; "+= rN" is its older spelling of the same add.
            Register src = register(type[0] == DW ? Boolean.TRUE : null);
            emit(STX | ATOMIC | type[0], address[0], src.number(), address[1], operation);
        }

        private void assignment() {
            Register dst = register(null);
            Token op = next("an operator");
            if (op.is("s")) {
                Token signed = next("an operator after 's'");
                Integer operation = signed.kind() == Kind.PUNCT ? SIGNED_ALU_OPERATORS.get(signed.text()) : null;
                if (operation == null) {
                    throw error(op, "unknown operator 's" + signed.text() + "' (signed: s/=, s%=, s>>=)");
                }
                aluOperand(dst, operation, operation == ARSH ? 0 : 1);
                return;
            }
            Integer operation = op.kind() == Kind.PUNCT ? ALU_OPERATORS.get(op.text()) : null;
            if (operation != null) {
                aluOperand(dst, operation, 0);
                return;
            }
            if (!op.is("=")) {
                throw error(op, "expected an assignment operator (=, +=, -=, ...) but found '" + op.text() + "'");
            }
            Token t = peek();
            if (t == null) {
                next("a value");
            }
            if (t.is("-") && peek(1) != null && peek(1).kind() == Kind.IDENT) {
                at++;
                Register src = register(dst.wide());
                requireSame(dst, src, "negation");
                emit((dst.wide() ? ALU64 : ALU) | NEG | K, dst.number(), 0, 0, 0);
            } else if (peekNumber()) {
                movImmediate(dst);
            } else if (peekRegister()) {
                Register src = register(dst.wide());
                emit((dst.wide() ? ALU64 : ALU) | MOV | X, dst.number(), src.number(), 0, 0);
            } else if (t.is("(")) {
                signExtendingMove(dst);
            } else if (t.is("*")) {
                load(dst);
            } else if (t.kind() == Kind.IDENT) {
                namedRightHandSide(dst, t);
            } else {
                throw error(t, "expected a register, number, load or operation but found '" + t.text() + "'");
            }
        }

        private void aluOperand(Register dst, int operation, int offset) {
            int cls = dst.wide() ? ALU64 : ALU;
            if (peekRegister()) {
                Register src = register(dst.wide());
                emit(cls | operation | X, dst.number(), src.number(), offset, 0);
            } else {
                emit(cls | operation | K, dst.number(), 0, offset, imm32());
            }
        }

        private void movImmediate(Register dst) {
            int n = 0;
            while (peek(n) != null && !peek(n).is("ll")) {
                n++;
            }
            if (peek(n) == null) {
                emit((dst.wide() ? ALU64 : ALU) | MOV | K, dst.number(), 0, 0, imm32());
                return;
            }
            if (!dst.wide()) {
                throw error(dst.token(), "bad register '" + dst.token().text() + "': a 64-bit immediate load (ll) takes an r register");
            }
            long value = imm64();
            expect("ll");
            Instruction[] pair = Instruction.lddw(dst.number(), PSEUDO_IMM, value);
            emit(LDDW, dst.number(), 0, 0, pair[0].imm());
            emit(0, 0, 0, 0, pair[1].imm());
        }

        private void signExtendingMove(Register dst) {
            expect("(");
            Token type = next("s8, s16 or s32");
            Integer size = SIGNED_SIZES.get(type.text());
            if (size == null || (!dst.wide() && size == W)) {
                throw error(type, "expected " + (dst.wide() ? "s8, s16 or s32" : "s8 or s16") + " but found '" + type.text() + "'");
            }
            expect(")");
            Register src = register(dst.wide());
            emit((dst.wide() ? ALU64 : ALU) | MOV | X, dst.number(), src.number(), 8 * sizeInBytes(size), 0);
        }

        private void load(Register dst) {
            expect("*");
            int[] type = pointerType(true);
            int size = type[0];
            boolean signed = type[1] != 0;
            if (peekIs("skb")) {
                packetLoad(dst, type);
                return;
            }
            if (!dst.wide() && (signed || size == DW)) {
                throw error(dst.token(), "bad register '" + dst.token().text() + "': a " + (signed ? "sign-extending" : "64-bit")
                        + " load takes an r register");
            }
            expect("(");
            int[] address = address();
            expect(")");
            emit(LDX | (signed ? MEMSX : MEM) | size, dst.number(), address[0], address[1], 0);
        }

        private void packetLoad(Register dst, int[] type) {
            Token skb = next("skb");
            if (type[1] != 0 || type[0] == DW) {
                throw new AssemblyException(type[2], type[3], "packet loads are u8, u16 or u32");
            }
            if (!dst.wide() || dst.number() != 0) {
                throw error(dst.token(), "bad register '" + dst.token().text() + "': packet loads always write r0");
            }
            expect("[");
            if (peekRegister()) {
                int[] address = address(); // extension: skb[rN + imm]
                expect("]");
                emit(LD | IND | type[0], 0, address[0], 0, address[1]);
            } else if (peekNumber()) {
                int imm = imm32();
                expect("]");
                emit(LD | ABS | type[0], 0, 0, 0, imm);
            } else {
                Token t = next("an offset or register");
                throw error(t, "expected an offset or a register in " + skb.text() + "[...] but found '" + t.text() + "'");
            }
        }

        private void namedRightHandSide(Register dst, Token name) {
            String s = name.text();
            at++;
            if (BYTE_SWAP.matcher(s).matches()) {
                if (!dst.wide()) {
                    throw error(dst.token(), "bad register '" + dst.token().text() + "': byte swaps are written with r registers ("
                            + "r" + dst.number() + " = " + s + " r" + dst.number() + ")");
                }
                Register src = register(true);
                requireSame(dst, src, "a byte swap");
                int width = Integer.parseInt(s.replaceAll("\\D", ""));
                int opcode = s.startsWith("bswap") ? ALU64 | END | K : s.startsWith("be") ? ALU | END | X : ALU | END | K;
                emit(opcode, dst.number(), 0, 0, width);
            } else if (ATOMIC_FETCH.containsKey(s)) {
                expect("(");
                int[] type = pointerType(false);
                if (type[0] != W && type[0] != DW) {
                    throw new AssemblyException(type[2], type[3], "atomic operations are 32 or 64 bits (u32, u64)");
                }
                boolean wide = type[0] == DW;
                expect("(");
                int[] address = address();
                expect(")");
                expect(",");
                Register src = register(wide);
                expect(")");
                requireWidth(dst, wide);
                requireSame(dst, src, s);
                emit(STX | ATOMIC | type[0], address[0], src.number(), address[1], ATOMIC_FETCH.get(s) | Opcodes.ATOMIC_FETCH);
            } else if (s.equals("xchg_64") || s.equals("xchg32_32")) {
                boolean wide = s.equals("xchg_64");
                expect("(");
                int[] address = address();
                expect(",");
                Register src = register(wide);
                expect(")");
                requireWidth(dst, wide);
                requireSame(dst, src, s);
                emit(STX | ATOMIC | (wide ? DW : W), address[0], src.number(), address[1], ATOMIC_XCHG);
            } else if (s.equals("cmpxchg_64") || s.equals("cmpxchg32_32")) {
                boolean wide = s.equals("cmpxchg_64");
                expect("(");
                int[] address = address();
                expect(",");
                Register expected = register(wide);
                expect(",");
                Register src = register(wide);
                expect(")");
                requireWidth(dst, wide);
                if (dst.number() != 0 || expected.number() != 0) {
                    Token bad = dst.number() != 0 ? dst.token() : expected.token();
                    throw error(bad, s + " compares with and returns in " + (wide ? "r0" : "w0") + ": write "
                            + (wide ? "r0" : "w0") + " = " + s + "(rN + off, " + (wide ? "r0" : "w0") + ", src)");
                }
                emit(STX | ATOMIC | (wide ? DW : W), address[0], src.number(), address[1], ATOMIC_CMPXCHG);
            } else if (peekIs("ll")) {
                throw error(name, "'" + s + "' is not a number; loading a symbol's address needs a relocation, which this"
                        + " assembler does not produce");
            } else {
                throw error(name, "unknown operation '" + s + "'");
            }
        }

        private void requireWidth(Register dst, boolean wide) {
            if (dst.wide() != wide) {
                throw error(dst.token(), "bad register '" + dst.token().text() + "': expected a " + (wide ? "64-bit r" : "32-bit w")
                        + " register here");
            }
        }

        private void requireSame(Register dst, Register src, String what) {
            if (dst.number() != src.number()) {
                throw error(src.token(), what + " reads and writes the same register: expected '"
                        + dst.token().text().charAt(0) + dst.number() + "' but found '" + src.token().text() + "'");
            }
        }
    }
}
