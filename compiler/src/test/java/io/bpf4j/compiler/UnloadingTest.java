package io.bpf4j.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.compiler.internal.BytecodeCompilerService;
import io.bpf4j.isa.Assembler;
import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.Program;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Compiled programs do not leak: once a program is dropped, its hidden class is collected (and
 * so unloaded). Checked through weak references to the generated classes, not timing or heap size.
 */
class UnloadingTest {
    private static final Instructions CODE = Assembler.assemble("""
            r0 = r2
            r0 += 7
            exit
            """);

    @Test
    void droppedProgramsAndTheirClassesAreCollected() throws InterruptedException {
        BpfRuntime runtime = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).build();
        int programs = 5_000;
        List<WeakReference<Class<?>>> classes = new ArrayList<>();
        for (int i = 0; i < programs; i++) {
            Program program = Program.of("p" + i, CODE);
            Executable[] exe = new Executable[1];
            BytecodeCompilerService.capture(c -> classes.add(new WeakReference<>(c.definedClass())),
                    () -> exe[0] = runtime.load(program));
            assertThat(exe[0].run(new byte[3])).isEqualTo(10);
        }
        assertThat(classes).hasSize(programs);
        for (int attempt = 0; attempt < 100 && classes.stream().anyMatch(r -> r.get() != null); attempt++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(classes.stream().filter(r -> r.get() != null).count()).as("classes still loaded").isZero();
    }

    @Test
    void aProgramInUseKeepsItsClass() throws InterruptedException {
        BpfRuntime runtime = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).build();
        List<WeakReference<Class<?>>> classes = new ArrayList<>();
        Executable[] exe = new Executable[1];
        BytecodeCompilerService.capture(c -> classes.add(new WeakReference<>(c.definedClass())),
                () -> exe[0] = runtime.load(Program.of("kept", CODE)));
        for (int attempt = 0; attempt < 5; attempt++) {
            System.gc();
            Thread.sleep(10);
        }
        assertThat(classes.getFirst().get()).isNotNull();
        assertThat(exe[0].run(new byte[1])).isEqualTo(8);
    }
}
