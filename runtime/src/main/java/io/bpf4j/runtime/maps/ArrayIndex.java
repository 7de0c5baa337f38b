package io.bpf4j.runtime.maps;

import java.lang.foreign.MemorySegment;

/** Linux's get_next_key for array-like maps keyed by a 4-byte index. */
final class ArrayIndex {
    private ArrayIndex() {}

    /** Index 0 after a null or out-of-range key, -ENOENT after the last index, else the next index. */
    static int nextKey(int maxEntries, MemorySegment key, long keyOffset, MemorySegment nextKey, long nextKeyOffset) {
        int next = 0;
        if (key != null) {
            int index = key.get(BpfMap.U32, keyOffset);
            if (Integer.compareUnsigned(index, maxEntries) < 0) {
                if (index == maxEntries - 1) {
                    return -Errno.ENOENT;
                }
                next = index + 1;
            }
        }
        nextKey.set(BpfMap.U32, nextKeyOffset, next);
        return 0;
    }
}
