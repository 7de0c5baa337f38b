package io.bpf4j.loader;

import io.bpf4j.runtime.ProgramType;

import java.util.List;

/**
 * What a program's ELF section name says about it, by libbpf's conventions: {@code xdp},
 * {@code socket}, {@code tc}/{@code classifier}, {@code kprobe/sys_open},
 * {@code tracepoint/syscalls/sys_enter_open}, {@code raw_tp/...}, {@code fentry/...},
 * {@code cgroup_skb/ingress}, ...; plus bpf4j's {@code seccomp}.
 *
 * <p>A name matches an entry exactly, or as {@code entry/target} when the entry takes a target
 * (the part after the slash: the kprobe's function, the tracepoint's category/name). Unknown
 * names give {@link ProgramType#UNSPEC}.
 *
 * @param name the ELF section name
 * @param kind the program type the name suggests
 * @param attachType the Linux {@code enum bpf_attach_type} name the section implies
 *     ({@code BPF_XDP}, {@code BPF_CGROUP_INET_INGRESS}, ...), or "" when it implies none
 * @param attachTarget what to attach to, from the part of the name after the first slash
 *     ({@code sys_open} for {@code kprobe/sys_open}), or ""
 */
public record ProgramSection(String name, ProgramType kind, String attachType, String attachTarget) {

    /** An entry of the convention table: exact name, or a prefix followed by {@code /target}. */
    private record Entry(String name, ProgramType kind, String attachType, boolean takesTarget) {}

    private static Entry exact(String name, ProgramType kind, String attachType) {
        return new Entry(name, kind, attachType, false);
    }

    private static Entry target(String name, ProgramType kind, String attachType) {
        return new Entry(name, kind, attachType, true);
    }

    private static final List<Entry> TABLE = List.of(
            target("socket", ProgramType.SOCKET_FILTER, ""),
            exact("sk_reuseport/migrate", ProgramType.SK_REUSEPORT, "BPF_SK_REUSEPORT_SELECT_OR_MIGRATE"),
            exact("sk_reuseport", ProgramType.SK_REUSEPORT, "BPF_SK_REUSEPORT_SELECT"),
            target("kprobe", ProgramType.KPROBE, ""),
            target("kretprobe", ProgramType.KPROBE, ""),
            target("uprobe", ProgramType.KPROBE, ""),
            target("uprobe.s", ProgramType.KPROBE, ""),
            target("uretprobe", ProgramType.KPROBE, ""),
            target("uretprobe.s", ProgramType.KPROBE, ""),
            target("kprobe.multi", ProgramType.KPROBE, "BPF_TRACE_KPROBE_MULTI"),
            target("kretprobe.multi", ProgramType.KPROBE, "BPF_TRACE_KPROBE_MULTI"),
            target("uprobe.multi", ProgramType.KPROBE, "BPF_TRACE_UPROBE_MULTI"),
            target("uretprobe.multi", ProgramType.KPROBE, "BPF_TRACE_UPROBE_MULTI"),
            target("ksyscall", ProgramType.KPROBE, ""),
            target("kretsyscall", ProgramType.KPROBE, ""),
            target("usdt", ProgramType.KPROBE, ""),
            exact("tc/ingress", ProgramType.SCHED_CLS, "BPF_TCX_INGRESS"),
            exact("tc/egress", ProgramType.SCHED_CLS, "BPF_TCX_EGRESS"),
            exact("tcx/ingress", ProgramType.SCHED_CLS, "BPF_TCX_INGRESS"),
            exact("tcx/egress", ProgramType.SCHED_CLS, "BPF_TCX_EGRESS"),
            target("tc", ProgramType.SCHED_CLS, ""),
            target("classifier", ProgramType.SCHED_CLS, ""),
            target("action", ProgramType.SCHED_ACT, ""),
            target("tracepoint", ProgramType.TRACEPOINT, ""),
            target("tp", ProgramType.TRACEPOINT, ""),
            target("raw_tracepoint", ProgramType.RAW_TRACEPOINT, ""),
            target("raw_tp", ProgramType.RAW_TRACEPOINT, ""),
            target("raw_tracepoint.w", ProgramType.RAW_TRACEPOINT_WRITABLE, ""),
            target("raw_tp.w", ProgramType.RAW_TRACEPOINT_WRITABLE, ""),
            target("tp_btf", ProgramType.TRACING, "BPF_TRACE_RAW_TP"),
            target("fentry", ProgramType.TRACING, "BPF_TRACE_FENTRY"),
            target("fentry.s", ProgramType.TRACING, "BPF_TRACE_FENTRY"),
            target("fmod_ret", ProgramType.TRACING, "BPF_MODIFY_RETURN"),
            target("fmod_ret.s", ProgramType.TRACING, "BPF_MODIFY_RETURN"),
            target("fexit", ProgramType.TRACING, "BPF_TRACE_FEXIT"),
            target("fexit.s", ProgramType.TRACING, "BPF_TRACE_FEXIT"),
            target("freplace", ProgramType.EXT, ""),
            target("lsm", ProgramType.LSM, "BPF_LSM_MAC"),
            target("lsm.s", ProgramType.LSM, "BPF_LSM_MAC"),
            target("lsm_cgroup", ProgramType.LSM, "BPF_LSM_CGROUP"),
            target("iter", ProgramType.TRACING, "BPF_TRACE_ITER"),
            target("iter.s", ProgramType.TRACING, "BPF_TRACE_ITER"),
            exact("syscall", ProgramType.SYSCALL, ""),
            exact("xdp.frags/devmap", ProgramType.XDP, "BPF_XDP_DEVMAP"),
            exact("xdp/devmap", ProgramType.XDP, "BPF_XDP_DEVMAP"),
            exact("xdp.frags/cpumap", ProgramType.XDP, "BPF_XDP_CPUMAP"),
            exact("xdp/cpumap", ProgramType.XDP, "BPF_XDP_CPUMAP"),
            target("xdp.frags", ProgramType.XDP, "BPF_XDP"),
            target("xdp", ProgramType.XDP, "BPF_XDP"),
            target("perf_event", ProgramType.PERF_EVENT, ""),
            target("lwt_in", ProgramType.LWT_IN, ""),
            target("lwt_out", ProgramType.LWT_OUT, ""),
            target("lwt_xmit", ProgramType.LWT_XMIT, ""),
            target("lwt_seg6local", ProgramType.LWT_SEG6LOCAL, ""),
            exact("sockops", ProgramType.SOCK_OPS, "BPF_CGROUP_SOCK_OPS"),
            exact("sk_skb/stream_parser", ProgramType.SK_SKB, "BPF_SK_SKB_STREAM_PARSER"),
            exact("sk_skb/stream_verdict", ProgramType.SK_SKB, "BPF_SK_SKB_STREAM_VERDICT"),
            exact("sk_skb/verdict", ProgramType.SK_SKB, "BPF_SK_SKB_VERDICT"),
            target("sk_skb", ProgramType.SK_SKB, ""),
            exact("sk_msg", ProgramType.SK_MSG, "BPF_SK_MSG_VERDICT"),
            exact("lirc_mode2", ProgramType.LIRC_MODE2, "BPF_LIRC_MODE2"),
            exact("flow_dissector", ProgramType.FLOW_DISSECTOR, "BPF_FLOW_DISSECTOR"),
            exact("cgroup_skb/ingress", ProgramType.CGROUP_SKB, "BPF_CGROUP_INET_INGRESS"),
            exact("cgroup_skb/egress", ProgramType.CGROUP_SKB, "BPF_CGROUP_INET_EGRESS"),
            exact("cgroup/skb", ProgramType.CGROUP_SKB, ""),
            exact("cgroup/sock_create", ProgramType.CGROUP_SOCK, "BPF_CGROUP_INET_SOCK_CREATE"),
            exact("cgroup/sock_release", ProgramType.CGROUP_SOCK, "BPF_CGROUP_INET_SOCK_RELEASE"),
            exact("cgroup/sock", ProgramType.CGROUP_SOCK, "BPF_CGROUP_INET_SOCK_CREATE"),
            exact("cgroup/post_bind4", ProgramType.CGROUP_SOCK, "BPF_CGROUP_INET4_POST_BIND"),
            exact("cgroup/post_bind6", ProgramType.CGROUP_SOCK, "BPF_CGROUP_INET6_POST_BIND"),
            exact("cgroup/bind4", ProgramType.CGROUP_SOCK_ADDR, "BPF_CGROUP_INET4_BIND"),
            exact("cgroup/bind6", ProgramType.CGROUP_SOCK_ADDR, "BPF_CGROUP_INET6_BIND"),
            exact("cgroup/connect4", ProgramType.CGROUP_SOCK_ADDR, "BPF_CGROUP_INET4_CONNECT"),
            exact("cgroup/connect6", ProgramType.CGROUP_SOCK_ADDR, "BPF_CGROUP_INET6_CONNECT"),
            exact("cgroup/connect_unix", ProgramType.CGROUP_SOCK_ADDR, "BPF_CGROUP_UNIX_CONNECT"),
            exact("cgroup/sendmsg4", ProgramType.CGROUP_SOCK_ADDR, "BPF_CGROUP_UDP4_SENDMSG"),
            exact("cgroup/sendmsg6", ProgramType.CGROUP_SOCK_ADDR, "BPF_CGROUP_UDP6_SENDMSG"),
            exact("cgroup/sendmsg_unix", ProgramType.CGROUP_SOCK_ADDR, "BPF_CGROUP_UNIX_SENDMSG"),
            exact("cgroup/recvmsg4", ProgramType.CGROUP_SOCK_ADDR, "BPF_CGROUP_UDP4_RECVMSG"),
            exact("cgroup/recvmsg6", ProgramType.CGROUP_SOCK_ADDR, "BPF_CGROUP_UDP6_RECVMSG"),
            exact("cgroup/recvmsg_unix", ProgramType.CGROUP_SOCK_ADDR, "BPF_CGROUP_UNIX_RECVMSG"),
            exact("cgroup/getpeername4", ProgramType.CGROUP_SOCK_ADDR, "BPF_CGROUP_INET4_GETPEERNAME"),
            exact("cgroup/getpeername6", ProgramType.CGROUP_SOCK_ADDR, "BPF_CGROUP_INET6_GETPEERNAME"),
            exact("cgroup/getpeername_unix", ProgramType.CGROUP_SOCK_ADDR, "BPF_CGROUP_UNIX_GETPEERNAME"),
            exact("cgroup/getsockname4", ProgramType.CGROUP_SOCK_ADDR, "BPF_CGROUP_INET4_GETSOCKNAME"),
            exact("cgroup/getsockname6", ProgramType.CGROUP_SOCK_ADDR, "BPF_CGROUP_INET6_GETSOCKNAME"),
            exact("cgroup/getsockname_unix", ProgramType.CGROUP_SOCK_ADDR, "BPF_CGROUP_UNIX_GETSOCKNAME"),
            exact("cgroup/sysctl", ProgramType.CGROUP_SYSCTL, "BPF_CGROUP_SYSCTL"),
            exact("cgroup/getsockopt", ProgramType.CGROUP_SOCKOPT, "BPF_CGROUP_GETSOCKOPT"),
            exact("cgroup/setsockopt", ProgramType.CGROUP_SOCKOPT, "BPF_CGROUP_SETSOCKOPT"),
            exact("cgroup/dev", ProgramType.CGROUP_DEVICE, "BPF_CGROUP_DEVICE"),
            target("struct_ops", ProgramType.STRUCT_OPS, ""),
            target("struct_ops.s", ProgramType.STRUCT_OPS, ""),
            exact("sk_lookup", ProgramType.SK_LOOKUP, "BPF_SK_LOOKUP"),
            exact("netfilter", ProgramType.NETFILTER, "BPF_NETFILTER"),
            exact("seccomp", ProgramType.SECCOMP, ""));

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
            return new ProgramSection(name, ProgramType.UNSPEC, "", "");
        }
        return new ProgramSection(name, best.kind(), best.attachType(), name.substring(best.name().length() + 1));
    }
}
