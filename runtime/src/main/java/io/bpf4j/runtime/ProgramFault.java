package io.bpf4j.runtime;

/**
 * A running program did something it may not: touched memory outside its regions, ran out of its
 * instruction budget, called an unknown helper, nested calls too deeply. Names the instruction
 * index ({@link #pc()}) at which it happened.
 */
public class ProgramFault extends BpfException {
    private final int pc;
    private final String reason;

    public ProgramFault(int pc, String reason) {
        super("instruction " + pc + ": " + reason);
        this.pc = pc;
        this.reason = reason;
    }

    /** What went wrong, without the instruction index. */
    public String reason() {
        return reason;
    }

    /** Index of the instruction that faulted. */
    public int pc() {
        return pc;
    }
}
