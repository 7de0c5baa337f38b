package io.bpf4j.verifier;

/** Thrown by {@link Verifier#check} when a program is rejected; {@link #log()} says where and why. */
public final class VerificationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient VerifierLog log;

    public VerificationException(VerifierLog log) {
        super(log.instruction() >= 0 ? "instruction " + log.instruction() + " (" + log.disassembly() + "): " + log.reason()
                : log.reason());
        this.log = log;
    }

    public VerifierLog log() {
        return log;
    }
}
