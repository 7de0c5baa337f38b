package io.bpf4j.loader;

import io.bpf4j.runtime.ProgramType;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Section names to program types, attach types and targets, by libbpf's conventions. */
class ProgramSectionTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            socket                              | SOCKET_FILTER           | -                              | -
            socket/anything                     | SOCKET_FILTER           | -                              | anything
            kprobe/sys_open                     | KPROBE                  | -                              | sys_open
            kretprobe/do_exit                   | KPROBE                  | -                              | do_exit
            kprobe.multi/tcp_*                  | KPROBE                  | BPF_TRACE_KPROBE_MULTI         | tcp_*
            uprobe//bin/sh:readline             | KPROBE                  | -                              | /bin/sh:readline
            tracepoint/syscalls/sys_enter_open  | TRACEPOINT              | -                              | syscalls/sys_enter_open
            tp/sched/sched_switch               | TRACEPOINT              | -                              | sched/sched_switch
            raw_tp/sys_enter                    | RAW_TRACEPOINT          | -                              | sys_enter
            raw_tracepoint.w/bpf_test           | RAW_TRACEPOINT_WRITABLE | -                              | bpf_test
            tp_btf/sched_switch                 | TRACING                 | BPF_TRACE_RAW_TP               | sched_switch
            fentry/do_unlinkat                  | TRACING                 | BPF_TRACE_FENTRY               | do_unlinkat
            fentry.s/do_unlinkat                | TRACING                 | BPF_TRACE_FENTRY               | do_unlinkat
            fexit/do_unlinkat                   | TRACING                 | BPF_TRACE_FEXIT                | do_unlinkat
            fmod_ret/security_x                 | TRACING                 | BPF_MODIFY_RETURN              | security_x
            iter/task                           | TRACING                 | BPF_TRACE_ITER                 | task
            lsm/file_open                       | LSM                     | BPF_LSM_MAC                    | file_open
            freplace/handler                    | EXT                     | -                              | handler
            xdp                                 | XDP                     | BPF_XDP                        | -
            xdp.frags                           | XDP                     | BPF_XDP                        | -
            xdp/devmap                          | XDP                     | BPF_XDP_DEVMAP                 | -
            xdp.frags/cpumap                    | XDP                     | BPF_XDP_CPUMAP                 | -
            tc                                  | SCHED_CLS               | -                              | -
            tc/ingress                          | SCHED_CLS               | BPF_TCX_INGRESS                | -
            tcx/egress                          | SCHED_CLS               | BPF_TCX_EGRESS                 | -
            classifier                          | SCHED_CLS               | -                              | -
            classifier/a                        | SCHED_CLS               | -                              | a
            action                              | SCHED_ACT               | -                              | -
            cgroup_skb/egress                   | CGROUP_SKB              | BPF_CGROUP_INET_EGRESS         | -
            cgroup/skb                          | CGROUP_SKB              | -                              | -
            cgroup/sock_create                  | CGROUP_SOCK             | BPF_CGROUP_INET_SOCK_CREATE    | -
            cgroup/connect4                     | CGROUP_SOCK_ADDR        | BPF_CGROUP_INET4_CONNECT       | -
            cgroup/sendmsg6                     | CGROUP_SOCK_ADDR        | BPF_CGROUP_UDP6_SENDMSG        | -
            cgroup/sysctl                       | CGROUP_SYSCTL           | BPF_CGROUP_SYSCTL              | -
            cgroup/getsockopt                   | CGROUP_SOCKOPT          | BPF_CGROUP_GETSOCKOPT          | -
            cgroup/dev                          | CGROUP_DEVICE           | BPF_CGROUP_DEVICE              | -
            sockops                             | SOCK_OPS                | BPF_CGROUP_SOCK_OPS            | -
            sk_skb/stream_verdict               | SK_SKB                  | BPF_SK_SKB_STREAM_VERDICT      | -
            sk_msg                              | SK_MSG                  | BPF_SK_MSG_VERDICT             | -
            sk_lookup                           | SK_LOOKUP               | BPF_SK_LOOKUP                  | -
            sk_reuseport/migrate                | SK_REUSEPORT            | BPF_SK_REUSEPORT_SELECT_OR_MIGRATE | -
            flow_dissector                      | FLOW_DISSECTOR          | BPF_FLOW_DISSECTOR             | -
            lwt_xmit                            | LWT_XMIT                | -                              | -
            perf_event                          | PERF_EVENT              | -                              | -
            struct_ops/tcp_ca_init              | STRUCT_OPS              | -                              | tcp_ca_init
            syscall                             | SYSCALL                 | -                              | -
            netfilter                           | NETFILTER               | BPF_NETFILTER                  | -
            seccomp                             | SECCOMP                 | -                              | -
            .text.custom                        | UNSPEC                  | -                              | -
            xdpfoo                              | UNSPEC                  | -                              | -
            sockops/extra                       | UNSPEC                  | -                              | -
            """)
    void sectionNames(String name, ProgramType kind, String attachType, String target) {
        ProgramSection s = ProgramSection.of(name);
        assertThat(s.name()).isEqualTo(name);
        assertThat(s.kind()).isEqualTo(kind);
        assertThat(s.attachType()).isEqualTo(attachType == null ? "" : attachType);
        assertThat(s.attachTarget()).isEqualTo(target == null ? "" : target);
    }

    @ParameterizedTest
    @CsvSource({"UNSPEC,0", "SOCKET_FILTER,1", "KPROBE,2", "SCHED_CLS,3", "XDP,6", "CGROUP_SKB,8", "RAW_TRACEPOINT,17",
        "TRACING,26", "LSM,29", "SYSCALL,31", "NETFILTER,32", "SECCOMP,65536"})
    void linuxNumbers(ProgramType kind, int id) {
        assertThat(kind.id()).isEqualTo(id);
    }
}
