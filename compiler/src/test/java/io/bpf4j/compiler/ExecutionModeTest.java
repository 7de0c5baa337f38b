package io.bpf4j.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.isa.Assembler;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.Program;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The three execution modes with the compiler present. */
class ExecutionModeTest {
    private static final Program SUM = Program.of("sum", Assembler.assemble("""
            r0 = 0
            r2 = 0
            loop:
            r0 += r2
            r2 += 1
            if r2 < 100 goto loop
            exit
            """));

    @Test
    void theCompilerIsFoundThroughTheServiceLoader() {
        assertThat(BpfRuntime.compilerAvailable()).isTrue();
    }

    @Test
    void interpreterModeNeverCompiles() {
        Executable exe = BpfRuntime.builder().executionMode(ExecutionMode.INTERPRETER).compileThreshold(1).build().load(SUM);
        for (int i = 0; i < 50; i++) {
            assertThat(exe.run(new byte[0])).isEqualTo(4950);
        }
        assertThat(exe.isCompiled()).isFalse();
    }

    @Test
    void compiledModeCompilesAtLoad() {
        Executable exe = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).build().load(SUM);
        assertThat(exe.isCompiled()).isTrue();
        assertThat(exe.run(new byte[0])).isEqualTo(4950);
    }

    @Test
    void autoModeInterpretsFirstThenSwitchesToCompiledCodeInTheBackground() throws InterruptedException {
        BpfRuntime runtime = BpfRuntime.builder().executionMode(ExecutionMode.AUTO).compileThreshold(10).build();
        Executable exe = runtime.load(SUM);
        for (int i = 0; i < 9; i++) {
            assertThat(exe.run(new byte[0])).isEqualTo(4950);
        }
        assertThat(exe.isCompiled()).as("below the threshold").isFalse();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int runs = 9;
        while (!exe.isCompiled() && System.nanoTime() < deadline) {
            assertThat(exe.run(new byte[0])).isEqualTo(4950); // results never change across the switch
            runs++;
            if (runs > 20) {
                Thread.sleep(Duration.ofMillis(5));
            }
        }
        assertThat(exe.isCompiled()).as("compiled in the background after the threshold").isTrue();
        assertThat(exe.run(new byte[0])).isEqualTo(4950);
    }

    @Test
    void tracingRunsAreInterpretedEvenWhenCompiled() {
        Executable exe = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).build().load(SUM);
        int[] traced = new int[1];
        assertThat(exe.run(new byte[0], (pc, before, after) -> traced[0]++)).isEqualTo(4950);
        assertThat(traced[0]).isEqualTo(2 + 3 * 100 + 1);
    }
}
