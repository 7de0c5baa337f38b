package io.bpf4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.testkit.ConformanceCorpus;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every program of the shared bpf_conformance suite (../shared/conformance) in the
 * interpreter, from the bytes its reference assembler produced, and checks r0. Skipped with a
 * message when ../shared is absent.
 */
class ConformanceSuiteTest {
    private static final BpfRuntime RUNTIME = BpfRuntime.builder().instructionBudget(10_000_000).build();

    @TestFactory
    Stream<DynamicTest> everyConformanceProgram() {
        return ConformanceCorpus.load().stream().map(entry -> DynamicTest.dynamicTest(entry.name(), () -> {
            Executable exe = RUNTIME.load(Program.fromBytes(entry.name(), entry.program()));
            long r0 = exe.run(entry.memory().clone());
            assertThat(Long.toHexString(r0)).as(entry.file()).isEqualTo(Long.toHexString(entry.expected()));
        }));
    }

    @Test
    void theWholeSuiteIsThere() {
        List<ConformanceCorpus.Entry> corpus = ConformanceCorpus.load();
        assertThat(corpus).hasSize(313);
        assertThat(corpus).noneMatch(e -> !e.error().isEmpty()); // no test expects an error today
    }
}
