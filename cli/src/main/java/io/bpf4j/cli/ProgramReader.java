package io.bpf4j.cli;

import io.bpf4j.isa.ConformanceAssembler;

import io.bpf4j.isa.Assembler;

import io.bpf4j.isa.ConformanceTestFile;
import io.bpf4j.isa.Instructions;
import io.bpf4j.isa.InvalidInstructionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads a program from a file (or standard input, named {@code -}) in any {@link InputFormat}. */
final class ProgramReader {
    private ProgramReader() {}

    /** The bytes of {@code file}, or of standard input when it is {@code -}. */
    static byte[] readBytes(String file, InputStream stdin) {
        try {
            return "-".equals(file) ? stdin.readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw Errors.io(file, e);
        } catch (java.nio.file.InvalidPathException e) {
            throw CliException.badInput(file + ": not a valid file name");
        }
    }

    /**
     * Reads and decodes or assembles a program.
     *
     * @param dialect forces assembly in this dialect, or null to decide by the file's name and content
     * @throws CliException naming the file (and line and column for assembly errors)
     */
    static LoadedProgram read(String file, InputStream stdin, Dialect dialect) {
        return read(file, readBytes(file, stdin), dialect);
    }

    /** Like {@link #read(String, InputStream, Dialect)}, on the bytes already read from {@code file}. */
    static LoadedProgram read(String file, byte[] content, Dialect dialect) {
        InputFormat format = InputFormat.detect(file, content, dialect);
        try {
            return switch (format) {
                case RAW -> raw(file, content);
                case ELF -> elf(file, content);
                case LLVM_ASSEMBLY -> LoadedProgram.of(file, Assembler.assemble(text(content)));
                case CONFORMANCE_ASSEMBLY -> LoadedProgram.of(file, ConformanceAssembler.assemble(text(content)));
                case CONFORMANCE_TEST -> conformanceTest(file, content);
            };
        } catch (RuntimeException e) {
            throw Errors.about(file, e, null);
        }
    }

    private static LoadedProgram raw(String file, byte[] content) {
        if (content.length == 0) {
            throw CliException.badInput(file + ": empty file: no instructions");
        }
        try {
            return LoadedProgram.of(file, Instructions.decode(content));
        } catch (InvalidInstructionException e) {
            if (InputFormat.looksLikeText(content)) {
                CliException inner = Errors.invalid(file, e);
                throw new CliException(inner.exitCode(), inner.getMessage()
                        + " (the file looks like text: name assembly files .s, or .data for conformance tests,"
                        + " or pass --dialect)", e);
            }
            throw e;
        }
    }

    /** Object files hold several programs and maps: the commands that take them read them through the loader. */
    private static LoadedProgram elf(String file, byte[] content) {
        throw CliException.badInput(file + ": an ELF object file: this command takes instructions or assembly;"
                + " bpf4j run, disasm, progs and maps take object files (or extract one section with"
                + " 'llvm-objcopy -O binary --only-section=SECTION " + file + " prog.bin')");
    }

    private static LoadedProgram conformanceTest(String file, byte[] content) {
        String name = Path.of("-".equals(file) ? "stdin" : file).getFileName().toString().replaceFirst("\\.data$", "");
        ConformanceTestFile test = ConformanceTestFile.parse(name, text(content));
        Instructions code = test.program();
        byte[] memory = test.memory();
        OptionalLong expected = test.expectedResult();
        return new LoadedProgram(file, code, Optional.of(memory), expected);
    }

    private static String text(byte[] content) {
        return new String(content, StandardCharsets.UTF_8);
    }
}
