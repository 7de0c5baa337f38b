package io.bpf4j.cli;

import io.bpf4j.capture.CaptureFormatException;
import io.bpf4j.classic.ClassicCheckException;
import io.bpf4j.classic.ClassicFormatException;
import io.bpf4j.classic.ClassicProgram;
import io.bpf4j.classic.ClassicReader;
import io.bpf4j.classic.FilterCompileException;
import java.io.IOException;
import java.nio.file.Path;

/** The classic commands' inputs and their errors, as one-line {@link CliException}s naming the file. */
final class ClassicErrors {
    private ClassicErrors() {}

    /** Reads a classic program in any format, or fails with {@code file:line:column: reason}. */
    static ClassicProgram readProgram(String file) {
        try {
            return ClassicReader.read(Path.of(file));
        } catch (ClassicFormatException e) {
            String where = e.line() > 0 ? e.line() + ":" + e.column() + ": " : "";
            throw new CliException(ExitCodes.BAD_INPUT, file + ": " + where + e.reason(), e);
        } catch (java.io.UncheckedIOException e) {
            throw Errors.io(file, e.getCause());
        }
    }

    /** The one-line error for a classic program or capture problem met while handling {@code file}. */
    static CliException about(String file, Exception e) {
        String prefix = file == null ? "" : file + ": ";
        return switch (e) {
            case CliException c -> c;
            case ClassicCheckException c -> new CliException(ExitCodes.BAD_INPUT, prefix + c.getMessage()
                    + " (Linux would refuse this filter)", c);
            case FilterCompileException f -> new CliException(ExitCodes.BAD_INPUT, "filter expression: " + f.getMessage(), f);
            case CaptureFormatException c -> new CliException(ExitCodes.BAD_INPUT, prefix + c.getMessage(), c);
            case IOException io -> Errors.io(file, io);
            default -> Errors.about(file, e, null);
        };
    }
}
