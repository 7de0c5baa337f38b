package io.bpf4j.runtime.internal;

import io.bpf4j.runtime.RunContext;

/**
 * A context of the runtime's own typed runs ({@code runXdp}, {@code runTc}, ...), laid out as
 * Linux lays out the program type's context, which is what the verifier assumes: only in runs
 * with such a context may a verified program skip the checks of the accesses the verifier
 * proved safe. Contexts an embedder writes, and runs on plain memory, keep every check. (This
 * package is not exported, so nothing outside the runtime can claim to be one.)
 */
public interface BuiltInContext extends RunContext {}
