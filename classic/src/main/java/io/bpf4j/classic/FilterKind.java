package io.bpf4j.classic;

/**
 * What a classic program is attached to, which decides the rules it is checked against and what
 * its loads read.
 */
public enum FilterKind {
    /**
     * A socket filter ({@code SO_ATTACH_FILTER}, what tcpdump and libpcap install): loads read
     * packet bytes or ancillary data, the result is how many bytes of the packet to keep.
     */
    SOCKET_FILTER,
    /**
     * A seccomp filter: the only loads are aligned 32-bit words of {@code struct seccomp_data}, the
     * result is a {@code SECCOMP_RET_*} action.
     */
    SECCOMP
}
