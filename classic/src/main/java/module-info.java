/**
 * Classic BPF, as tcpdump, libpcap, Linux socket filters and seccomp use it: programs read and
 * written in every form people keep them ({@code tcpdump -d/-dd/-ddd}, binary
 * {@code struct sock_filter} arrays, the kernel's {@code bpf_asm} syntax), checked as Linux
 * checks them, converted to eBPF with Linux's semantics, and run as socket filters on packets or
 * as seccomp filters on system calls.
 */
module io.bpf4j.classic {
    requires transitive io.bpf4j.isa;
    requires transitive io.bpf4j.runtime;

    exports io.bpf4j.classic;
}
