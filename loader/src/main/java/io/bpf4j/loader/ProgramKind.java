package io.bpf4j.loader;

/**
 * Program types under their Linux {@code enum bpf_prog_type} numbers, as an object file's section
 * names suggest them ({@link ProgramSection}). A hint for the runtime, which decides what it
 * supports.
 */
public enum ProgramKind {
    /** The section name matches no known convention. */
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
    /**
     * Section {@code seccomp}: a seccomp filter written as an eBPF program over
     * {@code struct seccomp_data}. Not a Linux program type (Linux runs classic BPF for seccomp),
     * so it has no Linux number: {@link #linuxId()} is -1.
     */
    SECCOMP(-1);

    private final int linuxId;

    ProgramKind(int linuxId) {
        this.linuxId = linuxId;
    }

    /** The Linux {@code BPF_PROG_TYPE_*} value, or -1 for bpf4j's own {@link #SECCOMP}. */
    public int linuxId() {
        return linuxId;
    }
}
