package io.bpf4j.runtime;

import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.Errno;
import java.lang.foreign.MemorySegment;

/**
 * The helpers that call back into the program: bpf_loop and bpf_for_each_map_elem. The callback
 * is a function of the program (a {@code lddw rX, func} code address) run in a new frame; it
 * returns 0 to go on and 1 to stop, as Linux's verifier requires.
 */
final class CallbackHelpers {
    private CallbackHelpers() {}

    static final int FOR_EACH_MAP_ELEM = 164;
    static final int LOOP = 181;
    /** Linux's BPF_MAX_LOOPS. */
    static final long MAX_LOOPS = 1 << 23;

    static HelperRegistry.Builder registerAll(HelperRegistry.Builder registry) {
        return registry
                .register(LOOP, "loop", CallbackHelpers::loop)
                .register(FOR_EACH_MAP_ELEM, "for_each_map_elem", CallbackHelpers::forEachMapElement);
    }

    /** bpf_loop(nr_loops, callback_fn, callback_ctx, flags): callback(i, ctx) for i in [0, nr_loops). */
    static long loop(long count, long callback, long callbackContext, long flags, long r5, HelperContext ctx) {
        if (flags != 0) {
            return -Errno.EINVAL;
        }
        long n = count & 0xffffffffL;
        if (n > MAX_LOOPS) {
            return -Errno.E2BIG;
        }
        for (long i = 0; i < n; i++) {
            if (ctx.callFunction(callback, i, callbackContext, 0, 0, 0) != 0) {
                return i + 1;
            }
        }
        return n;
    }

    /**
     * bpf_for_each_map_elem(map, callback_fn, callback_ctx, flags): callback(map, &key, &value, ctx)
     * for each element (the calling CPU's value of a per-CPU map); returns the number visited.
     */
    static long forEachMapElement(long mapHandle, long callback, long callbackContext, long flags, long r5,
                                  HelperContext ctx) {
        if (flags != 0) {
            return -Errno.EINVAL;
        }
        BpfMap map = ctx.map(mapHandle);
        // The key lives in a read-only scratch region of its own, rewritten for each element.
        MemorySegment keySlot = MemorySegment.ofArray(new long[(map.keySize() + 7) / 8]).asSlice(0, map.keySize());
        long keyAddress = ctx.memory().map("for_each_map_elem key", keySlot, false);
        long visited = 0;
        for (byte[] key : map.keys()) {
            MemorySegment.copy(key, 0, keySlot, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, key.length);
            long offset = map.lookupOffset(keySlot, 0, map.cpuSlots().current());
            if (offset < 0) {
                continue; // deleted since the snapshot of keys
            }
            visited++;
            long value = ctx.mapStorageAddress(map, offset);
            if (ctx.callFunction(callback, mapHandle, keyAddress, value, callbackContext, 0) != 0) {
                break;
            }
        }
        return visited;
    }
}
