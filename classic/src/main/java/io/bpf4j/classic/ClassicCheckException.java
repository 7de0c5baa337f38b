package io.bpf4j.classic;

/**
 * A classic program Linux would refuse ({@code -EINVAL} from {@code SO_ATTACH_FILTER} or
 * {@code seccomp(SECCOMP_SET_MODE_FILTER)}), with the instruction and the rule it breaks.
 */
public class ClassicCheckException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int pc;
    private final String reason;

    public ClassicCheckException(int pc, String reason) {
        super(pc >= 0 ? "instruction " + pc + ": " + reason : reason);
        this.pc = pc;
        this.reason = reason;
    }

    /** The instruction at fault, or -1 when the problem is the program as a whole. */
    public int pc() {
        return pc;
    }

    /** The message without the instruction index. */
    public String reason() {
        return reason;
    }
}
