package io.bpf4j.cli;

import java.util.Locale;

/**
 * What a program file holds, decided from its first bytes and its name.
 *
 * <p>Extension point: {@link #ELF} is recognised already so that users get a clear message; when
 * the object loader exists, {@link ProgramReader} reads ELF through it and {@code disasm} prints
 * one block per section, as {@code llvm-objdump -d} does.
 */
enum InputFormat {
    /** Raw instructions, 8 little-endian bytes each ({@code .bin}, {@code .o} bytes that are not ELF, anything else). */
    RAW,
    /** An ELF object file (magic {@code 0x7f 'E' 'L' 'F'}), as clang emits. Not supported yet. */
    ELF,
    /** Assembly in the LLVM syntax ({@code .s}, {@code .asm}). */
    LLVM_ASSEMBLY,
    /** Assembly in the bpf_conformance dialect (with {@code --dialect conformance}). */
    CONFORMANCE_ASSEMBLY,
    /** A bpf_conformance test file ({@code .data}): program, memory and expected result. */
    CONFORMANCE_TEST;

    /**
     * Decides the format.
     *
     * @param fileName the file's name ({@code -} for standard input)
     * @param content its bytes
     * @param dialect the dialect the user asked for, or null: forces assembly in that dialect
     *     (a conformance test file is still read as one)
     */
    static InputFormat detect(String fileName, byte[] content, Dialect dialect) {
        if (isElf(content)) {
            return ELF;
        }
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".data")) {
            return CONFORMANCE_TEST;
        }
        if (dialect == Dialect.CONFORMANCE) {
            return looksLikeTestFile(content) ? CONFORMANCE_TEST : CONFORMANCE_ASSEMBLY;
        }
        if (dialect == Dialect.LLVM || name.endsWith(".s") || name.endsWith(".asm")) {
            return LLVM_ASSEMBLY;
        }
        return RAW;
    }

    static boolean isElf(byte[] content) {
        return content.length >= 4 && content[0] == 0x7f && content[1] == 'E' && content[2] == 'L' && content[3] == 'F';
    }

    /** A {@code -- asm} or {@code -- raw} section header line. */
    private static boolean looksLikeTestFile(byte[] content) {
        String text = new String(content, java.nio.charset.StandardCharsets.UTF_8);
        return text.lines().anyMatch(l -> l.strip().matches("--\\s*(asm|raw)\\b.*"));
    }

    /** True if every byte is printable ASCII or white space: raw instructions almost never are. */
    static boolean looksLikeText(byte[] content) {
        if (content.length == 0) {
            return false;
        }
        for (byte b : content) {
            if (!(b >= 0x20 && b < 0x7f) && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
