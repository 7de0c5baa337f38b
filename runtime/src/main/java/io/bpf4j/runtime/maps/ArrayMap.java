package io.bpf4j.runtime.maps;

import java.lang.foreign.MemorySegment;
import java.util.function.IntFunction;

/**
 * {@link MapType#ARRAY} and {@link MapType#PERCPU_ARRAY}: a 4-byte index (little-endian) selects
 * one of max_entries values, all of which always exist, zero-initialized. Updates write the value
 * in place; elements cannot be deleted ({@link Errno#EINVAL}).
 */
public final class ArrayMap extends SlotMap {
    ArrayMap(MapDefinition definition, CpuSlots cpuSlots) {
        super(definition, cpuSlots);
    }

    private int index(MemorySegment key, long offset) {
        int index = key.get(U32, offset);
        return Integer.compareUnsigned(index, maxEntries()) < 0 ? index : -1;
    }

    @Override
    int slotOf(MemorySegment key, long offset) {
        return index(key, offset);
    }

    @Override
    <T> T withSlot(MemorySegment key, long offset, IntFunction<T> reader) {
        int index = index(key, offset);
        return index < 0 ? null : reader.apply(index);
    }

    @Override
    int put(MemorySegment key, long offset, ValueSource value, long flags) {
        if (badUpdateFlags(flags)) {
            return -Errno.EINVAL;
        }
        int index = index(key, offset);
        if (index < 0) {
            return -Errno.E2BIG;
        }
        if ((flags & ~MapFlags.BPF_F_LOCK) == MapFlags.BPF_NOEXIST) {
            return -Errno.EEXIST; // every element of an array exists
        }
        value.write(this, index, false);
        return 0;
    }

    @Override
    int remove(MemorySegment key, long offset) {
        return -Errno.EINVAL;
    }

    @Override
    public int getNextKey(MemorySegment key, long keyOffset, MemorySegment nextKey, long nextKeyOffset) {
        return ArrayIndex.nextKey(maxEntries(), key, keyOffset, nextKey, nextKeyOffset);
    }

    @Override
    void forEachSlot(SlotVisitor visitor) {
        MemorySegment key = MemorySegment.ofArray(new byte[4]);
        for (int i = 0; i < maxEntries(); i++) {
            key.set(U32, 0, i);
            visitor.visit(key, 0, i);
        }
    }

    @Override
    public int size() {
        return maxEntries();
    }

    @Override
    String explain(String operation, int negativeErrno) {
        if (negativeErrno == -Errno.E2BIG) {
            return "the index is not below max_entries " + maxEntries();
        }
        if (negativeErrno == -Errno.EINVAL && operation.equals("delete")) {
            return "elements of an array cannot be deleted";
        }
        if (negativeErrno == -Errno.EEXIST) {
            return "every element of an array exists, so BPF_NOEXIST always fails";
        }
        return super.explain(operation, negativeErrno);
    }
}
