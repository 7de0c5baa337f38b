package io.bpf4j.cli;

import io.bpf4j.isa.Disassembler;

import io.bpf4j.isa.AssemblyException;
import io.bpf4j.isa.Instructions;
import io.bpf4j.isa.InvalidInstructionException;
import io.bpf4j.runtime.ProgramLoadException;
import io.bpf4j.runtime.ProgramFault;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** Turns the library's exceptions into one-line {@link CliException}s that name the input. */
final class Errors {
    private Errors() {}

    /** An assembly error as {@code file:line:column: reason}. */
    static CliException assembly(String file, AssemblyException e) {
        String reason = e.reason();
        String name = file != null ? file : "<input>";
        return new CliException(ExitCodes.BAD_INPUT, name + ":" + e.line() + ":" + e.column() + ": " + reason, e);
    }

    /** A malformed instruction as {@code file: instruction N: reason}. */
    static CliException invalid(String file, InvalidInstructionException e) {
        String reason = e.reason();
        String where = e.index() >= 0 ? "instruction " + e.index() + ": " : "";
        return new CliException(ExitCodes.BAD_INPUT, prefix(file) + where + reason, e);
    }

    /**
     * A run-time fault as {@code file: instruction N (disassembly): reason}; the disassembly is
     * left out when {@code code} is null or the index is out of range.
     */
    static CliException fault(String file, ProgramFault e, Instructions code) {
        String reason = e.reason();
        String text = "";
        if (code != null && e.pc() >= 0 && e.pc() < code.size()) {
            try {
                text = " (" + Disassembler.format(code, e.pc()) + ")";
            } catch (RuntimeException ignored) {
                // the message is still useful without the disassembly
            }
        }
        return new CliException(ExitCodes.PROGRAM_FAULT, prefix(file) + "instruction " + e.pc() + text + ": " + reason, e);
    }

    /** Any exception met while handling {@code file} (null: none in particular), as the matching one-line error. */
    static CliException about(String file, Throwable e, Instructions code) {
        return switch (e) {
            case CliException c -> c;
            case AssemblyException a -> assembly(file, a);
            case InvalidInstructionException i -> invalid(file, i);
            case ProgramFault f -> fault(file, f, code);
            case ProgramLoadException l -> new CliException(ExitCodes.BAD_INPUT, prefix(file) + l.getMessage(), l);
            case IOException io -> io(file, io);
            case java.io.UncheckedIOException u -> io(file, u.getCause());
            default -> new CliException(ExitCodes.INTERNAL_ERROR,
                    prefix(file) + "internal error: " + e + " (rerun with --debug for the stack trace and report it)", e);
        };
    }

    /** A failure to read or write {@code file}. */
    static CliException io(String file, IOException e) {
        String reason = switch (e) {
            case NoSuchFileException n -> "no such file";
            case AccessDeniedException a -> "permission denied";
            default -> e.getMessage() != null ? e.getMessage() : e.toString();
        };
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null
                && !(e instanceof NoSuchFileException) && !(e instanceof AccessDeniedException)) {
            reason = fs.getReason();
        }
        return new CliException(ExitCodes.BAD_INPUT, prefix(file) + reason, e);
    }

    /** {@code "file: "}, or nothing when there is no file to name. */
    private static String prefix(String file) {
        return file == null ? "" : file + ": ";
    }
}
