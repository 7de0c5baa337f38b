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

    @Test
    void referenceToAMissingMapInDeadCodeIsRejectedAsLinuxDoes() {
        // r0 = 0; if r0 == 0 goto +2 (always); r1 = map[1715]; exit. Linux resolves every map fd at load.
        Instructions code = Instructions.decode(HexFormat.of().parseHex(
                "b700000000000000" + "1500020000000000" + "18110000b3060000" + "0000000000000000" + "9500000000000000"));
        VerificationResult r = Verifier.verify(VerificationRequest.of(code, ProgramType.XDP)
                .withMaps(java.util.List.of(io.bpf4j.runtime.maps.MapDefinition.of(io.bpf4j.runtime.maps.MapType.ARRAY, 4, 8, 1))));
        assertThat(r.accepted()).isFalse();
        assertThat(r.rejection().format()).contains("fd 1715 is not pointing to valid bpf_map");
    }

    @Test
    void thirtyTwoBitShiftByFortyIsNotAssumedZero() {
        // w1 = 1; w4 = 40; w1 <<= w4 (engines: 1 << (40 & 31) = 0x100); if w1 != 0x100 goto exit;
        // then a call with a scalar where a map is expected: only reachable if the shift is modelled right.
        Instructions code = Instructions.decode(HexFormat.of().parseHex(
                "b401000001000000" + "b404000028000000" + "6c41000000000000" + "5601060000010000"
                + "b402000001000000" + "b403000008000000" + "6c32000000000000" + "5602020000010000"
                + "8500000001000000" + "9500000000000000" + "b700000000000000" + "9500000000000000"));
        VerificationResult r = Verifier.verify(VerificationRequest.of(code, ProgramType.XDP));
        assertThat(r.accepted()).as("the call at 8 is reachable at run time").isFalse();
    }
}
