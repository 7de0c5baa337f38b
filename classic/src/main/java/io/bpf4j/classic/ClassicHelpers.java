package io.bpf4j.classic;

import io.bpf4j.classic.internal.PacketHelpers;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.HelperArgType;
import io.bpf4j.runtime.HelperPrototype;
import io.bpf4j.runtime.HelperReturnType;

/**
 * The helpers converted socket filters call for the ancillary loads Linux computes with kernel
 * functions rather than {@code __sk_buff} fields: the device type ({@code SKF_AD_HATYPE}), the
 * payload offset ({@code SKF_AD_PAY_OFFSET}, from a flow dissection of the packet) and netlink
 * attribute lookups ({@code SKF_AD_NLATTR}, {@code SKF_AD_NLATTR_NEST}). They have bpf4j's own
 * ids, above Linux's helper ids; a runtime that runs converted filters needs them
 * ({@link #register}). The CPU and random loads use the standard helpers. Loads relative to the
 * link-layer or network header ({@code SKF_LL_OFF}, {@code SKF_NET_OFF}) also go through a helper:
 * the link-layer header is where the packet data starts (as on packet sockets), and the network
 * header follows it after 14 bytes on Ethernet and loopback devices, 0 on others.
 */
public final class ClassicHelpers {
    /** {@code hatype(ctx)}: the device's ARPHRD type. */
    public static final int HATYPE = 0x20001;
    /** {@code pay_offset(ctx)}: the offset of the transport payload, 0 if the packet does not dissect. */
    public static final int PAY_OFFSET = 0x20002;
    /** {@code nlattr(ctx, offset, type)}: offset of the netlink attribute of that type from offset, or 0. */
    public static final int NLATTR = 0x20003;
    /** {@code nlattr_nest(ctx, offset, type)}: the same inside the attribute at offset. */
    public static final int NLATTR_NEST = 0x20004;

    /**
     * {@code load_relative(ctx, offset, size)}: a packet load at a negative offset,
     * {@code SKF_LL_OFF + n} (n bytes from the link-layer header) or {@code SKF_NET_OFF + n} (from
     * the network header); the big-endian value, or -1 (all 64 bits) when the bytes are outside the
     * packet, which ends the program with 0.
     */
    public static final int LOAD_RELATIVE = 0x20005;

    /** {@code ARPHRD_ETHER}: the device type of Ethernet interfaces. */
    public static final int ARPHRD_ETHER = 1;
    /** {@code ARPHRD_LOOPBACK}. */
    public static final int ARPHRD_LOOPBACK = 772;

    private ClassicHelpers() {}

    /**
     * Adds the helpers to a runtime under construction.
     *
     * @param deviceType what {@code SKF_AD_HATYPE} reads: the ARPHRD type of the device the
     *     packets arrive on ({@link #ARPHRD_ETHER} for Ethernet)
     */
    public static BpfRuntime.Builder register(BpfRuntime.Builder builder, int deviceType) {
        return builder
                .helper(HATYPE, "classic_hatype", prototype(HATYPE).orElseThrow(), (r1, r2, r3, r4, r5, h) -> deviceType & 0xffffL)
                .helper(PAY_OFFSET, "classic_pay_offset", prototype(PAY_OFFSET).orElseThrow(), PacketHelpers::payOffset)
                .helper(NLATTR, "classic_nlattr", prototype(NLATTR).orElseThrow(), PacketHelpers::nlattr)
                .helper(NLATTR_NEST, "classic_nlattr_nest", prototype(NLATTR_NEST).orElseThrow(), PacketHelpers::nlattrNest)
                .helper(LOAD_RELATIVE, "classic_load_relative", prototype(LOAD_RELATIVE).orElseThrow(), PacketHelpers.loadRelative(
                        deviceType == ARPHRD_ETHER || deviceType == ARPHRD_LOOPBACK ? 14 : 0));
    }

    /**
     * What the verifier checks a call of one of these helpers against: the context first, then
     * numbers (offsets, types, sizes: the helpers check them against the packet themselves), and a
     * number back. Empty for other ids.
     */
    public static java.util.Optional<HelperPrototype> prototype(int id) {
        return switch (id) {
            case HATYPE, PAY_OFFSET -> java.util.Optional.of(HelperPrototype.of(HelperReturnType.INTEGER,
                    HelperArgType.PTR_TO_CTX));
            case NLATTR, NLATTR_NEST, LOAD_RELATIVE -> java.util.Optional.of(HelperPrototype.of(HelperReturnType.INTEGER,
                    HelperArgType.PTR_TO_CTX, HelperArgType.ANYTHING, HelperArgType.ANYTHING));
            default -> java.util.Optional.empty();
        };
    }

    /** A runtime with the standard helpers and these, for Ethernet devices. */
    public static BpfRuntime runtime() {
        return register(BpfRuntime.builder(), ARPHRD_ETHER).build();
    }
}
