package io.bpf4j.classic;

/** The forms classic programs are kept in, which {@link ClassicReader} reads and {@link ClassicWriter} writes. */
public enum ClassicFormat {
    /** {@code tcpdump -d}: libpcap's listing, {@code (000) ldh [12]}, jumps to absolute indices. */
    TCPDUMP,
    /** {@code tcpdump -dd}: a C array initializer, {@code { 0x28, 0, 0, 0x0000000c },}. */
    C_ARRAY,
    /**
     * {@code tcpdump -ddd}: the count, then one {@code code jt jf k} line per instruction in
     * decimal. Also read: the same on one line separated by commas ({@code 4,40 0 0 12,...}), as
     * the kernel's {@code bpf_asm}, {@code xt_bpf} and {@code tc} use it.
     */
    DECIMAL,
    /** The kernel's {@code bpf_asm} syntax: labels, {@code jeq #0x800, ipv4, drop}, {@code ld #proto}. */
    BPF_ASM,
    /** An array of little-endian {@code struct sock_filter} (what {@code seccomp_export_bpf} writes). */
    BINARY
}
