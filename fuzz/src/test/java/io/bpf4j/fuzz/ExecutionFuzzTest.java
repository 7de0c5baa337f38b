package io.bpf4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bpf4j.isa.Instructions;
import io.bpf4j.isa.InvalidInstructionException;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramFault;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.maps.Maps;
import io.bpf4j.runtime.types.XdpPacket;
import io.bpf4j.verifier.VerificationRequest;
import io.bpf4j.verifier.Verifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Programs the verifier accepts, run interpreted and compiled: no {@link ProgramFault} at all (a
 * verified program has no memory-check failure, and with forward-only jumps no budget overrun),
 * and the same return value, packet and map contents in both modes, and compiled with the checks
 * the verifier proved redundant left out. Two sources of programs:
 * {@link LinuxProgramGenerator} driven by the fuzzer's bytes (always valid), and raw instruction
 * bytes (mostly rejected; whatever is accepted must run cleanly too).
 */
class ExecutionFuzzTest {
    private static final BpfRuntime INTERPRETED = deterministic(ExecutionMode.INTERPRETER);
    private static final BpfRuntime COMPILED = deterministic(ExecutionMode.COMPILED);

    /**
     * Clocks and random numbers replaced by constants: two runs of a program that reads the time
     * differ in either mode (the first finding of the raw target was exactly that, not a defect).
     */
    private static BpfRuntime deterministic(ExecutionMode mode) {
        BpfRuntime.Builder b = BpfRuntime.builder().executionMode(mode).instructionBudget(1_000_000);
        int[] ids = {5, 7, 125, 160, 208}; // ktime_get_ns, get_prandom_u32, ktime_get_boot_ns, ktime_get_coarse_ns, ktime_get_tai_ns
        for (int id : ids) {
            b.helper(id, "constant_" + id, (r1, r2, r3, r4, r5, ctx) -> 0x1234_5678L + id);
        }
        return b.build();
    }

    @FuzzTest(maxDuration = "10m")
    void generated(FuzzedDataProvider data) {
        byte[] packet = data.consumeBytes(LinuxProgramGenerator.PACKET_SIZE);
        packet = java.util.Arrays.copyOf(packet, LinuxProgramGenerator.PACKET_SIZE);
        Instructions code = LinuxProgramGenerator.generate(Choices.fuzzed(data));
        runBoth(code, packet, true);
    }

    @FuzzTest(maxDuration = "10m")
    void raw(byte[] bytes) {
        Instructions code;
        try {
            code = Instructions.decode(java.util.Arrays.copyOf(bytes, bytes.length / 8 * 8));
        } catch (InvalidInstructionException e) {
            return;
        }
        runBoth(code, new byte[LinuxProgramGenerator.PACKET_SIZE], false);
    }

    private static void runBoth(Instructions code, byte[] packet, boolean mustVerify) {
        // verified against the helpers the runtime has, as the object loader verifies
        var verdict = Verifier.verify(VerificationRequest.of(code, ProgramType.XDP).withMaps(List.of(LinuxDifferential.MAP))
                .withHelpers(id -> INTERPRETED.helpers().find(id).map(io.bpf4j.runtime.Helper::prototype)));
        if (!verdict.accepted()) {
            assertThat(mustVerify).as(() -> "generated program rejected: " + verdict.rejection().format()).isFalse();
            return;
        }
        // Loaded as verified (facts given, if only an empty set): a helper the runtime lacks may then
        // be called in code the verifier found unreachable, which Linux accepts too.
        java.util.BitSet noneProven = new java.util.BitSet();
        LinuxDifferential.Outcome a = LinuxDifferential.runBpf4j(INTERPRETED, code, packet, noneProven);
        LinuxDifferential.Outcome b = LinuxDifferential.runBpf4j(COMPILED, code, packet, noneProven);
        assertThat(b).isEqualTo(a);
        // Compiled again with the checks of the accesses the verifier proved safe left out: same outcome.
        LinuxDifferential.Outcome c = LinuxDifferential.runBpf4j(COMPILED, code, packet,
                verdict.facts().orElseThrow().provenSafeAccesses());
        assertThat(c).isEqualTo(a);
    }

    @Test
    void seededGeneratedPrograms() {
        for (long seed = 0; seed < SeededFuzzing.RUNS / 4; seed++) {
            byte[] packet = new byte[LinuxProgramGenerator.PACKET_SIZE];
            new SplittableRandom(seed).nextBytes(packet);
            runBoth(LinuxProgramGenerator.generate(Choices.random(seed)), packet, true);
        }
    }

    @Test
    void seededRawPrograms() {
        List<byte[]> seeds = new ArrayList<>(SeededFuzzing.regressionInputs(ExecutionFuzzTest.class, "raw"));
        seeds.addAll(Seeds.programs());
        for (long seed = 0; seed < 20; seed++) {
            seeds.add(LinuxProgramGenerator.generate(Choices.random(seed)).toBytes());
        }
        SeededFuzzing.run("execution-raw", seeds, SeededFuzzing.RUNS, this::raw);
    }
}
