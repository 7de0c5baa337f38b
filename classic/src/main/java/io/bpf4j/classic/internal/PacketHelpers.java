package io.bpf4j.classic.internal;

import io.bpf4j.runtime.ContextAccess;
import io.bpf4j.runtime.HelperContext;
import io.bpf4j.runtime.HelperRegistry;
import io.bpf4j.runtime.Memory;
import io.bpf4j.runtime.ProgramFault;

/**
 * The classic ancillary loads that read the packet in Java: payload offset and netlink attribute
 * lookups, with Linux's results ({@code skb_get_poff}, {@code bpf_skb_get_nlattr},
 * {@code bpf_skb_get_nlattr_nest}). They read the packet through the runtime's own
 * {@code skb_load_bytes}, into a scratch region of the run, so they need nothing the runtime does
 * not export.
 */
public final class PacketHelpers {
    private static final int SKB_LOAD_BYTES = 26;
    private static final int NLA_HDRLEN = 4;
    private static final io.bpf4j.runtime.HelperFunction LOAD_BYTES = HelperRegistry.standard().find(SKB_LOAD_BYTES)
            .orElseThrow(() -> new IllegalStateException("the runtime has no skb_load_bytes")).function();

    private PacketHelpers() {}

    /** The packet the skb context at {@code ctx} holds, from data to its end. */
    static byte[] packet(long ctx, HelperContext h) {
        Memory memory = h.memory();
        ContextAccess context = memory.contextOf(ctx);
        if (context == null) {
            throw new ProgramFault(h.pc(), "a classic ancillary helper was called without the skb context in r1");
        }
        int length = (int) context.load(ctx, Converter.SKB_LEN, 4, h.pc());
        byte[] bytes = new byte[length];
        if (length == 0) {
            return bytes;
        }
        long scratch = memory.map("classic ancillary packet copy", bytes);
        long rc = LOAD_BYTES.call(ctx, 0, scratch, length, 0, h);
        if (rc != 0) {
            throw new ProgramFault(h.pc(), "reading the packet for an ancillary load failed: " + rc);
        }
        return bytes;
    }

    public static long payOffset(long ctx, long r2, long r3, long r4, long r5, HelperContext h) {
        byte[] p = packet(ctx, h);
        ContextAccess context = h.memory().contextOf(ctx);
        int protocol = Short.reverseBytes((short) context.load(ctx, Converter.SKB_PROTOCOL, 4, h.pc())) & 0xffff;
        return FlowDissector.payloadOffset(p, protocol) & 0xffffffffL;
    }

    public static long nlattr(long ctx, long a, long x, long r4, long r5, HelperContext h) {
        byte[] p = packet(ctx, h);
        long offset = a & 0xffffffffL;
        if (p.length < NLA_HDRLEN || offset > p.length - NLA_HDRLEN) {
            return 0;
        }
        return find(p, (int) offset, p.length - (int) offset, (int) x);
    }

    public static long nlattrNest(long ctx, long a, long x, long r4, long r5, HelperContext h) {
        byte[] p = packet(ctx, h);
        long offset = a & 0xffffffffL;
        if (p.length < NLA_HDRLEN || offset > p.length - NLA_HDRLEN) {
            return 0;
        }
        int at = (int) offset;
        int nlaLen = u16(p, at);
        if (nlaLen > p.length - at) {
            return 0;
        }
        return find(p, at + NLA_HDRLEN, nlaLen - NLA_HDRLEN, (int) x);
    }

    /**
     * Linux's {@code bpf_internal_load_pointer_neg_helper}: {@code offset} (a classic k, or X + k)
     * from {@code SKF_NET_OFF} on counts from the network header, from {@code SKF_LL_OFF} on from
     * the link-layer header, below that nothing; -1 when outside the packet.
     */
    public static io.bpf4j.runtime.HelperFunction loadRelative(int networkOffset) {
        return (ctx, offset, size, r4, r5, h) -> {
            int k = (int) offset;
            long at;
            if (k >= io.bpf4j.classic.ClassicOpcodes.SKF_NET_OFF) {
                at = networkOffset + (long) (k - io.bpf4j.classic.ClassicOpcodes.SKF_NET_OFF);
            } else if (k >= io.bpf4j.classic.ClassicOpcodes.SKF_LL_OFF) {
                at = k - io.bpf4j.classic.ClassicOpcodes.SKF_LL_OFF;
            } else {
                return -1;
            }
            byte[] p = packet(ctx, h);
            int n = (int) size;
            if (at < 0 || at + n > p.length) {
                return -1;
            }
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = v << 8 | (p[(int) at + i] & 0xff);
            }
            return v;
        };
    }

    /** Linux's {@code nla_find}: the offset of the first attribute of {@code type} in {@code [at, at + length)}, or 0. */
    private static long find(byte[] p, int at, int length, int type) {
        int rem = length;
        int pos = at;
        while (rem >= NLA_HDRLEN) {
            int nlaLen = u16(p, pos);
            if (nlaLen < NLA_HDRLEN || nlaLen > rem) {
                break;
            }
            if ((u16(p, pos + 2) & 0x3fff) == type) {
                return pos;
            }
            int aligned = (nlaLen + 3) & ~3;
            pos += aligned;
            rem -= aligned;
        }
        return 0;
    }

    /** A host-order (little-endian) u16, as netlink headers hold them. */
    private static int u16(byte[] p, int at) {
        return (p[at] & 0xff) | (p[at + 1] & 0xff) << 8;
    }
}
