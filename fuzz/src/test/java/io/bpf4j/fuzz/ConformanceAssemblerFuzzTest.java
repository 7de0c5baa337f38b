package io.bpf4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bpf4j.isa.AssemblyException;
import io.bpf4j.isa.ConformanceAssembler;
import io.bpf4j.isa.Instructions;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The conformance-suite dialect ({@code mov %r0, 1}) on arbitrary text: a program or an {@link AssemblyException}. */
class ConformanceAssemblerFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void assemble(byte[] input) {
        String source = new String(input, StandardCharsets.UTF_8);
        try {
            Instructions code = ConformanceAssembler.assemble(source);
            assertThat(code.size()).isPositive();
        } catch (AssemblyException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Test
    void seededMutations() {
        SeededFuzzing.run("conformance-assemble", Seeds.conformanceSources(), SeededFuzzing.RUNS, this::assemble);
    }
}
