package io.bpf4j.isa;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One test of the bpf_conformance suite, parsed from its {@code .data} file.
 *
 * <p>The format is line based. A line whose first non-blank characters are {@code --} starts a
 * section: {@code -- asm} (the program in the {@link ConformanceAssembler} dialect), {@code -- raw}
 * (the program as 64-bit little-endian instruction words, {@code 0x} hex or decimal, one per
 * token), {@code -- mem} (input memory as hex bytes), {@code -- result} (expected r0, {@code 0x} hex
 * or decimal, up to unsigned 64 bits) and {@code -- error} (an expected error message). Other
 * sections ({@code -- c}, {@code -- no register offset}, ...) are ignored, as is everything before
 * the first section. {@code #} starts a comment. When both {@code raw} and {@code asm} are present
 * the raw words are the program, as in the reference runner.
 *
 * <p>Syntax errors, including errors in the assembly, are {@link AssemblyException}s whose line
 * numbers are lines of the file. The program is checked for well-formedness only when
 * {@link #program()} is called, so that a test expecting an error can still be read.
 */
public final class ConformanceTestFile {
    private final String name;
    private final String assembly;
    private final ConformanceAssembly assembled;
    private final List<Instruction> slots;
    private final byte[] memory;
    private final OptionalLong expectedResult;
    private final Optional<String> expectedError;

    private ConformanceTestFile(String name, String assembly, ConformanceAssembly assembled, List<Instruction> slots,
            byte[] memory, OptionalLong expectedResult, Optional<String> expectedError) {
        this.name = name;
        this.assembly = assembly;
        this.assembled = assembled;
        this.slots = slots;
        this.memory = memory;
        this.expectedResult = expectedResult;
        this.expectedError = expectedError;
    }

    /** Reads a {@code .data} file; the test's name is the file name without {@code .data}. */
    public static ConformanceTestFile read(Path path) throws IOException {
        String fileName = path.getFileName().toString();
        String name = fileName.endsWith(".data") ? fileName.substring(0, fileName.length() - 5) : fileName;
        return parse(name, Files.readString(path, StandardCharsets.UTF_8));
    }

    /** Parses the text of a test file, naming the test {@code "unnamed"}. */
    public static ConformanceTestFile parse(String text) {
        return parse("unnamed", text);
    }

    /**
     * Parses the text of a test file.
     *
     * @throws AssemblyException for a malformed section, naming the line and column in the file
     */
    public static ConformanceTestFile parse(String name, String text) {
        return new Reader(text).read(name);
    }

    /** The test's name. */
    public String name() {
        return name;
    }

    /**
     * The program: the raw words if the file has a {@code -- raw} section, else the assembly.
     *
     * @throws AssemblyException if an assembled program is malformed (at its line in the file)
     * @throws InvalidInstructionException if a raw program is malformed
     */
    public Instructions program() {
        return assembled != null ? assembled.validate() : Instructions.of(slots);
    }

    /** The program's slots, not checked for well-formedness (for tests that expect an error). */
    public List<Instruction> slots() {
        return slots;
    }

    /** The program's slots encoded as bytes, 8 per slot, not checked for well-formedness. */
    public byte[] programBytes() {
        ByteBuffer out = ByteBuffer.allocate(slots.size() * Instruction.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (Instruction slot : slots) {
            slot.writeTo(out);
        }
        return out.array();
    }

    /** True if the program came from a {@code -- raw} section. */
    public boolean isRaw() {
        return assembled == null;
    }

    /** The {@code -- asm} section's text, if the file has one (even when the raw words are the program). */
    public Optional<String> assembly() {
        return Optional.ofNullable(assembly);
    }

    /** The input memory (empty if the test has none); a fresh copy on every call. */
    public byte[] memory() {
        return memory.clone();
    }

    /** The expected value of r0 (as the unsigned 64-bit pattern), if the file states one. */
    public OptionalLong expectedResult() {
        return expectedResult;
    }

    /** The expected error message, if the file states one. */
    public Optional<String> expectedError() {
        return expectedError;
    }

    @Override
    public String toString() {
        return "ConformanceTestFile[" + name + ", " + slots.size() + " slots, " + memory.length + " bytes of memory"
                + (expectedResult.isPresent() ? ", result 0x" + Long.toHexString(expectedResult.getAsLong()) : "")
                + expectedError.map(e -> ", error \"" + e + "\"").orElse("") + "]";
    }

    // ------------------------------------------------------------------------------------------

    private static final class Reader {
        private final String[] lines;

        Reader(String text) {
            this.lines = text.split("\n", -1);
        }

        ConformanceTestFile read(String name) {
            // The assembler sees the whole file with every line outside -- asm blanked, so that its
            // line numbers are the file's.
            StringBuilder asmForAssembler = new StringBuilder();
            StringBuilder asmText = new StringBuilder();
            boolean hasAsm = false;
            boolean hasRaw = false;
            List<Instruction> raw = new ArrayList<>();
            ByteArrayOutputStream mem = new ByteArrayOutputStream();
            OptionalLong result = OptionalLong.empty();
            int resultLine = 0;
            List<String> errorLines = new ArrayList<>();
            String section = "";
            for (int i = 0; i < lines.length; i++) {
                int lineNumber = i + 1;
                String line = lines[i];
                if (line.endsWith("\r")) {
                    line = line.substring(0, line.length() - 1);
                }
                String trimmed = line.strip();
                if (i > 0) {
                    asmForAssembler.append('\n');
                }
                if (trimmed.startsWith("--")) {
                    section = trimmed.substring(2).strip().toLowerCase(Locale.ROOT);
                    hasAsm |= section.equals("asm");
                    hasRaw |= section.equals("raw");
                    continue;
                }
                switch (section) {
                    case "asm" -> {
                        asmForAssembler.append(line);
                        asmText.append(line).append('\n');
                    }
                    case "raw" -> {
                        for (Word w : words(line)) {
                            raw.add(Instruction.fromRaw(parseUnsigned64(w, lineNumber, "instruction word")));
                        }
                    }
                    case "mem" -> {
                        for (Word w : words(line)) {
                            mem.write(parseByte(w, lineNumber));
                        }
                    }
                    case "result" -> {
                        for (Word w : words(line)) {
                            if (result.isPresent()) {
                                throw new AssemblyException(lineNumber, w.column(),
                                        "more than one expected result (the first is on line " + resultLine + ")");
                            }
                            result = OptionalLong.of(parseUnsigned64(w, lineNumber, "expected result"));
                            resultLine = lineNumber;
                        }
                    }
                    case "error" -> {
                        if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                            errorLines.add(trimmed);
                        }
                    }
                    default -> {
                        // header comments and ignored sections (-- c, -- no register offset, ...)
                    }
                }
            }
            if (!hasAsm && !hasRaw) {
                throw new AssemblyException(1, 1, "the test has no program: no '-- asm' or '-- raw' section");
            }
            String asm = hasAsm ? asmText.toString() : null;
            ConformanceAssembly assembled = null;
            List<Instruction> slots;
            if (hasRaw) {
                slots = List.copyOf(raw);
            } else {
                assembled = ConformanceAssembler.assembleWithLines(asmForAssembler.toString());
                slots = assembled.slots();
            }
            Optional<String> error = errorLines.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", errorLines));
            return new ConformanceTestFile(name, asm, assembled, slots, mem.toByteArray(), result, error);
        }

        private record Word(String text, int column) {}

        /** The white-space separated words of a line, up to a {@code #} comment. */
        private static List<Word> words(String line) {
            List<Word> out = new ArrayList<>();
            int n = line.length();
            int i = 0;
            while (i < n) {
                char c = line.charAt(i);
                if (c == '#') {
                    break;
                }
                if (Character.isWhitespace(c)) {
                    i++;
                    continue;
                }
                int start = i;
                while (i < n && !Character.isWhitespace(line.charAt(i)) && line.charAt(i) != '#') {
                    i++;
                }
                out.add(new Word(line.substring(start, i), start + 1));
            }
            return out;
        }

        private static boolean isHexDigit(int c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        }

        private static boolean hasHexPrefix(String s) {
            return s.length() > 2 && s.charAt(0) == '0' && (s.charAt(1) == 'x' || s.charAt(1) == 'X');
        }

        private static long parseUnsigned64(Word w, int line, String what) {
            String s = w.text();
            try {
                if (hasHexPrefix(s)) {
                    return Long.parseUnsignedLong(s.substring(2), 16);
                }
                if (s.startsWith("-")) {
                    return Long.parseLong(s);
                }
                return Long.parseUnsignedLong(s.startsWith("+") ? s.substring(1) : s, 10);
            } catch (NumberFormatException e) {
                throw new AssemblyException(line, w.column(), "bad " + what + " '" + s
                        + "': expected 0x followed by up to 16 hex digits, or a decimal number of at most 64 bits");
            }
        }

        private static int parseByte(Word w, int line) {
            String s = hasHexPrefix(w.text()) ? w.text().substring(2) : w.text();
            if (!s.isEmpty() && s.length() <= 2 && s.chars().allMatch(Reader::isHexDigit)) {
                return Integer.parseInt(s, 16);
            }
            throw new AssemblyException(line, w.column(),
                    "bad memory byte '" + w.text() + "': expected one or two hex digits");
        }
    }
}
