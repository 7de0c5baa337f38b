package io.bpf4j.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.compiler.internal.BytecodeCompilerService;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.Program;
import io.bpf4j.testkit.ConformanceCorpus;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every program of the shared bpf_conformance suite, compiled to bytecode: r0 must be the
 * suite's expected value, and the run must really have been compiled. (The runtime's own
 * conformance test runs here again too, in compiled mode, through the runtime's test jar.)
 */
class CompiledConformanceTest {
    private static final BpfRuntime COMPILED = BpfRuntime.builder()
            .executionMode(ExecutionMode.COMPILED).instructionBudget(10_000_000).build();
    private static final BpfRuntime COMPILED_UNBUDGETED = BpfRuntime.builder()
            .executionMode(ExecutionMode.COMPILED).build();

    @TestFactory
    Stream<DynamicTest> everyConformanceProgramCompiled() {
        return ConformanceCorpus.load().stream().flatMap(entry -> Stream.of(COMPILED, COMPILED_UNBUDGETED).map(runtime ->
                DynamicTest.dynamicTest(entry.name() + (runtime == COMPILED ? " (budget)" : ""), () -> {
                    Executable exe = runtime.load(Program.fromBytes(entry.name(), entry.program()));
                    assertThat(exe.isCompiled()).isTrue();
                    long r0 = exe.run(entry.memory().clone());
                    assertThat(Long.toHexString(r0)).as(entry.file()).isEqualTo(Long.toHexString(entry.expected()));
                })));
    }

    @TestFactory
    Stream<DynamicTest> everyConformanceProgramSplitIntoChunks() {
        return ConformanceCorpus.load().stream().map(entry -> DynamicTest.dynamicTest(entry.name() + " (split)", () -> {
            Executable[] exe = new Executable[1];
            BytecodeCompilerService.splittingEverything(60,
                    () -> exe[0] = COMPILED.load(Program.fromBytes(entry.name(), entry.program())));
            long r0 = exe[0].run(entry.memory().clone());
            assertThat(Long.toHexString(r0)).as(entry.file()).isEqualTo(Long.toHexString(entry.expected()));
        }));
    }

    /**
     * The unchecked access path the verifier's facts will enable: every load and store of the
     * suite's programs (none of which faults) compiled as proven safe.
     */
    @TestFactory
    Stream<DynamicTest> everyConformanceProgramWithAccessesProvenSafe() {
        return ConformanceCorpus.load().stream().map(entry -> DynamicTest.dynamicTest(entry.name() + " (proven safe)", () -> {
            Program program = Program.fromBytes(entry.name(), entry.program());
            java.util.BitSet all = new java.util.BitSet();
            all.set(0, program.code().size());
            Executable[] exe = new Executable[1];
            BytecodeCompilerService.assumingProvenSafe(all, () -> exe[0] = COMPILED.load(program));
            long r0 = exe[0].run(entry.memory().clone());
            assertThat(Long.toHexString(r0)).as(entry.file()).isEqualTo(Long.toHexString(entry.expected()));
        }));
    }
}
