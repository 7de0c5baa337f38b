package io.bpf4j.runtime.internal;

import io.bpf4j.runtime.maps.Errno;

import io.bpf4j.runtime.HelperContext;
import io.bpf4j.runtime.HelperRegistry;
import io.bpf4j.runtime.Memory;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.types.Redirect;
import io.bpf4j.runtime.types.XdpAction;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The XDP helpers, under their Linux ids, with Linux's limits and errors.
 *
 * <ul>
 * <li>{@code xdp_adjust_head(ctx, delta)}: data moves by delta (negative grows the packet at the
 *     front); it may not go below {@code sizeof(struct xdp_frame)} (40) plus the metadata, nor
 *     leave less than 14 bytes; metadata moves with it. -EINVAL otherwise.
 * <li>{@code xdp_adjust_meta(ctx, delta)}: data_meta moves by delta, not below 40 bytes into the
 *     frame nor past data (-EINVAL); the metadata must stay a multiple of 4 and under 256 bytes
 *     (-EACCES; the headroom bounds it first). Linux allowed only 32 bytes before 6.x.
 * <li>{@code xdp_adjust_tail(ctx, delta)}: data_end moves by delta, not past the frame's end less
 *     the shared-info block, and leaving at least 14 bytes (-EINVAL); grown bytes are zeroed.
 * <li>{@code redirect(ifindex, flags)} (id 23, shared with tc: see {@link SkbHelpers}): records
 *     the interface; XDP_REDIRECT, or XDP_ABORTED for any flag.
 * <li>{@code redirect_map(map, key, flags)}: bpf4j has no devmap, xskmap or cpumap, so any map
 *     stands in for one: the redirect succeeds when the map has an element under the u32 (or u64)
 *     key, and records map and key; XDP_REDIRECT then. Otherwise the redirect state is cleared and
 *     the low two bits of flags are the result (the fallback action), as in Linux, except that
 *     {@code BPF_F_BROADCAST} records a broadcast redirect whatever the key. Flags beyond the
 *     action bits, BROADCAST and EXCLUDE_INGRESS give XDP_ABORTED.
 * <li>{@code xdp_get_buff_len(ctx)}, {@code xdp_load_bytes(ctx, offset, buf, len)},
 *     {@code xdp_store_bytes(ctx, offset, buf, len)}: on the linear frame (bpf4j has no
 *     fragments); -EINVAL when the range is not within the packet.
 * </ul>
 */
public final class XdpHelpers {
    private XdpHelpers() {}

    public static final int REDIRECT_MAP = 51;
    public static final int XDP_ADJUST_HEAD = 44;
    public static final int XDP_ADJUST_META = 54;
    public static final int XDP_ADJUST_TAIL = 65;
    public static final int XDP_GET_BUFF_LEN = 188;
    public static final int XDP_LOAD_BYTES = 189;
    public static final int XDP_STORE_BYTES = 190;
    private static final String XDP_CONTEXT = "the XDP context (struct xdp_md)";
    private static final long ACTION_MASK = 3;

    static HelperRegistry.Builder registerAll(HelperRegistry.Builder registry) {
        return registry
                .register(XDP_ADJUST_HEAD, "xdp_adjust_head",
                        (ctx, delta, c, d, e, h) -> xdp(h, ctx, "xdp_adjust_head").adjustHead((int) delta))
                .register(XDP_ADJUST_META, "xdp_adjust_meta",
                        (ctx, delta, c, d, e, h) -> xdp(h, ctx, "xdp_adjust_meta").adjustMeta((int) delta))
                .register(XDP_ADJUST_TAIL, "xdp_adjust_tail",
                        (ctx, delta, c, d, e, h) -> xdp(h, ctx, "xdp_adjust_tail").adjustTail((int) delta))
                .register(REDIRECT_MAP, "redirect_map", XdpHelpers::redirectMap)
                .register(XDP_GET_BUFF_LEN, "xdp_get_buff_len",
                        (ctx, b, c, d, e, h) -> xdp(h, ctx, "xdp_get_buff_len").packetLength())
                .register(XDP_LOAD_BYTES, "xdp_load_bytes", (ctx, offset, buf, len, e, h) -> copy(h, ctx, offset, buf, len, false))
                .register(XDP_STORE_BYTES, "xdp_store_bytes", (ctx, offset, buf, len, e, h) -> copy(h, ctx, offset, buf, len, true));
    }

    private static XdpContext xdp(HelperContext h, long r1, String helper) {
        return HelperArgs.context(h, r1, XdpContext.class, helper, XDP_CONTEXT);
    }

    /** The XDP flavour of bpf_redirect. */
    static long redirect(XdpContext xdp, long ifindex, long flags) {
        if (flags != 0) {
            return XdpAction.ABORTED.value();
        }
        xdp.redirect = Redirect.toInterface((int) ifindex, 0);
        return XdpAction.REDIRECT.value();
    }

    static long redirectMap(long mapHandle, long key, long flags, long r4, long r5, HelperContext h) {
        XdpContext xdp = HelperArgs.runContext(h, XdpContext.class, "redirect_map", "XDP programs");
        BpfMap map = h.map(mapHandle);
        if ((flags & ~(ACTION_MASK | Redirect.BROADCAST | Redirect.EXCLUDE_INGRESS)) != 0) {
            return XdpAction.ABORTED.value();
        }
        boolean broadcast = (flags & Redirect.BROADCAST) != 0;
        if (!broadcast && !hasKey(map, key)) {
            xdp.redirect = null;
            return flags & ACTION_MASK;
        }
        xdp.redirect = Redirect.throughMap(map, broadcast ? 0 : key, broadcast ? flags & ~ACTION_MASK : 0);
        return XdpAction.REDIRECT.value();
    }

    private static boolean hasKey(BpfMap map, long key) {
        byte[] bytes;
        if (map.keySize() == 4) {
            bytes = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) key).array();
        } else if (map.keySize() == 8) {
            bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(key).array();
        } else {
            return false;
        }
        try {
            return map.lookup(bytes).isPresent();
        } catch (RuntimeException e) {
            return false; // a map type without lookups (a queue, a ring buffer) holds no targets
        }
    }

    private static long copy(HelperContext h, long r1, long offset, long buf, long len, boolean store) {
        XdpContext xdp = xdp(h, r1, store ? "xdp_store_bytes" : "xdp_load_bytes");
        int n = HelperArgs.size(len);
        Memory memory = h.memory();
        long bufOffset = memory.checkedOffset(buf, Math.max(n, 0), !store, h.pc());
        long off = offset & 0xffffffffL;
        if (n < 0 || off + n > xdp.packetLength()) {
            return -Errno.EINVAL;
        }
        MemorySegment program = memory.segmentOf(buf);
        long packet = xdp.dataOffset() + off;
        if (store) {
            MemorySegment.copy(program, bufOffset, xdp.buffer(), packet, n);
        } else {
            MemorySegment.copy(xdp.buffer(), packet, program, bufOffset, n);
        }
        return 0;
    }
}
