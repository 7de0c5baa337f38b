package io.bpf4j.capture;

/** The link-layer header types (LINKTYPE_* of tcpdump.org) that bpf4j's commands meet most. */
public final class LinkType {
    /** No link layer header; the packet starts with an IPv4 or IPv6 header. */
    public static final int RAW = 101;
    /** Ethernet (and Linux's loopback, which captures as Ethernet). */
    public static final int ETHERNET = 1;
    /** Linux "cooked" capture v1, what {@code tcpdump -i any} writes. */
    public static final int LINUX_SLL = 113;

    private LinkType() {}
}
