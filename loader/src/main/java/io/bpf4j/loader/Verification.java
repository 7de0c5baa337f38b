package io.bpf4j.loader;

/**
 * Whether {@link LoadedObject} proves each program safe with the verifier before it can run.
 * Verified is the default, as in Linux; skipping it is the embedder's explicit choice for code it
 * trusts or that the verifier cannot yet handle, and then the runtime's own checks (every memory
 * access checked against its region, the instruction budget) are all that stand between the
 * program and the host.
 */
public enum Verification {
    /** Every program must pass the verifier, or loading fails with its log. */
    REQUIRED,
    /** Programs run unverified, with the runtime's checks only. */
    SKIPPED
}
