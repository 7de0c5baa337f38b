package io.bpf4j.runtime.types;

/** The verdict of a tc (SCHED_CLS, SCHED_ACT) program: Linux's {@code TC_ACT_*}. */
public enum TcAction {
    /** Use the default action (tcx: go on to the next program). */
    UNSPEC(-1),
    /** Let the packet go on. */
    OK(0),
    RECLASSIFY(1),
    /** Drop the packet. */
    SHOT(2),
    PIPE(3),
    STOLEN(4),
    QUEUED(5),
    REPEAT(6),
    /** Send it where {@code bpf_redirect} said. */
    REDIRECT(7),
    TRAP(8);

    private final int value;

    TcAction(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /**
     * The verdict a program's 32-bit return value means. Linux's tc treats values it does not
     * know as {@link #UNSPEC}, and so does this method.
     */
    public static TcAction of(int returnValue) {
        return returnValue >= -1 && returnValue <= 8 ? values()[returnValue + 1] : UNSPEC;
    }
}
