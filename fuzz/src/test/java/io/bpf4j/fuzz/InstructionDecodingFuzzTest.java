package io.bpf4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bpf4j.isa.Disassembler;
import io.bpf4j.isa.Instructions;
import io.bpf4j.isa.InvalidInstructionException;
import org.junit.jupiter.api.Test;

/**
 * Instruction decoding of arbitrary bytes: either a specific {@link InvalidInstructionException}
 * or instructions that encode back to the same bytes and disassemble without error.
 */
class InstructionDecodingFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void decode(byte[] bytes) {
        Instructions code;
        try {
            code = Instructions.decode(bytes);
        } catch (InvalidInstructionException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(code.toBytes()).isEqualTo(bytes);
        Disassembler.listing(code);
    }

    @Test
    void seededMutations() {
        SeededFuzzing.run("decode", Seeds.programs(), SeededFuzzing.RUNS, this::decode);
    }
}
