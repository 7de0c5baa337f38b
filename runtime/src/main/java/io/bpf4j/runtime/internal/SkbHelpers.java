package io.bpf4j.runtime.internal;

import io.bpf4j.runtime.maps.Errno;

import io.bpf4j.runtime.HelperContext;
import io.bpf4j.runtime.HelperRegistry;
import io.bpf4j.runtime.Memory;
import io.bpf4j.runtime.ProgramFault;
import io.bpf4j.runtime.RunContext;
import io.bpf4j.runtime.types.Redirect;
import io.bpf4j.runtime.types.SkBuff;
import io.bpf4j.runtime.types.TcAction;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The skb helpers, under their Linux ids, as Linux implements them for an skb that is linear,
 * unshared and has {@code ip_summed == CHECKSUM_NONE} (what {@code bpf_prog_test_run} builds).
 * Offsets are from {@code skb->data}. Only {@code skb_load_bytes} is available to socket filter
 * and cgroup skb programs; the others are tc's (calling them from another program type faults, as
 * Linux's verifier would reject the program).
 *
 * <ul>
 * <li>{@code skb_load_bytes(skb, offset, to, len)}: -EFAULT (destination zeroed) outside the packet.
 * <li>{@code skb_store_bytes(skb, offset, from, len, flags)}: -EFAULT outside the packet, -EINVAL
 *     for unknown flags. {@code BPF_F_RECOMPUTE_CSUM} has nothing to do ({@code skb->csum} is only
 *     kept for CHECKSUM_COMPLETE); {@code BPF_F_INVALIDATE_HASH} clears the hash.
 * <li>{@code l3_csum_replace(skb, offset, from, to, flags)} and {@code l4_csum_replace(...)}:
 *     incremental update (RFC 1624) of the 16-bit checksum at offset; size 2 or 4 in the flags'
 *     low 4 bits, or 0 with from = 0 and a {@code csum_diff} result in to; -EFAULT for an odd or
 *     out-of-packet offset, -EINVAL for bad flags. l4 also takes {@code BPF_F_MARK_MANGLED_0} (a
 *     zero checksum, UDP's "none", is left alone and a result of zero is stored as 0xffff),
 *     {@code BPF_F_MARK_ENFORCE}, {@code BPF_F_PSEUDO_HDR} and {@code BPF_F_IPV6}; the last two
 *     only matter for CHECKSUM_COMPLETE and CHECKSUM_PARTIAL skbs, so they change nothing here.
 * <li>{@code csum_diff(from, from_size, to, to_size, seed)}: as Linux since its fix for
 *     architecture-dependent results (6.13): the one's complement sum of the to bytes with seed,
 *     minus that of the from bytes (with only from: the complement of the from bytes' sum with the
 *     complemented seed), folded to 16 bits; any sizes (odd ones too, a trailing byte counting as
 *     the low byte of a little-endian word), where older kernels wanted multiples of 4 and at most
 *     512 bytes and returned x86-64's unfolded 32-bit sum.
 * <li>{@code skb_vlan_push(skb, proto, tci)}, {@code skb_vlan_pop(skb)}: as Linux with VLAN
 *     acceleration: the tag lives out of band ({@code __sk_buff.vlan_present/vlan_tci/vlan_proto});
 *     a push while a tag is present first moves that tag into the packet after the MAC addresses;
 *     a pop clears the out-of-band tag, or removes one from the packet when there is none, then
 *     moves the next in-packet tag out of band. An unknown proto becomes 802.1Q.
 * <li>{@code skb_change_proto(skb, proto, flags)}: IPv4 to IPv6 (20 zeroed bytes inserted after
 *     the MAC header) and IPv6 to IPv4 (20 bytes removed there), setting {@code protocol} and
 *     clearing the hash; the program writes the new header. Other pairs: -ENOTSUPP.
 * <li>{@code skb_change_tail(skb, len, flags)}: trims or grows (zeroed bytes) the packet to len,
 *     at least the network header offset and at most {@value #MAX_LEN} bytes (Linux's
 *     BPF_SKB_MAX_LEN on x86-64), else -EINVAL.
 * <li>{@code skb_pull_data(skb, len)}: the packet is always linear: 0, or -ENOMEM if len exceeds it.
 * <li>{@code redirect(ifindex, flags)}: records the interface (and {@code BPF_F_INGRESS});
 *     TC_ACT_REDIRECT, or TC_ACT_SHOT for other flags. For XDP see {@link XdpHelpers}.
 * <li>{@code get_hash_recalc(skb)}: the skb's hash as given (bpf4j has no flow dissector),
 *     {@code set_hash_invalid(skb)}: clears it, {@code csum_update(skb, csum)}: -ENOTSUPP (no
 *     CHECKSUM_COMPLETE).
 * </ul>
 */
public final class SkbHelpers {
    private SkbHelpers() {}

    public static final int SKB_STORE_BYTES = 9;
    public static final int L3_CSUM_REPLACE = 10;
    public static final int L4_CSUM_REPLACE = 11;
    public static final int SKB_VLAN_PUSH = 18;
    public static final int SKB_VLAN_POP = 19;
    public static final int REDIRECT = 23;
    public static final int SKB_LOAD_BYTES = 26;
    public static final int CSUM_DIFF = 28;
    public static final int SKB_CHANGE_PROTO = 31;
    public static final int GET_HASH_RECALC = 34;
    public static final int SKB_CHANGE_TAIL = 38;
    public static final int SKB_PULL_DATA = 39;
    public static final int CSUM_UPDATE = 40;
    public static final int SET_HASH_INVALID = 41;

    public static final long BPF_F_RECOMPUTE_CSUM = 1;
    public static final long BPF_F_INVALIDATE_HASH = 1 << 1;
    public static final long BPF_F_HDR_FIELD_MASK = 0xf;
    public static final long BPF_F_PSEUDO_HDR = 1 << 4;
    public static final long BPF_F_MARK_MANGLED_0 = 1 << 5;
    public static final long BPF_F_MARK_ENFORCE = 1 << 6;
    public static final long BPF_F_IPV6 = 1 << 7;
    /** BPF_SKB_MAX_LEN: SKB_MAX_ALLOC, 16 KiB less the 320-byte shared-info block (x86-64, 4 KiB pages). */
    public static final int MAX_LEN = 16384 - 320;
    static final int VLAN_HLEN = 4;
    static final int IPV6_IPV4_HEADER_DIFFERENCE = 20;

    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final String SKB_CONTEXT = "the skb context (struct __sk_buff)";

    static HelperRegistry.Builder registerAll(HelperRegistry.Builder registry) {
        return registry
                .register(SKB_LOAD_BYTES, "skb_load_bytes", SkbHelpers::loadBytes)
                .register(SKB_STORE_BYTES, "skb_store_bytes", SkbHelpers::storeBytes)
                .register(L3_CSUM_REPLACE, "l3_csum_replace", SkbHelpers::l3CsumReplace)
                .register(L4_CSUM_REPLACE, "l4_csum_replace", SkbHelpers::l4CsumReplace)
                .register(CSUM_DIFF, "csum_diff", SkbHelpers::csumDiff)
                .register(SKB_VLAN_PUSH, "skb_vlan_push", SkbHelpers::vlanPush)
                .register(SKB_VLAN_POP, "skb_vlan_pop", SkbHelpers::vlanPop)
                .register(SKB_CHANGE_PROTO, "skb_change_proto", SkbHelpers::changeProto)
                .register(SKB_CHANGE_TAIL, "skb_change_tail", SkbHelpers::changeTail)
                .register(SKB_PULL_DATA, "skb_pull_data", SkbHelpers::pullData)
                .register(REDIRECT, "redirect", SkbHelpers::redirect)
                .register(GET_HASH_RECALC, "get_hash_recalc",
                        (skb, b, c, d, e, h) -> skb(h, skb, "get_hash_recalc").hash & 0xffffffffL)
                .register(SET_HASH_INVALID, "set_hash_invalid", (skb, b, c, d, e, h) -> {
                    tc(h, skb, "set_hash_invalid").hash = 0;
                    return 0;
                })
                .register(CSUM_UPDATE, "csum_update", (skb, b, c, d, e, h) -> {
                    tc(h, skb, "csum_update");
                    return -Errno.ENOTSUPP;
                });
    }

    private static SkbContext skb(HelperContext h, long r1, String helper) {
        return HelperArgs.context(h, r1, SkbContext.class, helper, SKB_CONTEXT);
    }

    /** The skb context of a tc-only helper. */
    private static SkbContext tc(HelperContext h, long r1, String helper) {
        SkbContext skb = skb(h, r1, helper);
        if (!skb.isTc()) {
            throw new ProgramFault(h.pc(), "helper " + helper + " is not available to " + skb.type() + " programs (tc only)");
        }
        return skb;
    }

    // ------------------------------------------------------------------ bytes

    static long loadBytes(long r1, long offset, long to, long len, long r5, HelperContext h) {
        SkbContext skb = skb(h, r1, "skb_load_bytes");
        Memory memory = h.memory();
        int n = HelperArgs.size(len);
        long toOffset = memory.checkedOffset(to, n, true, h.pc());
        MemorySegment destination = memory.segmentOf(to);
        long off = offset & 0xffffffffL;
        if (off > Integer.MAX_VALUE || off + n > skb.length()) {
            destination.asSlice(toOffset, n).fill((byte) 0);
            return -Errno.EFAULT;
        }
        MemorySegment.copy(skb.buffer(), skb.data + off, destination, toOffset, n);
        return 0;
    }

    static long storeBytes(long r1, long offset, long from, long len, long flags, HelperContext h) {
        SkbContext skb = tc(h, r1, "skb_store_bytes");
        Memory memory = h.memory();
        int n = HelperArgs.size(len);
        long fromOffset = memory.checkedOffset(from, n, false, h.pc());
        if ((flags & ~(BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH)) != 0) {
            return -Errno.EINVAL;
        }
        long off = offset & 0xffffffffL;
        if (off > Integer.MAX_VALUE || off + n > skb.length()) {
            return -Errno.EFAULT;
        }
        MemorySegment.copy(memory.segmentOf(from), fromOffset, skb.buffer(), skb.data + off, n);
        if ((flags & BPF_F_INVALIDATE_HASH) != 0) {
            skb.hash = 0;
        }
        return 0;
    }

    // ------------------------------------------------------------------ checksums

    /** Offset in the buffer of a checksum field at packet offset {@code offset}, or a negative errno. */
    private static long checksumField(SkbContext skb, long offset) {
        long off = offset & 0xffffffffL;
        if (off > 0xffff || (off & 1) != 0 || off + 2 > skb.length()) {
            return -Errno.EFAULT;
        }
        return skb.data + off;
    }

    static long l3CsumReplace(long r1, long offset, long from, long to, long flags, HelperContext h) {
        SkbContext skb = tc(h, r1, "l3_csum_replace");
        if ((flags & ~BPF_F_HDR_FIELD_MASK) != 0) {
            return -Errno.EINVAL;
        }
        long at = checksumField(skb, offset);
        if (at < 0) {
            return at;
        }
        int field = skb.buffer().get(LE16, at) & 0xffff;
        int updated;
        switch ((int) (flags & BPF_F_HDR_FIELD_MASK)) {
            case 0 -> {
                if (from != 0) {
                    return -Errno.EINVAL;
                }
                updated = Checksums.replaceByDiff(field, to & 0xffffffffL);
            }
            case 2 -> updated = Checksums.replace2(field, from, to);
            case 4 -> updated = Checksums.replace4(field, from & 0xffffffffL, to & 0xffffffffL);
            default -> {
                return -Errno.EINVAL;
            }
        }
        skb.buffer().set(LE16, at, (short) updated);
        return 0;
    }

    static long l4CsumReplace(long r1, long offset, long from, long to, long flags, HelperContext h) {
        SkbContext skb = tc(h, r1, "l4_csum_replace");
        boolean mangledZero = (flags & BPF_F_MARK_MANGLED_0) != 0;
        boolean enforce = (flags & BPF_F_MARK_ENFORCE) != 0;
        if ((flags & ~(BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | BPF_F_PSEUDO_HDR | BPF_F_IPV6 | BPF_F_HDR_FIELD_MASK)) != 0) {
            return -Errno.EINVAL;
        }
        long at = checksumField(skb, offset);
        if (at < 0) {
            return at;
        }
        int field = skb.buffer().get(LE16, at) & 0xffff;
        if (mangledZero && !enforce && field == 0) {
            return 0;
        }
        int updated;
        switch ((int) (flags & BPF_F_HDR_FIELD_MASK)) {
            case 0 -> {
                if (from != 0) {
                    return -Errno.EINVAL;
                }
                updated = Checksums.replaceByDiff(field, to & 0xffffffffL);
            }
            case 2 -> updated = Checksums.replace2(field, from, to);
            case 4 -> updated = Checksums.replace4(field, from & 0xffffffffL, to & 0xffffffffL);
            default -> {
                return -Errno.EINVAL;
            }
        }
        if (mangledZero && updated == 0) {
            updated = 0xffff; // CSUM_MANGLED_0
        }
        skb.buffer().set(LE16, at, (short) updated);
        return 0;
    }

    static long csumDiff(long from, long fromSize, long to, long toSize, long seed, HelperContext h) {
        long fromBytes = fromSize & 0xffffffffL;
        long toBytes = toSize & 0xffffffffL;
        long seed32 = seed & 0xffffffffL;
        long sum;
        if (fromBytes > 0 && toBytes > 0) {
            sum = Checksums.sub(partialSum(to, toBytes, seed32, h), partialSum(from, fromBytes, 0, h));
        } else if (toBytes > 0) {
            sum = partialSum(to, toBytes, seed32, h);
        } else if (fromBytes > 0) {
            sum = ~partialSum(from, fromBytes, ~seed32 & 0xffffffffL, h) & 0xffffffffL;
        } else {
            sum = seed32;
        }
        return Checksums.fold16(sum);
    }

    /** Linux's csum_partial: the 32-bit one's complement sum of little-endian 16-bit words and a seed. */
    private static long partialSum(long address, long length, long seed, HelperContext h) {
        Memory memory = h.memory();
        // a length beyond any region (2 GiB at most) fails the region check like any other overrun
        long o = memory.checkedOffset(address, (int) Math.min(length, Integer.MAX_VALUE), false, h.pc());
        MemorySegment s = memory.segmentOf(address);
        long sum = seed;
        long i = 0;
        for (; i + 1 < length; i += 2) {
            sum += s.get(LE16, o + i) & 0xffff;
        }
        if (i < length) {
            sum += s.get(ValueLayout.JAVA_BYTE, o + i) & 0xff;
        }
        return Checksums.fold32(sum);
    }

    // ------------------------------------------------------------------ VLAN

    private static boolean isVlan(int protocol) {
        return protocol == SkBuff.ETH_P_8021Q || protocol == SkBuff.ETH_P_8021AD;
    }

    static long vlanPush(long r1, long vlanProto, long vlanTci, long r4, long r5, HelperContext h) {
        SkbContext skb = tc(h, r1, "skb_vlan_push");
        int proto = Short.reverseBytes((short) vlanProto) & 0xffff; // __be16 argument
        if (!isVlan(proto)) {
            proto = SkBuff.ETH_P_8021Q;
        }
        if (skb.vlanPresent) {
            // the present tag goes into the packet, after the MAC addresses
            if (skb.macLength < SkBuff.ETH_HLEN) {
                return -Errno.EINVAL;
            }
            skb.ensureRoom(VLAN_HLEN, 0, h);
            MemorySegment b = skb.buffer();
            MemorySegment.copy(b, skb.data, b, skb.data - VLAN_HLEN, 12);
            skb.data -= VLAN_HLEN;
            b.set(BE16, skb.data + 12, (short) skb.vlanProto);
            b.set(BE16, skb.data + 14, (short) skb.vlanTci);
            skb.protocol = skb.vlanProto;
            skb.macLength += VLAN_HLEN;
            skb.networkOffset += VLAN_HLEN;
        }
        skb.vlanPresent = true;
        skb.vlanProto = proto;
        skb.vlanTci = (int) vlanTci & 0xffff;
        skb.updateWindow(h);
        return 0;
    }

    static long vlanPop(long r1, long r2, long r3, long r4, long r5, HelperContext h) {
        SkbContext skb = tc(h, r1, "skb_vlan_pop");
        if (skb.vlanPresent) {
            skb.vlanPresent = false;
            skb.vlanProto = 0;
            skb.vlanTci = 0;
        } else {
            if (!isVlan(skb.protocol)) {
                return 0;
            }
            int err = popPacketTag(skb, h);
            if (err != 0) {
                return err;
            }
        }
        // move the next tag, if any, out of band
        if (isVlan(skb.protocol)) {
            int proto = skb.protocol;
            int tci = skb.buffer().get(BE16, skb.data + 14) & 0xffff;
            int err = popPacketTag(skb, h);
            if (err != 0) {
                return err;
            }
            skb.vlanPresent = true;
            skb.vlanProto = proto;
            skb.vlanTci = tci;
        }
        skb.updateWindow(h);
        return 0;
    }

    /** Removes the VLAN header after the MAC addresses, as Linux's __skb_vlan_pop. */
    private static int popPacketTag(SkbContext skb, HelperContext h) {
        if (skb.macLength < SkBuff.ETH_HLEN) {
            return -Errno.EINVAL;
        }
        if (skb.length() < SkBuff.ETH_HLEN + VLAN_HLEN) {
            return -Errno.ENOMEM;
        }
        MemorySegment b = skb.buffer();
        int inner = b.get(BE16, skb.data + 16) & 0xffff;
        if (inner >= 0x0600) {
            skb.protocol = inner;
        } else {
            boolean raw = skb.length() >= 20 && b.get(BE16, skb.data + 18) == (short) 0xffff;
            skb.protocol = raw ? 0x0001 : 0x0004;
        }
        MemorySegment.copy(b, skb.data, b, skb.data + VLAN_HLEN, 12);
        skb.data += VLAN_HLEN;
        skb.networkOffset = Math.max(skb.networkOffset - VLAN_HLEN, SkBuff.ETH_HLEN);
        skb.macLength = skb.networkOffset;
        skb.updateWindow(h);
        return 0;
    }

    // ------------------------------------------------------------------ size and protocol

    static long changeProto(long r1, long proto, long flags, long r4, long r5, HelperContext h) {
        SkbContext skb = tc(h, r1, "skb_change_proto");
        if (flags != 0) {
            return -Errno.EINVAL;
        }
        int to = Short.reverseBytes((short) proto) & 0xffff; // __be16 argument
        int off = skb.macLength;
        int diff = IPV6_IPV4_HEADER_DIFFERENCE;
        MemorySegment b;
        if (skb.protocol == SkBuff.ETH_P_IP && to == SkBuff.ETH_P_IPV6) {
            skb.ensureRoom(diff, 0, h);
            b = skb.buffer();
            MemorySegment.copy(b, skb.data, b, skb.data - diff, off);
            skb.data -= diff;
            b.asSlice(skb.data + off, diff).fill((byte) 0);
        } else if (skb.protocol == SkBuff.ETH_P_IPV6 && to == SkBuff.ETH_P_IP) {
            if (skb.length() < off + diff) {
                return -Errno.ENOMEM;
            }
            b = skb.buffer();
            MemorySegment.copy(b, skb.data, b, skb.data + diff, off);
            skb.data += diff;
        } else {
            return -Errno.ENOTSUPP;
        }
        skb.protocol = to;
        skb.hash = 0;
        skb.updateWindow(h);
        return 0;
    }

    static long changeTail(long r1, long len, long flags, long r4, long r5, HelperContext h) {
        SkbContext skb = tc(h, r1, "skb_change_tail");
        long newLength = len & 0xffffffffL;
        if (flags != 0 || newLength > MAX_LEN || newLength < skb.networkOffset) {
            return -Errno.EINVAL;
        }
        int grow = (int) newLength - skb.length();
        if (grow > 0) {
            skb.ensureRoom(0, grow, h);
            skb.buffer().asSlice(skb.end, grow).fill((byte) 0);
        }
        skb.end = skb.data + (int) newLength;
        skb.updateWindow(h);
        return 0;
    }

    static long pullData(long r1, long len, long r3, long r4, long r5, HelperContext h) {
        SkbContext skb = tc(h, r1, "skb_pull_data");
        return (len & 0xffffffffL) > skb.length() ? -Errno.ENOMEM : 0;
    }

    // ------------------------------------------------------------------ redirect

    /** bpf_redirect for XDP and tc programs, which Linux gives different semantics under one id. */
    static long redirect(long ifindex, long flags, long r3, long r4, long r5, HelperContext h) {
        RunContext run = h.runContext();
        if (run instanceof XdpContext xdp) {
            return XdpHelpers.redirect(xdp, ifindex, flags);
        }
        if (run instanceof SkbContext skb && skb.isTc()) {
            if ((flags & ~Redirect.INGRESS) != 0) {
                return TcAction.SHOT.value();
            }
            skb.redirect = Redirect.toInterface((int) ifindex, flags);
            return TcAction.REDIRECT.value();
        }
        throw new ProgramFault(h.pc(), "helper redirect is only available to XDP and tc programs; this run is "
                + (run == null ? "on plain memory" : "of a " + run.type() + " program"));
    }
}
