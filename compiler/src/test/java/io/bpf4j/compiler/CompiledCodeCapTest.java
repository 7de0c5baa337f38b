package io.bpf4j.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.compiler.internal.BytecodeCompilerService;
import io.bpf4j.isa.Assembler;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramLoadException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code BpfRuntime.Builder.maxCompiledCodeBytes}: the compiled code a runtime's programs hold is
 * counted in generated class-file bytes, refused past the cap in COMPILED mode, left interpreted in
 * AUTO mode, and given back when programs are dropped and collected.
 */
class CompiledCodeCapTest {
    private static final Program SUM = Program.of("sum", Assembler.assemble("""
            r0 = 0
            r2 = 0
            loop:
            r0 += r2
            r2 += 1
            if r2 < 100 goto loop
            exit
            """));

    /** The size of the class {@code program} compiles to. */
    private static long classSize(Program program) {
        return BytecodeDump.classBytes(program, BpfRuntime.builder()).length;
    }

    /** Loads {@code program} into {@code runtime}, adding the size of each class compiled meanwhile to {@code sizes}. */
    private static Executable load(BpfRuntime runtime, Program program, List<Integer> sizes) {
        Executable[] exe = new Executable[1];
        BytecodeCompilerService.capture(c -> sizes.add(c.classFile().length), () -> exe[0] = runtime.load(program));
        return exe[0];
    }

    private static void collectUntil(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
    }

    @Test
    void compiledCodeIsCountedInClassFileBytesAndOnlyWhenCompiled() {
        BpfRuntime compiled = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).build();
        List<Integer> sizes = new ArrayList<>();
        Executable a = load(compiled, SUM, sizes);
        Executable b = load(compiled, Program.of("two", Assembler.assemble("r0 = 2\nexit")), sizes);
        assertThat(sizes).hasSize(2).allMatch(size -> size > 0);
        assertThat(compiled.compiledCodeBytes()).isEqualTo(sizes.get(0) + sizes.get(1));
        assertThat(a.run(new byte[0]) + b.run(new byte[0])).isEqualTo(4952);

        BpfRuntime interpreted = BpfRuntime.builder().executionMode(ExecutionMode.INTERPRETER).build();
        interpreted.load(SUM).run(new byte[0]);
        assertThat(interpreted.compiledCodeBytes()).isZero();
    }

    @Test
    void compiledModeRefusesToLoadPastTheCapAndLoadsAgainOnceProgramsAreDropped() throws InterruptedException {
        long size = classSize(SUM);
        BpfRuntime runtime = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED)
                .maxCompiledCodeBytes(2 * size + size / 2).build();
        List<Executable> held = new ArrayList<>();
        held.add(runtime.load(SUM));
        held.add(runtime.load(SUM));
        assertThat(runtime.compiledCodeBytes()).isEqualTo(2 * size);
        assertThatThrownBy(() -> runtime.load(SUM))
                .isInstanceOf(ProgramLoadException.class)
                .hasMessageContaining("cannot compile program 'sum': its class of " + size + " bytes")
                .hasMessageContaining("over its limit of " + (2 * size + size / 2))
                .hasMessageContaining("BpfRuntime.Builder.maxCompiledCodeBytes");
        assertThat(runtime.compiledCodeBytes()).as("a refused class takes nothing").isEqualTo(2 * size);
        for (Executable exe : held) {
            assertThat(exe.run(new byte[0])).isEqualTo(4950);
        }

        held.clear();
        collectUntil(() -> runtime.compiledCodeBytes() == 0);
        assertThat(runtime.compiledCodeBytes()).as("released once the dropped programs' classes are collected").isZero();
        Executable again = runtime.load(SUM);
        assertThat(again.isCompiled()).isTrue();
        assertThat(again.run(new byte[0])).isEqualTo(4950);
    }

    @Test
    void theCapIsPerRuntime() {
        long size = classSize(SUM);
        BpfRuntime small = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).maxCompiledCodeBytes(size).build();
        BpfRuntime other = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).maxCompiledCodeBytes(size).build();
        Executable first = small.load(SUM);
        assertThatThrownBy(() -> small.load(SUM)).isInstanceOf(ProgramLoadException.class);
        Executable second = other.load(SUM);
        assertThat(first.run(new byte[0]) + second.run(new byte[0])).isEqualTo(9900);
    }

    @Test
    void autoModeKeepsInterpretingPastTheCapAndSaysWhy() throws InterruptedException {
        long size = classSize(SUM);
        BpfRuntime runtime = BpfRuntime.builder().executionMode(ExecutionMode.AUTO).compileThreshold(1)
                .maxCompiledCodeBytes(size).build();
        Executable first = runtime.load(SUM);
        Executable second = runtime.load(SUM);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!first.isCompiled() && System.nanoTime() < deadline) {
            assertThat(first.run(new byte[0])).isEqualTo(4950);
            Thread.sleep(5);
        }
        assertThat(first.isCompiled()).as("the first program fits the cap").isTrue();
        assertThat(first.compilationFailure()).isEmpty();

        while (second.compilationFailure().isEmpty() && System.nanoTime() < deadline) {
            assertThat(second.run(new byte[0])).isEqualTo(4950);
            Thread.sleep(5);
        }
        assertThat(second.compilationFailure()).hasValueSatisfying(reason -> assertThat(reason)
                .contains("cannot compile program 'sum'").contains("BpfRuntime.Builder.maxCompiledCodeBytes"));
        assertThat(second.isCompiled()).isFalse();
        assertThat(second.run(new byte[0])).as("still runs, interpreted").isEqualTo(4950);
        assertThat(runtime.compiledCodeBytes()).isEqualTo(size);
    }

    @Test
    void theCapMustBePositive() {
        assertThatThrownBy(() -> BpfRuntime.builder().maxCompiledCodeBytes(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 byte");
    }
}
