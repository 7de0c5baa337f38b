package io.bpf4j.runtime.types;

/**
 * The action part of a seccomp filter's return value: Linux's {@code SECCOMP_RET_*}, compared
 * on the high 16 bits ({@code SECCOMP_RET_ACTION_FULL}). Lower values take precedence when
 * several filters run.
 */
public enum SeccompAction {
    KILL_PROCESS(0x8000_0000),
    KILL_THREAD(0x0000_0000),
    /** Send SIGSYS; the data goes in {@code si_errno}. */
    TRAP(0x0003_0000),
    /** Fail the system call with the data as errno. */
    ERRNO(0x0005_0000),
    USER_NOTIF(0x7fc0_0000),
    /** Hand over to a ptrace tracer; the data goes to it. */
    TRACE(0x7ff0_0000),
    LOG(0x7ffc_0000),
    ALLOW(0x7fff_0000);

    /** {@code SECCOMP_RET_ACTION_FULL}. */
    public static final int ACTION_MASK = 0xffff_0000;
    /** {@code SECCOMP_RET_DATA}. */
    public static final int DATA_MASK = 0x0000_ffff;

    private final int value;

    SeccompAction(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The full return value of this action with {@code data} in the low 16 bits. */
    public int withData(int data) {
        return value | data & DATA_MASK;
    }

    /**
     * The action of a filter's return value. Linux kills the process for an action it does not
     * know, and so this method returns {@link #KILL_PROCESS} for one.
     */
    public static SeccompAction of(int returnValue) {
        int action = returnValue & ACTION_MASK;
        for (SeccompAction a : values()) {
            if (a.value == action) {
                return a;
            }
        }
        return KILL_PROCESS;
    }
}
