package io.bpf4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bpf4j.isa.Instructions;
import io.bpf4j.isa.InvalidInstructionException;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.verifier.VerificationRequest;
import io.bpf4j.verifier.VerificationResult;
import io.bpf4j.verifier.Verifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The verifier on arbitrary well-formed instructions, for several program types, privileged and
 * not: it must only ever accept or reject, with no exception of any other kind, and a rejection
 * carries a reason.
 */
class VerifierFuzzTest {
    private static final ProgramType[] TYPES = {ProgramType.XDP, ProgramType.SOCKET_FILTER, ProgramType.KPROBE};

    @FuzzTest(maxDuration = "10m")
    void verify(byte[] bytes) {
        if (bytes.length < 2) {
            return;
        }
        ProgramType type = TYPES[(bytes[0] & 0xff) % TYPES.length];
        boolean privileged = (bytes[0] & 0x80) == 0;
        byte[] code = java.util.Arrays.copyOfRange(bytes, 1, 1 + (bytes.length - 1) / 8 * 8);
        Instructions program;
        try {
            program = Instructions.decode(code);
        } catch (InvalidInstructionException e) {
            return;
        }
        VerificationRequest request = VerificationRequest.of(program, type)
                .withMaps(List.of(LinuxDifferential.MAP)).withPrivileged(privileged);
        if ((bytes[0] & 0x40) != 0) {
            request = request.withStateMemoryLimit(16 << 10); // a few states: the forgetting paths get fuzzed too
        }
        VerificationResult r = Verifier.verify(request);
        if (!r.accepted()) {
            assertThat(r.rejection().format()).isNotBlank();
        }
    }

    @Test
    void seededMutations() {
        List<byte[]> seeds = new ArrayList<>(SeededFuzzing.regressionInputs(VerifierFuzzTest.class, "verify"));
        for (byte[] p : Seeds.programs()) {
            byte[] s = new byte[p.length + 1];
            System.arraycopy(p, 0, s, 1, p.length);
            seeds.add(s);
        }
        for (long seed = 0; seed < 50; seed++) {
            byte[] p = LinuxProgramGenerator.generate(Choices.random(seed)).toBytes();
            byte[] s = new byte[p.length + 1];
            System.arraycopy(p, 0, s, 1, p.length);
            seeds.add(s);
        }
        SeededFuzzing.run("verifier", seeds, SeededFuzzing.RUNS, this::verify);
    }
}
