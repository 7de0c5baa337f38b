package io.bpf4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Assembler;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Without the compiler module (as in the runtime's own tests), AUTO interprets and COMPILED
 * refuses to load with a message saying what is missing.
 */
class ExecutionModeFallbackTest {
    private static final Program PROGRAM = Program.of("seven", Assembler.assemble("r0 = 7\nexit"));

    @BeforeEach
    void withoutTheCompiler() {
        Assumptions.assumeFalse(BpfRuntime.compilerAvailable(), "the compiler module is present");
    }

    @Test
    void autoFallsBackToTheInterpreter() {
        Executable exe = BpfRuntime.builder().executionMode(ExecutionMode.AUTO).compileThreshold(1).build().load(PROGRAM);
        for (int i = 0; i < 10; i++) {
            assertThat(exe.run(new byte[0])).isEqualTo(7);
        }
        assertThat(exe.isCompiled()).isFalse();
    }

    @Test
    void compiledModeFailsAtLoadSayingWhatIsMissing() {
        BpfRuntime runtime = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).build();
        assertThatThrownBy(() -> runtime.load(PROGRAM))
                .isInstanceOf(ProgramLoadException.class)
                .hasMessageContaining("bpf4j-compiler");
    }

    @Test
    void theModeDefaultsToAuto() {
        Assumptions.assumeTrue(System.getProperty(ExecutionMode.PROPERTY) == null);
        assertThat(BpfRuntime.builder().build().executionMode()).isEqualTo(ExecutionMode.AUTO);
    }
}
