package io.bpf4j.verifier;

import java.util.Optional;

/**
 * The verdict: accepted with its statistics and per-instruction facts, or rejected with a log.
 */
public record VerificationResult(boolean accepted, VerifierStats stats, Optional<ProgramFacts> facts,
        Optional<VerifierLog> log) {

    /** The rejection's log; throws if the program was accepted. */
    public VerifierLog rejection() {
        return log.orElseThrow(() -> new IllegalStateException("the program was accepted"));
    }

    /** One line for an accepted program (its statistics), the log for a rejected one. */
    public String describe() {
        return accepted ? "accepted: " + stats.summary() + "\n" : log.orElseThrow().format() + stats.summary() + "\n";
    }
}
