package io.bpf4j.runtime;

/**
 * Program types under their Linux {@code enum bpf_prog_type} ids. The type decides what r1 points
 * to at entry (the context), which context fields the program may read and write, and what the
 * return value means. Every Linux type is named so that object files can be read and reported;
 * {@link #isRunnable()} tells which ones bpf4j has a context for.
 *
 * <p>Two are bpf4j's own: {@link #UNSPEC} (id 0, as in Linux, where no program can have it) runs
 * on a plain block of memory given in r1, with its length in r2 ({@link Executable#run(byte[])});
 * {@link #SECCOMP} runs on a {@code struct seccomp_data}, as classic seccomp filters do, with id
 * {@value #SECCOMP_ID}, far above every Linux id.
 */
public enum ProgramType {
    UNSPEC(0),
    SOCKET_FILTER(1),
    KPROBE(2),
    SCHED_CLS(3),
    SCHED_ACT(4),
    TRACEPOINT(5),
    XDP(6),
    PERF_EVENT(7),
    CGROUP_SKB(8),
    CGROUP_SOCK(9),
    LWT_IN(10),
    LWT_OUT(11),
    LWT_XMIT(12),
    SOCK_OPS(13),
    SK_SKB(14),
    CGROUP_DEVICE(15),
    SK_MSG(16),
    RAW_TRACEPOINT(17),
    CGROUP_SOCK_ADDR(18),
    LWT_SEG6LOCAL(19),
    LIRC_MODE2(20),
    SK_REUSEPORT(21),
    FLOW_DISSECTOR(22),
    CGROUP_SYSCTL(23),
    RAW_TRACEPOINT_WRITABLE(24),
    CGROUP_SOCKOPT(25),
    TRACING(26),
    STRUCT_OPS(27),
    EXT(28),
    LSM(29),
    SK_LOOKUP(30),
    SYSCALL(31),
    NETFILTER(32),
    /** bpf4j's own: a seccomp filter in eBPF form, on a {@code struct seccomp_data}. */
    SECCOMP(ProgramType.SECCOMP_ID);

    /** The id of {@link #SECCOMP}: 2^16, outside the range of Linux's program type ids. */
    public static final int SECCOMP_ID = 0x10000;

    private final int id;

    ProgramType(int id) {
        this.id = id;
    }

    /** The Linux {@code bpf_prog_type} value (or bpf4j's own, for {@link #SECCOMP}). */
    public int id() {
        return id;
    }

    /** Whether bpf4j can run programs of this type: it has their context and result. */
    public boolean isRunnable() {
        return switch (this) {
            case UNSPEC, SOCKET_FILTER, KPROBE, SCHED_CLS, SCHED_ACT, TRACEPOINT, XDP, PERF_EVENT, CGROUP_SKB,
                    RAW_TRACEPOINT, RAW_TRACEPOINT_WRITABLE, TRACING, SECCOMP -> true;
            default -> false;
        };
    }

    /** The type with this id. */
    public static ProgramType fromId(int id) {
        for (ProgramType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown program type id " + id + "; Linux defines ids 0 to "
                + NETFILTER.id + " and bpf4j adds " + SECCOMP_ID + " (SECCOMP)");
    }
}
