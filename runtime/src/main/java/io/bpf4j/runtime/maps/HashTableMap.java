package io.bpf4j.runtime.maps;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

/**
 * {@link MapType#HASH}, {@link MapType#PERCPU_HASH}, {@link MapType#LRU_HASH} and
 * {@link MapType#LRU_PERCPU_HASH}: up to max_entries elements, each with a value slot in
 * {@link #storage()} for as long as it exists.
 *
 * <p>A full hash map refuses new keys with {@link Errno#E2BIG}; a full LRU map evicts the
 * approximately least recently used element instead (see {@link KeyTable} for the second-chance
 * approximation). Program lookups and all updates mark an LRU element used; host lookups do not,
 * as Linux's syscall lookups do not. Updating an existing key writes its value in place, so a
 * program holding the value's offset sees the new value (Linux's BPF_F_LOCK behaviour; without it
 * Linux swaps in a new element). {@link MapFlags#BPF_F_NO_PREALLOC} is accepted but storage is
 * always preallocated; {@link MapFlags#BPF_F_NO_COMMON_LRU} is accepted and changes nothing.
 * Keys hash with a random seed per map unless {@link MapFlags#BPF_F_ZERO_SEED}.
 */
public final class HashTableMap extends SlotMap {
    private final KeyTable table;

    HashTableMap(MapDefinition definition, CpuSlots cpuSlots) {
        super(definition, cpuSlots);
        long seed = (definition.flags() & MapFlags.BPF_F_ZERO_SEED) != 0 ? 0 : ThreadLocalRandom.current().nextLong();
        this.table = new KeyTable(definition.maxEntries(), definition.keySize(), definition.type().isLru(), seed);
    }

    @Override
    int slotOf(MemorySegment key, long offset) {
        return table.find(key, offset);
    }

    @Override
    <T> T withSlot(MemorySegment key, long offset, IntFunction<T> reader) {
        return table.read(key, offset, reader);
    }

    @Override
    int put(MemorySegment key, long offset, ValueSource value, long flags) {
        if (badUpdateFlags(flags)) {
            return -Errno.EINVAL;
        }
        int r = table.upsert(key, offset, flags & ~MapFlags.BPF_F_LOCK, (slot, fresh) -> value.write(this, slot, fresh));
        return Math.min(r, 0);
    }

    @Override
    int remove(MemorySegment key, long offset) {
        return Math.min(table.remove(key, offset, null), 0);
    }

    @Override
    public int getNextKey(MemorySegment key, long keyOffset, MemorySegment nextKey, long nextKeyOffset) {
        return table.nextKey(key, keyOffset, nextKey, nextKeyOffset);
    }

    @Override
    void forEachSlot(SlotVisitor visitor) {
        table.forEach(visitor);
    }

    @Override
    public int size() {
        return table.size();
    }

    @Override
    String explain(String operation, int negativeErrno) {
        if (negativeErrno == -Errno.E2BIG) {
            return "the map is full (max_entries " + maxEntries() + ")";
        }
        return super.explain(operation, negativeErrno);
    }
}
