package io.bpf4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bpf4j.isa.Assembler;
import io.bpf4j.isa.AssemblyException;
import io.bpf4j.isa.Disassembler;
import io.bpf4j.isa.Instructions;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The llvm-objdump/llvm-mc dialect assembler on arbitrary text: an {@link AssemblyException}
 * with a line and column, or a well-formed program whose listing assembles to the same code.
 */
class AssemblerFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void assemble(byte[] input) {
        String source = new String(input, StandardCharsets.UTF_8);
        Instructions code;
        try {
            code = Assembler.assemble(source);
        } catch (AssemblyException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        String listing = Disassembler.listing(code);
        assertThat(Assembler.assemble(listing)).as(listing).isEqualTo(code);
    }

    @Test
    void seededMutations() {
        SeededFuzzing.run("assemble", Seeds.listings(), SeededFuzzing.RUNS, this::assemble);
    }
}
