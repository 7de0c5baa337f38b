package io.bpf4j.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * State pruning with precision tracking and stack liveness: paths that differ only in values no
 * later decision depends on, or in stack slots no later instruction reads, are explored once;
 * paths that differ in a value later used as an offset, a bound or a branch condition are each
 * explored (and the unsafe one rejected), whichever of them the verifier happens to walk first.
 */
class PruningTest {
    private static final MapDefinition ARRAY = MapDefinition.of(MapType.ARRAY, 4, 8, 1);

    private static VerificationResult verify(String asm, MapDefinition... maps) {
        return Verifier.verify(VerificationRequest.of(CorpusPrograms.instructions(asm), ProgramType.XDP)
                .withMaps(List.of(maps)));
    }

    /** {@code count} diamonds, each choosing on a random bit between two ways of changing r6. */
    private static String diamonds(int count, String left, String right) {
        StringBuilder b = new StringBuilder("""
                call 7
                r7 = r0
                r6 = 0
                r8 = 0
                """);
        for (int i = 0; i < count; i++) {
            b.append("r1 = r7\n")
                    .append("r1 &= ").append(1L << (i % 31)).append('\n')
                    .append("if r1 == 0 goto +2\n")
                    .append(left).append('\n')
                    .append("goto +1\n")
                    .append(right).append('\n')
                    .append("r8 += 1\n");
        }
        return b.toString();
    }

    @Test
    void pathsDifferingOnlyInAnUnusedScalarArePruned() {
        // 2^40 paths if every value of r6 were explored; r6 is returned, but no decision reads it.
        VerifierStats small = accepted(diamonds(20, "r6 += 1", "r6 += 2") + "r0 = r6\nexit");
        VerifierStats large = accepted(diamonds(40, "r6 += 1", "r6 += 2") + "r0 = r6\nexit");
        assertLinear(small, large);
    }

    @Test
    void pathsDifferingOnlyInAStackSlotNoOneReadsArePruned() {
        // Each diamond spills either the context pointer or a number to fp-16; the next one overwrites it.
        String tail = "*(u64 *)(r10 - 16) = r8\nr0 = *(u64 *)(r10 - 16)\nexit";
        VerifierStats small = accepted("r9 = r1\n" + diamonds(20, "*(u64 *)(r10 - 16) = r9", "*(u64 *)(r10 - 16) = r7") + tail);
        VerifierStats large = accepted("r9 = r1\n" + diamonds(40, "*(u64 *)(r10 - 16) = r9", "*(u64 *)(r10 - 16) = r7") + tail);
        assertLinear(small, large);
    }

    private static VerifierStats accepted(String asm) {
        VerificationResult r = verify(asm);
        assertThat(r.accepted()).as(r.describe()).isTrue();
        return r.stats();
    }

    /** Twice the diamonds, about twice the work (each of 2^n paths explored would be 2^20 times more). */
    private static void assertLinear(VerifierStats twenty, VerifierStats forty) {
        assertThat(forty.instructionsProcessed()).as(forty.summary()).isLessThan(40 * 20);
        assertThat(forty.instructionsProcessed()).as(twenty.summary() + " / " + forty.summary())
                .isLessThan(twenty.instructionsProcessed() * 5 / 2);
        assertThat(forty.peakStates()).as(forty.summary()).isLessThan(40 * 2);
    }

    /**
     * Two paths reach a join, one running {@code first}, the other {@code second}; after the join
     * (a few branches later, so that the join is a remembered state), {@code use} runs with r9 an
     * 8-byte map value and r8 a random number. The first path is the one the verifier walks first.
     */
    private static String afterJoin(String first, String second, String use) {
        return afterJoin(first, second, use, "");
    }

    /** As {@link #afterJoin(String, String, String)}, with {@code functions} after the program's exit. */
    private static String afterJoin(String first, String second, String use, String functions) {
        return """
                r1 = 0
                *(u32 *)(r10 - 4) = r1
                r1 = map(0) ll
                r2 = r10
                r2 += -4
                call 1
                if r0 == 0 goto out
                r9 = r0
                call 7
                r8 = r0
                r1 = r8
                r1 &= 1
                if r1 == 0 goto second
                FIRST
                goto join
                second:
                SECOND
                join:
                r2 = r8
                r2 &= 6
                if r2 == 0 goto a
                r2 = 1
                a:
                r2 += 1
                r3 = r8
                r3 &= 12
                if r3 == 0 goto b
                r3 = 1
                b:
                USE
                out:
                r0 = 0
                exit
                FUNCTIONS
                """.replace("FIRST", first).replace("SECOND", second).replace("USE", use).replace("FUNCTIONS", functions);
    }

    @Test
    void aScalarLaterUsedAsAnOffsetKeepsItsPathsApart() {
        String use = "r9 += r6\nr0 = *(u8 *)(r9 + 0)";
        for (String[] order : new String[][] {{"r6 = 0", "r6 = 8"}, {"r6 = 8", "r6 = 0"}}) {
            VerificationResult r = verify(afterJoin(order[0], order[1], use), ARRAY);
            assertThat(r.accepted()).as(String.join(" then ", order)).isFalse();
            assertThat(r.rejection().reason()).contains("invalid access to map value");
        }
        VerificationResult safe = verify(afterJoin("r6 = 0", "r6 = 7", use), ARRAY);
        assertThat(safe.accepted()).as(safe.describe()).isTrue();
    }

    @Test
    void aSpilledScalarLaterUsedAsAnOffsetKeepsItsPathsApart() {
        String use = "r6 = *(u64 *)(r10 - 16)\nr9 += r6\nr0 = *(u8 *)(r9 + 0)";
        for (String[] order : new String[][] {{"r5 = 0", "r5 = 8"}, {"r5 = 8", "r5 = 0"}}) {
            String prog = afterJoin(order[0] + "\n*(u64 *)(r10 - 16) = r5", order[1] + "\n*(u64 *)(r10 - 16) = r5", use);
            VerificationResult r = verify(prog, ARRAY);
            assertThat(r.accepted()).as(String.join(" then ", order)).isFalse();
            assertThat(r.rejection().reason()).contains("invalid access to map value");
        }
    }

    @Test
    void aStackSlotReadLaterKeepsItsPathsApart() {
        // One path leaves the map value pointer in fp-16, the other a number: the read after the join matters.
        String use = "r6 = *(u64 *)(r10 - 16)\nr0 = *(u8 *)(r6 + 0)";
        for (String[] order : new String[][] {{"*(u64 *)(r10 - 16) = r9", "*(u64 *)(r10 - 16) = r8"},
                {"*(u64 *)(r10 - 16) = r8", "*(u64 *)(r10 - 16) = r9"}}) {
            VerificationResult r = verify(afterJoin(order[0], order[1], use), ARRAY);
            assertThat(r.accepted()).as(String.join(" then ", order)).isFalse();
            assertThat(r.rejection().reason()).contains("invalid mem access 'scalar'");
        }
        VerificationResult safe = verify(afterJoin("*(u64 *)(r10 - 16) = r9", "*(u64 *)(r10 - 16) = r8",
                "*(u64 *)(r10 - 16) = r9\n" + use), ARRAY);
        assertThat(safe.accepted()).as(safe.describe()).isTrue();
    }

    @Test
    void aValueCopiedThroughASubprogramKeepsItsPathsApart() {
        // r6 reaches the offset through a subprogram's r1 and r0: the trace crosses the call and the exit.
        String use = "r1 = r6\ncall twice\nr9 += r0\nr0 = *(u8 *)(r9 + 0)";
        String twice = "twice:\nr0 = r1\nr0 += r1\nexit";
        for (String[] order : new String[][] {{"r6 = 0", "r6 = 4"}, {"r6 = 4", "r6 = 0"}}) {
            VerificationResult r = verify(afterJoin(order[0], order[1], use, twice), ARRAY);
            assertThat(r.accepted()).as(String.join(" then ", order)).isFalse();
            assertThat(r.rejection().reason()).contains("invalid access to map value");
        }
        VerificationResult safe = verify(afterJoin("r6 = 0", "r6 = 3", use, twice), ARRAY);
        assertThat(safe.accepted()).as(safe.describe()).isTrue();
    }

    @Test
    void scalarsNarrowedTogetherStayLinkedWhenCompared() {
        // First path: r7 is a copy of r6, so "if r7 > 4" bounds r6 too. Second path: r7 is another
        // number, and r6 stays up to 127. Pruning the second at the join against the first would
        // lose that difference: r7 decides nothing itself, but it narrows r6, which is an offset.
        String use = "if r7 > 4 goto out\nr9 += r6\nr0 = *(u8 *)(r9 + 0)";
        String linked = "r6 = r8\nr6 &= 127\nr7 = r6";
        String unlinked = "r6 = r8\nr6 &= 127\nr7 = r8";
        for (String[] order : new String[][] {{linked, unlinked}, {unlinked, linked}}) {
            VerificationResult r = verify(afterJoin(order[0], order[1], use), ARRAY);
            assertThat(r.accepted()).as(String.join(" then ", order)).isFalse();
            assertThat(r.rejection().reason()).contains("max value is outside of the allowed memory range");
        }
        VerificationResult safe = verify(afterJoin(linked, linked.replace("r6 &= 127", "r6 &= 63"), use), ARRAY);
        assertThat(safe.accepted()).as(safe.describe()).isTrue();
    }
}
