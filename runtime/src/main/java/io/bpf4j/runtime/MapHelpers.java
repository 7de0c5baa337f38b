package io.bpf4j.runtime;

import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.Errno;
import io.bpf4j.runtime.maps.MapOfMaps;
import io.bpf4j.runtime.maps.RingBufMap;

/**
 * The Linux helpers that operate on maps, under their Linux ids. Keys and values are read and
 * written in place in program memory (checked against their regions); errors are returned to the
 * program as negative errno values, as Linux does.
 */
final class MapHelpers {
    private MapHelpers() {}

    static final int MAP_LOOKUP_ELEM = 1;
    static final int MAP_UPDATE_ELEM = 2;
    static final int MAP_DELETE_ELEM = 3;
    static final int MAP_PUSH_ELEM = 87;
    static final int MAP_POP_ELEM = 88;
    static final int MAP_PEEK_ELEM = 89;
    static final int RINGBUF_OUTPUT = 130;
    static final int RINGBUF_RESERVE = 131;
    static final int RINGBUF_SUBMIT = 132;
    static final int RINGBUF_DISCARD = 133;
    static final int RINGBUF_QUERY = 134;

    /** map_lookup_elem as registered: compiled code may inline calls to this very function (Interpreter#callsMapLookup). */
    static final HelperFunction LOOKUP = MapHelpers::lookup;

    static HelperRegistry.Builder registerAll(HelperRegistry.Builder registry) {
        return registry
                .register(MAP_LOOKUP_ELEM, "map_lookup_elem", LOOKUP)
                .register(MAP_UPDATE_ELEM, "map_update_elem", MapHelpers::update)
                .register(MAP_DELETE_ELEM, "map_delete_elem", MapHelpers::delete)
                .register(MAP_PUSH_ELEM, "map_push_elem", MapHelpers::push)
                .register(MAP_POP_ELEM, "map_pop_elem", MapHelpers::pop)
                .register(MAP_PEEK_ELEM, "map_peek_elem", MapHelpers::peek)
                .register(RINGBUF_OUTPUT, "ringbuf_output", MapHelpers::ringbufOutput)
                .register(RINGBUF_RESERVE, "ringbuf_reserve", MapHelpers::ringbufReserve)
                .register(RINGBUF_SUBMIT, "ringbuf_submit", (sample, flags, c, d, e, ctx) -> ringbufCommit(sample, flags, ctx, false))
                .register(RINGBUF_DISCARD, "ringbuf_discard", (sample, flags, c, d, e, ctx) -> ringbufCommit(sample, flags, ctx, true))
                .register(RINGBUF_QUERY, "ringbuf_query", MapHelpers::ringbufQuery);
    }

    /** Returns a pointer to the value (or, for a map of maps, a reference to the inner map), or 0. */
    static long lookup(long mapHandle, long key, long r3, long r4, long r5, HelperContext ctx) {
        BpfMap map = ctx.map(mapHandle);
        Memory memory = ctx.memory();
        long keyOffset = memory.checkedOffset(key, map.keySize(), false, ctx.pc());
        if (map instanceof MapOfMaps outer) {
            BpfMap inner = outer.lookupMap(memory.segmentOf(key), keyOffset);
            return inner == null ? 0 : ctx.mapHandle(inner);
        }
        long offset = map.lookupOffset(memory.segmentOf(key), keyOffset, cpu(map));
        return offset < 0 ? 0 : ctx.mapStorageAddress(map, offset);
    }

    static long update(long mapHandle, long key, long value, long flags, long r5, HelperContext ctx) {
        BpfMap map = ctx.map(mapHandle);
        Memory memory = ctx.memory();
        long keyOffset = memory.checkedOffset(key, map.keySize(), false, ctx.pc());
        long valueOffset = memory.checkedOffset(value, map.valueSize(), false, ctx.pc());
        return map.update(memory.segmentOf(key), keyOffset, memory.segmentOf(value), valueOffset, flags, cpu(map));
    }

    /**
     * The program's CPU slot in {@code map}: only a per-CPU map asks the thread's slot (a
     * thread-local lookup, a large part of a hash lookup's cost); every other map has one.
     */
    private static int cpu(BpfMap map) {
        return map.cpuCount() == 1 ? 0 : map.cpuSlots().current();
    }

    static long delete(long mapHandle, long key, long r3, long r4, long r5, HelperContext ctx) {
        BpfMap map = ctx.map(mapHandle);
        Memory memory = ctx.memory();
        long keyOffset = memory.checkedOffset(key, map.keySize(), false, ctx.pc());
        return map.delete(memory.segmentOf(key), keyOffset);
    }

    /** A queue or stack operation on a value buffer in program memory. */
    private interface ValueOperation {
        int apply(BpfMap map, java.lang.foreign.MemorySegment segment, long offset);
    }

    /** Checks the value buffer (writable if the operation fills it) and applies the operation. */
    private static long onValue(long mapHandle, long value, boolean fills, HelperContext ctx, ValueOperation op) {
        BpfMap map = ctx.map(mapHandle);
        Memory memory = ctx.memory();
        long valueOffset = memory.checkedOffset(value, map.valueSize(), fills, ctx.pc());
        return op.apply(map, memory.segmentOf(value), valueOffset);
    }

    static long push(long mapHandle, long value, long flags, long r4, long r5, HelperContext ctx) {
        return onValue(mapHandle, value, false, ctx, (map, segment, offset) -> map.push(segment, offset, flags));
    }

    static long pop(long mapHandle, long value, long r3, long r4, long r5, HelperContext ctx) {
        return onValue(mapHandle, value, true, ctx, BpfMap::pop);
    }

    static long peek(long mapHandle, long value, long r3, long r4, long r5, HelperContext ctx) {
        return onValue(mapHandle, value, true, ctx, BpfMap::peek);
    }

    private static RingBufMap ringbuf(long mapHandle, HelperContext ctx) {
        BpfMap map = ctx.map(mapHandle);
        if (!(map instanceof RingBufMap ring)) {
            throw new ProgramFault(ctx.pc(), "map '" + map.name() + "' is a " + map.type() + ", not a ring buffer");
        }
        return ring;
    }

    static long ringbufOutput(long mapHandle, long data, long size, long flags, long r5, HelperContext ctx) {
        RingBufMap ring = ringbuf(mapHandle, ctx);
        if (size < 0 || size > Integer.MAX_VALUE) {
            return -Errno.EINVAL;
        }
        Memory memory = ctx.memory();
        long dataOffset = memory.checkedOffset(data, (int) size, false, ctx.pc());
        return ring.output(memory.segmentOf(data), dataOffset, size, flags);
    }

    static long ringbufReserve(long mapHandle, long size, long flags, long r4, long r5, HelperContext ctx) {
        RingBufMap ring = ringbuf(mapHandle, ctx);
        long offset = ring.reserve(size, flags);
        return offset < 0 ? 0 : ctx.mapStorageAddress(ring, offset);
    }

    private static long ringbufCommit(long sample, long flags, HelperContext ctx, boolean discard) {
        HelperContext.MapPointer p = ctx.mapPointer(sample);
        if (p == null || !(p.map() instanceof RingBufMap ring)) {
            throw new ProgramFault(ctx.pc(), String.format("0x%x is not a ring-buffer sample from ringbuf_reserve", sample));
        }
        int result = discard ? ring.discard(p.storageOffset(), flags) : ring.submit(p.storageOffset(), flags);
        if (result < 0) {
            throw new ProgramFault(ctx.pc(), String.format("0x%x is not a reserved, uncommitted ring-buffer sample", sample));
        }
        return 0;
    }

    static long ringbufQuery(long mapHandle, long flags, long r3, long r4, long r5, HelperContext ctx) {
        return ringbuf(mapHandle, ctx).query(flags);
    }
}
