package io.bpf4j.classic;

import java.util.Optional;

/**
 * Linux's ancillary loads: a packet load at {@code SKF_AD_OFF + offset} reads a property of the
 * packet or of the system instead of packet bytes ({@code SKF_AD_*}). Each has the name
 * libpcap's {@code bpf_image} prints and the name the kernel's {@code bpf_asm} reads.
 */
public enum Ancillary {
    PROTOCOL(0, "proto", "proto"),
    PKTTYPE(4, "type", "type"),
    IFINDEX(8, "ifidx", "ifidx"),
    NLATTR(12, "nla", "nla"),
    NLATTR_NEST(16, "nlan", "nlan"),
    MARK(20, "mark", "mark"),
    QUEUE(24, "queue", "queue"),
    HATYPE(28, "hatype", "hatype"),
    RXHASH(32, "rxhash", "rxhash"),
    CPU(36, "cpu", "cpu"),
    ALU_XOR_X(40, "xor_x", null),
    VLAN_TAG(44, "vlan_tci", "vlan_tci"),
    VLAN_TAG_PRESENT(48, "vlanp", "vlan_avail"),
    PAY_OFFSET(52, "poff", "poff"),
    RANDOM(56, "random", "rand"),
    VLAN_TPID(60, "vlan_tpid", "vlan_tpid");

    /** {@code SKF_AD_MAX}: the first offset past the known ones. */
    public static final int MAX = 64;

    private final int offset;
    private final String pcapName;
    private final String bpfAsmName;

    Ancillary(int offset, String pcapName, String bpfAsmName) {
        this.offset = offset;
        this.pcapName = pcapName;
        this.bpfAsmName = bpfAsmName;
    }

    /** The offset from {@link ClassicOpcodes#SKF_AD_OFF} ({@code SKF_AD_PROTOCOL} is 0, ...). */
    public int offset() {
        return offset;
    }

    /** The constant {@code k} of a load of this value: {@code SKF_AD_OFF + offset}. */
    public int k() {
        return ClassicOpcodes.SKF_AD_OFF + offset;
    }

    /** What libpcap's {@code bpf_image} prints between the brackets ({@code ld [vlanp]}). */
    public String pcapName() {
        return pcapName;
    }

    /** The operand name of the kernel's {@code bpf_asm} ({@code ld #vlan_avail}), empty if it has none. */
    public Optional<String> bpfAsmName() {
        return Optional.ofNullable(bpfAsmName);
    }

    /** The ancillary load a packet offset {@code k} selects, if any. */
    public static Optional<Ancillary> ofK(int k) {
        if (k < ClassicOpcodes.SKF_AD_OFF || k >= ClassicOpcodes.SKF_AD_OFF + MAX) {
            return Optional.empty();
        }
        int offset = k - ClassicOpcodes.SKF_AD_OFF;
        for (Ancillary a : values()) {
            if (a.offset == offset) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
