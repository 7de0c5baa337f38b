package io.bpf4j.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Assembler;
import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.testkit.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The memory verification may take: a loop that never repeats a state must not make the
 * verifier remember one state per iteration (Linux remembers one per 20 jumps or 100
 * instructions inside a loop), and the states it remembers stay under
 * {@link VerificationRequest#stateMemoryLimit()}: past it the oldest are forgotten, which may
 * cost pruning but must never make an unsafe program pass.
 */
class StateMemoryLimitTest {
    /** Found by Jazzer: the number changes every iteration, so no state ever repeats (kprobe, privileged). */
    private static final Instructions CHANGING_LOOP = Assembler.assemble("""
            r0 = 0x3f5480a7
            loop:
            w0 *= 0x9411
            goto loop""");

    @Test
    void aLoopThatNeverRepeatsRemembersAStatePerTwentyJumpsNotPerIteration() {
        VerificationResult r = Verifier.verify(VerificationRequest.of(CHANGING_LOOP, ProgramType.KPROBE));
        assertThat(r.accepted()).isFalse();
        assertThat(r.rejection().reason()).startsWith("BPF program is too large");
        // Two instructions and one jump per iteration: one state per 20 iterations, 25,000 at 1M steps
        // (one per 4 iterations, 125,000, before this rule).
        assertThat(r.stats().totalStates()).as(r.stats().summary()).isLessThanOrEqualTo(25_001);
        assertThat(r.stats().evictedStates()).isZero();
    }

    @Test
    void rememberedStatesStayUnderTheLimitAndTheVerdictHolds() {
        long limit = 256 << 10;
        VerificationResult r = Verifier.verify(VerificationRequest.of(CHANGING_LOOP, ProgramType.KPROBE)
                .withStateMemoryLimit(limit));
        assertThat(r.accepted()).isFalse();
        assertThat(r.rejection().reason()).startsWith("BPF program is too large");
        assertThat(r.stats().evictedStates()).as(r.stats().summary()).isPositive();
        // The newest state is always kept, so the peak may pass the limit by one state (a few KB).
        assertThat(r.stats().peakStateBytes()).isLessThan(limit + (16 << 10));
        assertThat(r.stats().summary()).contains("evicted_states");
    }

    /**
     * Branches waiting to be explored count too: six nested calls with spilled stacks, then
     * thousands of branches on an unknown value, each leaving a copy of all seven frames behind
     * (hundreds of megabytes at Linux's 8,192 pending branches).
     */
    @Test
    void branchesWaitingToBeExploredCountAgainstTheLimit() {
        StringBuilder asm = new StringBuilder("r6 = *(u32 *)(r1 + 0)\nr1 = r6\ncall f1\nr0 = 0\nexit\n");
        for (int depth = 1; depth <= 6; depth++) {
            asm.append("f").append(depth).append(":\nr6 = r1\n");
            for (int slot = 1; slot <= 8; slot++) {
                asm.append("*(u64 *)(r10 - ").append(8 * slot).append(") = r6\n");
            }
            asm.append("r1 = r6\ncall ").append(depth < 6 ? "f" + (depth + 1) : "leaf").append("\nr0 = 0\nexit\n");
        }
        asm.append("leaf:\n");
        for (int i = 0; i < 3000; i++) {
            asm.append("if r1 == ").append(i).append(" goto +0\n");
        }
        asm.append("r0 = 0\nexit\n");
        Instructions program = Assembler.assemble(asm.toString());
        VerificationResult r = Verifier.verify(VerificationRequest.of(program, ProgramType.KPROBE)
                .withStateMemoryLimit(4 << 20));
        assertThat(r.accepted()).isFalse();
        assertThat(r.rejection().reason()).as(r.stats().summary())
                .startsWith("verification needs more than its memory limit of 4194304 bytes for the ");
        assertThat(r.stats().peakStateBytes()).isLessThanOrEqualTo(4 << 20);
    }

    @Test
    void defaultLimitIsAQuarterOfTheHeapAtMost512MiB() {
        long expected = Math.max(1 << 20, Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 4));
        assertThat(VerificationRequest.of(CHANGING_LOOP, ProgramType.KPROBE).stateMemoryLimit()).isEqualTo(expected);
        assertThatThrownBy(() -> VerificationRequest.of(CHANGING_LOOP, ProgramType.KPROBE).withStateMemoryLimit(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Forgetting states is sound: under a limit of a few states, no program of the corpus or of
     * the shared cases that Linux rejects is accepted, and what is accepted under the default limit
     * is accepted, or at worst rejected for the work it now takes.
     */
    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(longs = {6 << 10, 12 << 10})
    void underATinyLimitVerdictsStaySound(long tiny) throws IOException {
        List<String> unsound = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> outOfResources = new ArrayList<>();
        int evicting = 0;
        for (CorpusAgreementTest.Entry e : CorpusAgreementTest.load()) {
            VerificationRequest request = CorpusPrograms.request(e.asm(), e.type(), e.maps(), e.license());
            VerificationResult normal = Verifier.verify(request);
            VerificationResult small = Verifier.verify(request.withStateMemoryLimit(tiny));
            evicting += small.stats().evictedStates() > 0 ? 1 : 0;
            compare(e.name(), e.linuxAccepts(), normal, small, unsound, changed, outOfResources);
        }
        Path file = SharedData.require("verifier cases").resolve("verifier-cases/cases.json");
        if (Files.isRegularFile(file)) {
            for (VerifierCases.Case c : VerifierCases.load(file)) {
                if (c.request() != null) {
                    VerificationResult normal = Verifier.verify(c.request());
                    VerificationResult small = Verifier.verify(c.request().withStateMemoryLimit(tiny));
                    evicting += small.stats().evictedStates() > 0 ? 1 : 0;
                    compare(c.name(), c.linuxPrivileged(), normal, small, unsound, changed, outOfResources);
                }
            }
        }
        System.out.printf("under a %d-byte state limit: %d programs forgot states, %d ran out of memory or work%n",
                tiny, evicting, outOfResources.size());
        assertThat(evicting).as("programs whose states were forgotten under the tiny limit").isGreaterThan(30);
        assertThat(unsound).as("accepted under the tiny limit though Linux rejects").isEmpty();
        assertThat(changed).as("verdicts that changed other than by running out of work").isEmpty();
    }

    /**
     * Precision backtracking has a work budget; past it every decision marks all scalars of the
     * path's remembered states precise. With a budget of 0 (always that fallback), the programs
     * whose paths must stay apart (PruningTest) still stay apart: each fails if the fallback
     * marked nothing.
     */
    @Test
    void backtrackingPastItsBudgetStaysSound() {
        String old = System.getProperty("bpf4j.verifier.backtrackBudget");
        System.setProperty("bpf4j.verifier.backtrackBudget", "0");
        try {
            PruningTest pruning = new PruningTest();
            pruning.aScalarLaterUsedAsAnOffsetKeepsItsPathsApart();
            pruning.aSpilledScalarLaterUsedAsAnOffsetKeepsItsPathsApart();
            pruning.aStackSlotReadLaterKeepsItsPathsApart();
            pruning.aValueCopiedThroughASubprogramKeepsItsPathsApart();
            pruning.scalarsNarrowedTogetherStayLinkedWhenCompared();
        } finally {
            if (old == null) {
                System.clearProperty("bpf4j.verifier.backtrackBudget");
            } else {
                System.setProperty("bpf4j.verifier.backtrackBudget", old);
            }
        }
    }

    /**
     * Found by Jazzer (round 4): with every state forgotten under a 16 KiB limit, each branch
     * walked the whole history back; without the backtracking budget this ran for minutes.
     */
    @Test
    void theFuzzFoundBacktrackingHangEndsAtTheWorkLimit() {
        Instructions program = Instructions.decode(java.util.HexFormat.of().parseHex(
                "b700000000000000" + "4500000000000040" + "c50000000000f600" + "b7000000409c0000"
                + "97000000b7000000" + "0500000000000000" + "a600fdffbf63ffff" + "3e00040000000000"
                + "de01000000000000" + "bd00000000000000" + "c6000100020000fa" + "b7000000b7003200"
                + "d5000000f9ff0200" + "d500000000000200" + "c50000002c000000" + "9500000000000000"));
        VerificationResult r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofMinutes(2),
                () -> Verifier.verify(VerificationRequest.of(program, ProgramType.XDP).withStateMemoryLimit(16 << 10)));
        assertThat(r.accepted()).isFalse();
        assertThat(r.rejection().reason()).startsWith("BPF program is too large");
    }

    private static void compare(String name, boolean linuxAccepts, VerificationResult normal, VerificationResult small,
            List<String> unsound, List<String> changed, List<String> outOfResources) {
        if (small.accepted() && !linuxAccepts) {
            unsound.add(name);
        }
        if (small.accepted() != normal.accepted()) {
            String why = small.accepted() ? "accepted" : small.rejection().reason();
            if (why.startsWith("BPF program is too large") || why.startsWith("The sequence of")
                    || why.startsWith("verification needs more than its memory limit")) {
                outOfResources.add(name);
            } else {
                changed.add(name + ": " + why);
            }
        }
    }
}
