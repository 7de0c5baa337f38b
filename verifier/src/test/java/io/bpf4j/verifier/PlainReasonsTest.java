package io.bpf4j.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.isa.Assembler;
import io.bpf4j.runtime.ProgramType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The plain sentence that follows the Linux wording of a rejection. */
class PlainReasonsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "R2 !read_ok|Register r2 is read before anything was written to it on this path.",
        "R0 !read_ok|The program exits without setting r0, its return value.",
        "R1 invalid mem access 'map_value_or_null'|R1 may be NULL here (a lookup can fail): compare it with 0 before using it.",
        "R3 invalid mem access 'scalar'|R3 holds a number, not a pointer, so it cannot be dereferenced here.",
        "back-edge from insn 7 to 2|The jump at 7 goes backwards to 2: loops are not allowed in strict mode.",
    })
    void explainsLinuxMessages(String reason, String plain) {
        assertThat(PlainReasons.explain(reason)).contains(plain);
    }

    @Test
    void unknownMessagesHaveNoExplanation() {
        assertThat(PlainReasons.explain("something the table does not know")).isEmpty();
    }

    @Test
    void theLogOfARejectedProgramSaysWhyInPlainWords() {
        VerificationResult result = Verifier.verify(VerificationRequest.of(Assembler.assemble("""
                r0 = *(u8 *)(r2 + 0)
                exit"""), ProgramType.XDP));
        assertThat(result.accepted()).isFalse();
        assertThat(result.rejection().format()).contains("rejected: R2 !read_ok (instruction 0)\n"
                + "why: Register r2 is read before anything was written to it on this path.\n");
    }
}
