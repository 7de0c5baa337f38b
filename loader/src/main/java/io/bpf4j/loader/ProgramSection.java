package io.bpf4j.loader;

import java.util.List;

/**
 * What a program's ELF section name says about it, by libbpf's conventions: {@code xdp},
 * {@code socket}, {@code tc}/{@code classifier}, {@code kprobe/sys_open},
 * {@code tracepoint/syscalls/sys_enter_open}, {@code raw_tp/...}, {@code fentry/...},
 * {@code cgroup_skb/ingress}, ...; plus bpf4j's {@code seccomp}.
 *
 * <p>A name matches an entry exactly, or as {@code entry/target} when the entry takes a target
 * (the part after the slash: the kprobe's function, the tracepoint's category/name). Unknown
 * names give {@link ProgramKind#UNSPEC}.
 *
 * @param name the ELF section name
 * @param kind the program type the name suggests
 * @param attachType the Linux {@code enum bpf_attach_type} name the section implies
 *     ({@code BPF_XDP}, {@code BPF_CGROUP_INET_INGRESS}, ...), or "" when it implies none
 * @param attachTarget what to attach to, from the part of the name after the first slash
 *     ({@code sys_open} for {@code kprobe/sys_open}), or ""
 */
public record ProgramSection(String name, ProgramKind kind, String attachType, String attachTarget) {

    /** An entry of the convention table: exact name, or a prefix followed by {@code /target}. */
    private record Entry(String name, ProgramKind kind, String attachType, boolean takesTarget) {}

    private static Entry exact(String name, ProgramKind kind, String attachType) {
        return new Entry(name, kind, attachType, false);
    }

    private static Entry target(String name, ProgramKind kind, String attachType) {
        return new Entry(name, kind, attachType, true);
    }

    private static final List<Entry> TABLE = List.of(
            target("socket", ProgramKind.SOCKET_FILTER, ""),
            exact("sk_reuseport/migrate", ProgramKind.SK_REUSEPORT, "BPF_SK_REUSEPORT_SELECT_OR_MIGRATE"),
            exact("sk_reuseport", ProgramKind.SK_REUSEPORT, "BPF_SK_REUSEPORT_SELECT"),
            target("kprobe", ProgramKind.KPROBE, ""),
            target("kretprobe", ProgramKind.KPROBE, ""),
            target("uprobe", ProgramKind.KPROBE, ""),
            target("uprobe.s", ProgramKind.KPROBE, ""),
            target("uretprobe", ProgramKind.KPROBE, ""),
            target("uretprobe.s", ProgramKind.KPROBE, ""),
            target("kprobe.multi", ProgramKind.KPROBE, "BPF_TRACE_KPROBE_MULTI"),
            target("kretprobe.multi", ProgramKind.KPROBE, "BPF_TRACE_KPROBE_MULTI"),
            target("uprobe.multi", ProgramKind.KPROBE, "BPF_TRACE_UPROBE_MULTI"),
            target("uretprobe.multi", ProgramKind.KPROBE, "BPF_TRACE_UPROBE_MULTI"),
            target("ksyscall", ProgramKind.KPROBE, ""),
            target("kretsyscall", ProgramKind.KPROBE, ""),
            target("usdt", ProgramKind.KPROBE, ""),
            exact("tc/ingress", ProgramKind.SCHED_CLS, "BPF_TCX_INGRESS"),
            exact("tc/egress", ProgramKind.SCHED_CLS, "BPF_TCX_EGRESS"),
            exact("tcx/ingress", ProgramKind.SCHED_CLS, "BPF_TCX_INGRESS"),
            exact("tcx/egress", ProgramKind.SCHED_CLS, "BPF_TCX_EGRESS"),
            target("tc", ProgramKind.SCHED_CLS, ""),
            target("classifier", ProgramKind.SCHED_CLS, ""),
            target("action", ProgramKind.SCHED_ACT, ""),
            target("tracepoint", ProgramKind.TRACEPOINT, ""),
            target("tp", ProgramKind.TRACEPOINT, ""),
            target("raw_tracepoint", ProgramKind.RAW_TRACEPOINT, ""),
            target("raw_tp", ProgramKind.RAW_TRACEPOINT, ""),
            target("raw_tracepoint.w", ProgramKind.RAW_TRACEPOINT_WRITABLE, ""),
            target("raw_tp.w", ProgramKind.RAW_TRACEPOINT_WRITABLE, ""),
            target("tp_btf", ProgramKind.TRACING, "BPF_TRACE_RAW_TP"),
            target("fentry", ProgramKind.TRACING, "BPF_TRACE_FENTRY"),
            target("fentry.s", ProgramKind.TRACING, "BPF_TRACE_FENTRY"),
            target("fmod_ret", ProgramKind.TRACING, "BPF_MODIFY_RETURN"),
            target("fmod_ret.s", ProgramKind.TRACING, "BPF_MODIFY_RETURN"),
            target("fexit", ProgramKind.TRACING, "BPF_TRACE_FEXIT"),
            target("fexit.s", ProgramKind.TRACING, "BPF_TRACE_FEXIT"),
            target("freplace", ProgramKind.EXT, ""),
            target("lsm", ProgramKind.LSM, "BPF_LSM_MAC"),
            target("lsm.s", ProgramKind.LSM, "BPF_LSM_MAC"),
            target("lsm_cgroup", ProgramKind.LSM, "BPF_LSM_CGROUP"),
            target("iter", ProgramKind.TRACING, "BPF_TRACE_ITER"),
            target("iter.s", ProgramKind.TRACING, "BPF_TRACE_ITER"),
            exact("syscall", ProgramKind.SYSCALL, ""),
            exact("xdp.frags/devmap", ProgramKind.XDP, "BPF_XDP_DEVMAP"),
            exact("xdp/devmap", ProgramKind.XDP, "BPF_XDP_DEVMAP"),
            exact("xdp.frags/cpumap", ProgramKind.XDP, "BPF_XDP_CPUMAP"),
            exact("xdp/cpumap", ProgramKind.XDP, "BPF_XDP_CPUMAP"),
            target("xdp.frags", ProgramKind.XDP, "BPF_XDP"),
            target("xdp", ProgramKind.XDP, "BPF_XDP"),
            target("perf_event", ProgramKind.PERF_EVENT, ""),
            target("lwt_in", ProgramKind.LWT_IN, ""),
            target("lwt_out", ProgramKind.LWT_OUT, ""),
            target("lwt_xmit", ProgramKind.LWT_XMIT, ""),
            target("lwt_seg6local", ProgramKind.LWT_SEG6LOCAL, ""),
            exact("sockops", ProgramKind.SOCK_OPS, "BPF_CGROUP_SOCK_OPS"),
            exact("sk_skb/stream_parser", ProgramKind.SK_SKB, "BPF_SK_SKB_STREAM_PARSER"),
            exact("sk_skb/stream_verdict", ProgramKind.SK_SKB, "BPF_SK_SKB_STREAM_VERDICT"),
            exact("sk_skb/verdict", ProgramKind.SK_SKB, "BPF_SK_SKB_VERDICT"),
            target("sk_skb", ProgramKind.SK_SKB, ""),
            exact("sk_msg", ProgramKind.SK_MSG, "BPF_SK_MSG_VERDICT"),
            exact("lirc_mode2", ProgramKind.LIRC_MODE2, "BPF_LIRC_MODE2"),
            exact("flow_dissector", ProgramKind.FLOW_DISSECTOR, "BPF_FLOW_DISSECTOR"),
            exact("cgroup_skb/ingress", ProgramKind.CGROUP_SKB, "BPF_CGROUP_INET_INGRESS"),
            exact("cgroup_skb/egress", ProgramKind.CGROUP_SKB, "BPF_CGROUP_INET_EGRESS"),
            exact("cgroup/skb", ProgramKind.CGROUP_SKB, ""),
            exact("cgroup/sock_create", ProgramKind.CGROUP_SOCK, "BPF_CGROUP_INET_SOCK_CREATE"),
            exact("cgroup/sock_release", ProgramKind.CGROUP_SOCK, "BPF_CGROUP_INET_SOCK_RELEASE"),
            exact("cgroup/sock", ProgramKind.CGROUP_SOCK, "BPF_CGROUP_INET_SOCK_CREATE"),
            exact("cgroup/post_bind4", ProgramKind.CGROUP_SOCK, "BPF_CGROUP_INET4_POST_BIND"),
            exact("cgroup/post_bind6", ProgramKind.CGROUP_SOCK, "BPF_CGROUP_INET6_POST_BIND"),
            exact("cgroup/bind4", ProgramKind.CGROUP_SOCK_ADDR, "BPF_CGROUP_INET4_BIND"),
            exact("cgroup/bind6", ProgramKind.CGROUP_SOCK_ADDR, "BPF_CGROUP_INET6_BIND"),
            exact("cgroup/connect4", ProgramKind.CGROUP_SOCK_ADDR, "BPF_CGROUP_INET4_CONNECT"),
            exact("cgroup/connect6", ProgramKind.CGROUP_SOCK_ADDR, "BPF_CGROUP_INET6_CONNECT"),
            exact("cgroup/connect_unix", ProgramKind.CGROUP_SOCK_ADDR, "BPF_CGROUP_UNIX_CONNECT"),
            exact("cgroup/sendmsg4", ProgramKind.CGROUP_SOCK_ADDR, "BPF_CGROUP_UDP4_SENDMSG"),
            exact("cgroup/sendmsg6", ProgramKind.CGROUP_SOCK_ADDR, "BPF_CGROUP_UDP6_SENDMSG"),
            exact("cgroup/sendmsg_unix", ProgramKind.CGROUP_SOCK_ADDR, "BPF_CGROUP_UNIX_SENDMSG"),
            exact("cgroup/recvmsg4", ProgramKind.CGROUP_SOCK_ADDR, "BPF_CGROUP_UDP4_RECVMSG"),
            exact("cgroup/recvmsg6", ProgramKind.CGROUP_SOCK_ADDR, "BPF_CGROUP_UDP6_RECVMSG"),
            exact("cgroup/recvmsg_unix", ProgramKind.CGROUP_SOCK_ADDR, "BPF_CGROUP_UNIX_RECVMSG"),
            exact("cgroup/getpeername4", ProgramKind.CGROUP_SOCK_ADDR, "BPF_CGROUP_INET4_GETPEERNAME"),
            exact("cgroup/getpeername6", ProgramKind.CGROUP_SOCK_ADDR, "BPF_CGROUP_INET6_GETPEERNAME"),
            exact("cgroup/getpeername_unix", ProgramKind.CGROUP_SOCK_ADDR, "BPF_CGROUP_UNIX_GETPEERNAME"),
            exact("cgroup/getsockname4", ProgramKind.CGROUP_SOCK_ADDR, "BPF_CGROUP_INET4_GETSOCKNAME"),
            exact("cgroup/getsockname6", ProgramKind.CGROUP_SOCK_ADDR, "BPF_CGROUP_INET6_GETSOCKNAME"),
            exact("cgroup/getsockname_unix", ProgramKind.CGROUP_SOCK_ADDR, "BPF_CGROUP_UNIX_GETSOCKNAME"),
            exact("cgroup/sysctl", ProgramKind.CGROUP_SYSCTL, "BPF_CGROUP_SYSCTL"),
            exact("cgroup/getsockopt", ProgramKind.CGROUP_SOCKOPT, "BPF_CGROUP_GETSOCKOPT"),
            exact("cgroup/setsockopt", ProgramKind.CGROUP_SOCKOPT, "BPF_CGROUP_SETSOCKOPT"),
            exact("cgroup/dev", ProgramKind.CGROUP_DEVICE, "BPF_CGROUP_DEVICE"),
            target("struct_ops", ProgramKind.STRUCT_OPS, ""),
            target("struct_ops.s", ProgramKind.STRUCT_OPS, ""),
            exact("sk_lookup", ProgramKind.SK_LOOKUP, "BPF_SK_LOOKUP"),
            exact("netfilter", ProgramKind.NETFILTER, "BPF_NETFILTER"),
            exact("seccomp", ProgramKind.SECCOMP, ""));

    /** What the section name {@code name} suggests. */
    public static ProgramSection of(String name) {
        for (Entry e : TABLE) {
            if (e.name().equals(name)) {
                return new ProgramSection(name, e.kind(), e.attachType(), "");
            }
        }
        Entry best = null;
        for (Entry e : TABLE) {
            if (e.takesTarget() && name.startsWith(e.name()) && name.length() > e.name().length()
                    && name.charAt(e.name().length()) == '/'
                    && (best == null || e.name().length() > best.name().length())) {
                best = e;
            }
        }
        if (best == null) {
            return new ProgramSection(name, ProgramKind.UNSPEC, "", "");
        }
        return new ProgramSection(name, best.kind(), best.attachType(), name.substring(best.name().length() + 1));
    }
}
