package io.bpf4j.verifier;

/**
 * How much work verification took, as Linux reports it.
 *
 * @param instructionsProcessed abstract instruction steps over all paths (Linux's {@code processed N insns})
 * @param peakStates the most explored states remembered at once ({@code peak_states})
 * @param totalStates explored states remembered in all ({@code total_states})
 * @param nanos wall-clock time spent
 */
public record VerifierStats(long instructionsProcessed, int peakStates, int totalStates, long nanos) {
    /** Linux's summary line: {@code processed 12 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1}. */
    public String summary() {
        return "processed " + instructionsProcessed + " insns (limit " + Verifier.INSTRUCTION_LIMIT + ") total_states "
                + totalStates + " peak_states " + peakStates + " (" + (nanos / 1_000_000) + " ms)";
    }
}
