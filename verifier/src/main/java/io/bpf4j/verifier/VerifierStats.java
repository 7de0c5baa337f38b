package io.bpf4j.verifier;

/**
 * How much work verification took, as Linux reports it.
 *
 * @param instructionsProcessed abstract instruction steps over all paths (Linux's {@code processed N insns})
 * @param peakStates the most explored states remembered at once ({@code peak_states})
 * @param totalStates explored states remembered in all ({@code total_states})
 * @param nanos wall-clock time spent
 * @param peakStateBytes the most heap (estimated bytes) the remembered states took at once
 * @param evictedStates remembered states forgotten because of the state memory limit (0 unless a
 *     program needed more than {@link VerificationRequest#stateMemoryLimit()})
 * @param instructionLimit the limit {@code instructionsProcessed} was held to
 */
public record VerifierStats(long instructionsProcessed, int peakStates, int totalStates, long nanos,
        long peakStateBytes, int evictedStates, long instructionLimit) {
    /** Linux's summary line: {@code processed 12 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1}. */
    public String summary() {
        return "processed " + instructionsProcessed + " insns (limit " + instructionLimit + ") total_states "
                + totalStates + " peak_states " + peakStates
                + (evictedStates > 0 ? " evicted_states " + evictedStates + " (state memory limit)" : "")
                + " (" + (nanos / 1_000_000) + " ms)";
    }
}
