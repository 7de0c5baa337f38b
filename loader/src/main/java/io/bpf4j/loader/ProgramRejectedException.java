package io.bpf4j.loader;

import io.bpf4j.runtime.ProgramLoadException;
import io.bpf4j.verifier.VerifierLog;

/** A program of an object that the verifier did not prove safe: {@link #log()} says where and why. */
public final class ProgramRejectedException extends ProgramLoadException {
    private static final long serialVersionUID = 1L;

    private final String program;
    private final transient VerifierLog log;

    public ProgramRejectedException(String program, VerifierLog log) {
        super(log.instruction(), "program '" + program + "' is rejected by the verifier: " + log.reason()
                + (log.disassembly().isEmpty() ? "" : " (" + log.disassembly() + ")")
                + log.sourceLine().map(line -> " at " + line).orElse(""));
        this.program = program;
        this.log = log;
    }

    /** The rejected program's name. */
    public String program() {
        return program;
    }

    /** The verifier's log: instruction, register and stack state, reason, source line. */
    public VerifierLog log() {
        return log;
    }
}
