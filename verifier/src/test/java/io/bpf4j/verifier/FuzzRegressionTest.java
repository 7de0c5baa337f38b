package io.bpf4j.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.ProgramType;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Inputs the fuzz module found that made the verifier throw instead of rejecting. */
class FuzzRegressionTest {
    @Test
    void programEndingInLddwIsRejectedNotThrown() {
        // r0 = 0x4001; r1 = lddw 0x1111111111111111; (no exit): the rejection points at the lddw's second slot
        Instructions code = Instructions.decode(HexFormat.of().parseHex(
                "b700000001400000" + "1801000011111111" + "0000000011111111"));
        VerificationResult r = Verifier.verify(VerificationRequest.of(code, ProgramType.XDP));
        assertThat(r.accepted()).isFalse();
        assertThat(r.rejection().format()).isNotBlank();
    }
}
