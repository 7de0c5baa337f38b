package io.bpf4j.classic;

import static io.bpf4j.classic.ClassicOpcodes.*;

import io.bpf4j.classic.internal.Statements;
import io.bpf4j.classic.internal.Tokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads classic programs in every {@link ClassicFormat}. {@link #read(byte[])} tells the format
 * from the content. Errors are {@link ClassicFormatException}s with line and column.
 */
public final class ClassicReader {
    private static final Pattern TCPDUMP_LINE = Pattern.compile("\\((\\d+)\\)\\s*(.*)");
    private static final Pattern C_LINE = Pattern.compile(
            "\\{\\s*([0-9a-fA-FxX]+)\\s*,\\s*([0-9a-fA-FxX]+)\\s*,\\s*([0-9a-fA-FxX]+)\\s*,\\s*([0-9a-fA-FxX]+)\\s*}\\s*,?");
    /** Files larger than this are refused unread: a classic program has at most 4096 instructions. */
    public static final int MAX_FILE = 16 << 20;

    private ClassicReader() {}

    /** Reads a file in whatever format it holds. */
    public static ClassicProgram read(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE) {
                throw new ClassicFormatException(file + " has " + size + " bytes; a classic program file is far smaller");
            }
            return read(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a program in whatever format the bytes hold ({@link #detect}). */
    public static ClassicProgram read(byte[] content) {
        ClassicFormat format = detect(content);
        if (format == ClassicFormat.BINARY) {
            return ClassicProgram.fromBytes(content);
        }
        return parse(new String(content, StandardCharsets.UTF_8), format);
    }

    /**
     * The format of {@code content}: binary unless it is printable text; among text formats, the
     * one its first meaningful line has the shape of.
     */
    public static ClassicFormat detect(byte[] content) {
        for (byte b : content) {
            if (b == 0 || (b < 0x20 && b != '\n' && b != '\r' && b != '\t') || b == 0x7f || b < 0) {
                return ClassicFormat.BINARY;
            }
        }
        if (content.length == 0) {
            return ClassicFormat.BINARY;
        }
        return detect(new String(content, StandardCharsets.US_ASCII));
    }

    /** The text format {@code text} is in. */
    public static ClassicFormat detect(String text) {
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("//") || line.startsWith("/*") || line.startsWith(";") || line.startsWith("#")) {
                continue;
            }
            if (TCPDUMP_LINE.matcher(line).matches()) {
                return ClassicFormat.TCPDUMP;
            }
            if (line.startsWith("{")) {
                return ClassicFormat.C_ARRAY;
            }
            if (line.matches("[0-9 ,\\t]+")) {
                return ClassicFormat.DECIMAL;
            }
            return ClassicFormat.BPF_ASM;
        }
        return ClassicFormat.BPF_ASM;
    }

    /** Parses text in {@code format} (any but {@link ClassicFormat#BINARY}). */
    public static ClassicProgram parse(String text, ClassicFormat format) {
        return switch (format) {
            case TCPDUMP -> parseTcpdump(text);
            case C_ARRAY -> parseCArray(text);
            case DECIMAL -> parseDecimal(text);
            case BPF_ASM -> parseBpfAsm(text);
            case BINARY -> throw new IllegalArgumentException("BINARY is not a text format: use ClassicProgram.fromBytes");
        };
    }

    // ------------------------------------------------------------------ tcpdump -d

    private static ClassicProgram parseTcpdump(String text) {
        List<ClassicInstruction> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = TCPDUMP_LINE.matcher(line);
            if (!m.matches()) {
                throw new ClassicFormatException(n + 1, 1, "expected '(NNN) instruction', as tcpdump -d prints it");
            }
            int pc = parseIndex(m.group(1), n + 1);
            if (pc != out.size()) {
                throw new ClassicFormatException(n + 1, 2, "instruction (" + m.group(1) + ") where (" + String.format("%03d", out.size())
                        + ") was expected: tcpdump numbers instructions from 0 without gaps");
            }
            int body = lines[n].indexOf(m.group(2));
            Tokens in = Tokens.of(m.group(2), n + 1, body + 1);
            String mnemonic = in.word().toLowerCase(Locale.ROOT);
            if (mnemonic.equals("unimp")) {
                int code = in.number();
                in.expectEnd();
                out.add(ClassicInstruction.stmt(code & 0xffff, 0));
            } else if (mnemonic.equals("ja")) {
                long target = in.number() & 0xffffffffL;
                in.expectEnd();
                out.add(ClassicInstruction.stmt(JMP | JA, (int) (target - pc - 1)));
            } else if (Statements.isJump(mnemonic)) {
                int op = Statements.jumpOperation(mnemonic);
                if (!mnemonic.equals("jeq") && !mnemonic.equals("jgt") && !mnemonic.equals("jge") && !mnemonic.equals("jset")) {
                    throw new ClassicFormatException(n + 1, body + 1, "tcpdump listings have jeq, jgt, jge, jset and ja, not " + mnemonic);
                }
                boolean x = Statements.operand(in);
                int k = x ? 0 : in.number();
                in.expect("jt");
                int jt = relative(in.number(), pc, in);
                in.expect("jf");
                int jf = relative(in.number(), pc, in);
                in.expectEnd();
                out.add(new ClassicInstruction(JMP | op | (x ? X : K), jt, jf, k));
            } else {
                Statements.Statement s = Statements.parse(mnemonic, in);
                out.add(ClassicInstruction.stmt(s.code(), s.k()));
            }
        }
        return ClassicProgram.of(out);
    }

    private static int relative(int target, int pc, Tokens in) {
        int offset = target - pc - 1;
        if (offset < 0 || offset > 255) {
            throw new ClassicFormatException(in.line(), 1, "instruction " + pc + " jumps to " + target
                    + "; classic jumps go 0 to 255 instructions forward");
        }
        return offset;
    }

    private static int parseIndex(String digits, int line) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new ClassicFormatException(line, 2, "instruction index " + digits + " is too large");
        }
    }

    // ------------------------------------------------------------------ tcpdump -dd

    private static ClassicProgram parseCArray(String text) {
        List<ClassicInstruction> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = stripCComments(lines[n]).strip();
            if (line.isEmpty() || line.equals("{") || line.startsWith("}") || line.contains("=")) {
                continue; // blank, or the declaration around the initializers
            }
            Matcher m = C_LINE.matcher(line);
            if (!m.matches()) {
                throw new ClassicFormatException(n + 1, 1, "expected '{ code, jt, jf, k },' as tcpdump -dd prints it");
            }
            out.add(instruction(cNumber(m.group(1), n + 1), cNumber(m.group(2), n + 1), cNumber(m.group(3), n + 1),
                    cNumber(m.group(4), n + 1), n + 1));
        }
        return ClassicProgram.of(out);
    }

    private static String stripCComments(String line) {
        String s = line.replaceAll("/\\*.*?\\*/", "");
        int slash = s.indexOf("//");
        return slash >= 0 ? s.substring(0, slash) : s;
    }

    private static long cNumber(String text, int line) {
        try {
            String lower = text.toLowerCase(Locale.ROOT);
            long v = lower.startsWith("0x") ? Long.parseLong(lower.substring(2), 16)
                    : lower.length() > 1 && lower.startsWith("0") ? Long.parseLong(lower.substring(1), 8) : Long.parseLong(lower);
            return v;
        } catch (NumberFormatException e) {
            throw new ClassicFormatException(line, 1, "'" + text + "' is not a number");
        }
    }

    private static ClassicInstruction instruction(long code, long jt, long jf, long k, int line) {
        if (code > 0xffff || jt > 0xff || jf > 0xff || k > 0xffffffffL) {
            throw new ClassicFormatException(line, 1, "field out of range: code is 16 bits, jt and jf 8, k 32 (code " + code
                    + ", jt " + jt + ", jf " + jf + ", k " + k + ")");
        }
        return new ClassicInstruction((int) code, (int) jt, (int) jf, (int) k);
    }

    // ------------------------------------------------------------------ tcpdump -ddd and bpf_asm's output

    private static ClassicProgram parseDecimal(String text) {
        // Lines or commas separate the count and the instructions.
        String[] records = text.strip().split("[\\n,]");
        List<String> fields = new ArrayList<>();
        List<Integer> lineOf = new ArrayList<>();
        int line = 1;
        int at = 0;
        for (String r : records) {
            int recordLine = line + (int) text.substring(0, Math.min(text.length(), at)).chars().filter(c -> c == '\n').count();
            at += r.length() + 1;
            if (!r.isBlank()) {
                fields.add(r.strip());
                lineOf.add(recordLine);
            }
        }
        if (fields.isEmpty()) {
            throw new ClassicFormatException("empty program: expected the instruction count, then 'code jt jf k' per instruction");
        }
        long count;
        try {
            count = Long.parseLong(fields.getFirst());
        } catch (NumberFormatException e) {
            throw new ClassicFormatException(lineOf.getFirst(), 1, "expected the instruction count, found '" + fields.getFirst() + "'");
        }
        if (count != fields.size() - 1) {
            throw new ClassicFormatException(lineOf.getFirst(), 1, "the count says " + count + " instructions but "
                    + (fields.size() - 1) + " follow");
        }
        List<ClassicInstruction> out = new ArrayList<>();
        for (int i = 1; i < fields.size(); i++) {
            String[] parts = fields.get(i).split("\\s+");
            if (parts.length != 4) {
                throw new ClassicFormatException(lineOf.get(i), 1, "expected 'code jt jf k', found '" + fields.get(i) + "'");
            }
            long[] v = new long[4];
            for (int j = 0; j < 4; j++) {
                try {
                    v[j] = Long.parseLong(parts[j]);
                } catch (NumberFormatException e) {
                    throw new ClassicFormatException(lineOf.get(i), 1, "'" + parts[j] + "' is not a decimal number");
                }
                if (v[j] < 0) {
                    throw new ClassicFormatException(lineOf.get(i), 1, "negative field " + v[j]);
                }
            }
            out.add(instruction(v[0], v[1], v[2], v[3], lineOf.get(i)));
        }
        return ClassicProgram.of(out);
    }

    // ------------------------------------------------------------------ bpf_asm

    private record PendingJump(int pc, String trueLabel, String falseLabel, int line, int column) {}

    private static ClassicProgram parseBpfAsm(String text) {
        String cleaned = Pattern.compile("(?s)/\\*.*?\\*/").matcher(text).replaceAll(m -> m.group().replaceAll("[^\\n]", " "));
        List<ClassicInstruction> out = new ArrayList<>();
        Map<String, Integer> labels = new HashMap<>();
        List<PendingJump> pending = new ArrayList<>();
        String[] lines = cleaned.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            int semicolon = line.indexOf(';');
            if (semicolon >= 0) {
                line = line.substring(0, semicolon);
            }
            if (line.stripLeading().startsWith("#") && line.indexOf('#') == 0) {
                continue; // a comment line, as bpf_asm takes '#' in the first column
            }
            Tokens in = Tokens.of(line, n + 1, 1);
            while (!in.atEnd()) {
                Tokens.Token first = in.take();
                if (in.accept(":")) {
                    if (first.isNumber()) {
                        throw new ClassicFormatException(n + 1, first.column(), "a label is a name, not a number");
                    }
                    if (labels.putIfAbsent(first.text(), out.size()) != null) {
                        throw new ClassicFormatException(n + 1, first.column(), "label '" + first.text() + "' is defined twice");
                    }
                    continue;
                }
                if (first.isNumber()) {
                    throw new ClassicFormatException(n + 1, first.column(), "expected an instruction, found '" + first.text() + "'");
                }
                String mnemonic = first.text().toLowerCase(Locale.ROOT);
                int pc = out.size();
                if (mnemonic.equals("ja") || mnemonic.equals("jmp")) {
                    Tokens.Token target = in.take();
                    in.expectEnd();
                    pending.add(new PendingJump(pc, target.text(), null, n + 1, target.column()));
                    out.add(ClassicInstruction.stmt(JMP | JA, 0));
                } else if (Statements.isJump(mnemonic)) {
                    int op = Statements.jumpOperation(mnemonic);
                    boolean x = Statements.operand(in);
                    int k = x ? 0 : in.number();
                    in.expect(",");
                    int column = in.peek() == null ? 1 : in.peek().column();
                    String first2 = in.word();
                    String second = null;
                    if (in.accept(",")) {
                        second = in.word();
                    }
                    in.expectEnd();
                    boolean negated = mnemonic.equals("jneq") || mnemonic.equals("jne") || mnemonic.equals("jlt")
                            || mnemonic.equals("jle");
                    if (negated && second != null) {
                        throw new ClassicFormatException(n + 1, column, mnemonic + " takes one label (where to go when the"
                                + " condition holds)");
                    }
                    pending.add(negated ? new PendingJump(pc, null, first2, n + 1, column)
                            : new PendingJump(pc, first2, second, n + 1, column));
                    out.add(new ClassicInstruction(JMP | op | (x ? X : K), 0, 0, k));
                } else {
                    Statements.Statement s = Statements.parse(mnemonic, in);
                    out.add(ClassicInstruction.stmt(s.code(), s.k()));
                }
            }
        }
        for (PendingJump j : pending) {
            ClassicInstruction insn = out.get(j.pc());
            if (insn.code() == (JMP | JA)) {
                int target = target(labels, j.trueLabel(), j);
                out.set(j.pc(), ClassicInstruction.stmt(JMP | JA, target - j.pc() - 1));
            } else {
                int jt = j.trueLabel() == null ? 0 : offset(target(labels, j.trueLabel(), j), j);
                int jf = j.falseLabel() == null ? 0 : offset(target(labels, j.falseLabel(), j), j);
                out.set(j.pc(), new ClassicInstruction(insn.code(), jt, jf, insn.k()));
            }
        }
        return ClassicProgram.of(out);
    }

    private static int target(Map<String, Integer> labels, String label, PendingJump j) {
        Integer target = labels.get(label);
        if (target == null) {
            throw new ClassicFormatException(j.line(), j.column(), "no label '" + label + "'");
        }
        if (target <= j.pc()) {
            throw new ClassicFormatException(j.line(), j.column(), "label '" + label + "' is not after the jump; classic jumps only go forward");
        }
        return target;
    }

    private static int offset(int target, PendingJump j) {
        int offset = target - j.pc() - 1;
        if (offset > 255) {
            throw new ClassicFormatException(j.line(), j.column(), "instruction " + j.pc() + " jumps " + offset
                    + " instructions forward; conditional jumps reach at most 255");
        }
        return offset;
    }
}
