package io.bpf4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.isa.AssemblyException;
import io.bpf4j.isa.InvalidInstructionException;
import io.bpf4j.runtime.ProgramLoadException;
import io.bpf4j.runtime.BudgetExhaustedFault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/** Every kind of failure maps to one line and its documented exit code. */
class ErrorsTest {
    @Test
    void assemblyErrorsNameFileLineAndColumn() {
        CliException e = Errors.about("p.s", new AssemblyException(3, 7, "unknown mnemonic 'frob'"), null);
        assertThat(e.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(e.getMessage()).isEqualTo("p.s:3:7: unknown mnemonic 'frob'");
    }

    @Test
    void invalidInstructions() {
        assertThat(Errors.about("p.bin", new InvalidInstructionException(4, "unknown opcode 0xff"), null).getMessage())
                .isEqualTo("p.bin: instruction 4: unknown opcode 0xff");
        CliException whole = Errors.about("p.bin", new InvalidInstructionException(-1, "too large"), null);
        assertThat(whole.getMessage()).isEqualTo("p.bin: too large");
        assertThat(whole.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    }

    @Test
    void faultsAndLoadErrors() {
        CliException fault = Errors.about("p.s", new BudgetExhaustedFault(2, 10), null);
        assertThat(fault.exitCode()).isEqualTo(ExitCodes.PROGRAM_FAULT);
        assertThat(fault.getMessage()).startsWith("p.s: instruction 2: instruction budget of 10 exhausted");

        CliException load = Errors.about("p.s", new ProgramLoadException(0, "calls unknown helper id 9"), null);
        assertThat(load.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(load.getMessage()).isEqualTo("p.s: instruction 0: calls unknown helper id 9");
    }

    @Test
    void inputOutput() {
        assertThat(Errors.about("f", new NoSuchFileException("f"), null).getMessage()).isEqualTo("f: no such file");
        assertThat(Errors.about("f", new AccessDeniedException("f"), null).getMessage()).isEqualTo("f: permission denied");
        CliException wrapped = Errors.about("f", new UncheckedIOException(new IOException("disk on fire")), null);
        assertThat(wrapped.getMessage()).isEqualTo("f: disk on fire");
        assertThat(wrapped.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    }

    @Test
    void anythingElseIsAnInternalError() {
        CliException e = Errors.about("f", new IllegalStateException("oops"), null);
        assertThat(e.exitCode()).isEqualTo(ExitCodes.INTERNAL_ERROR);
        assertThat(e.getMessage()).contains("internal error").contains("oops").contains("--debug");
        assertThat(Errors.about(null, new IllegalStateException("oops"), null).getMessage()).startsWith("internal error");
    }

    @Test
    void hexParsing() {
        assertThat(Hex.parse("00  01  ff  ")).containsExactly(0, 1, 0xff);
        assertThat(Hex.parse("0001ff")).containsExactly(0, 1, 0xff);
        assertThat(Hex.parse("0x01,0x02:3")).containsExactly(1, 2, 3);
        assertThat(Hex.parse("  \n")).isEmpty();
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> Hex.parse("0g"));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> Hex.parse("123"));
    }
}
