package io.bpf4j.runtime.maps;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

/**
 * A map whose elements each own a value slot in {@link #storage()} (arrays, hash maps, the LPM
 * trie): the host and program APIs written once over five operations on slots.
 */
abstract class SlotMap extends BpfMap {
    SlotMap(MapDefinition definition, CpuSlots cpuSlots) {
        super(definition, cpuSlots);
    }

    /** The slot of a key for a program (marking it used), or -1. */
    abstract int slotOf(MemorySegment key, long offset);

    /** Applies {@code reader} to the slot of a key while the element cannot go away; null if absent. */
    abstract <T> T withSlot(MemorySegment key, long offset, IntFunction<T> reader);

    /** Creates or updates an element: 0 or a negative errno. */
    abstract int put(MemorySegment key, long offset, ValueSource value, long flags);

    /** Deletes an element: 0 or a negative errno. */
    abstract int remove(MemorySegment key, long offset);

    /** Visits every element's key and slot, each while the element cannot go away. */
    abstract void forEachSlot(SlotVisitor visitor);

    @FunctionalInterface
    interface SlotVisitor {
        void visit(MemorySegment keys, long keyOffset, int slot);
    }

    // ---- Program side ------------------------------------------------------------------------

    @Override
    public final long lookupOffset(MemorySegment key, long keyOffset, int cpu) {
        int slot = slotOf(key, keyOffset);
        return slot < 0 ? -1 : valueOffset(slot, cpuIndex(cpu));
    }

    @Override
    public final int update(MemorySegment key, long keyOffset, MemorySegment value, long valueOffset, long flags, int cpu) {
        return put(key, keyOffset, ValueSource.program(value, valueOffset, cpuIndex(cpu)), flags);
    }

    @Override
    public final int delete(MemorySegment key, long keyOffset) {
        return remove(key, keyOffset);
    }

    // ---- Host side ---------------------------------------------------------------------------

    @Override
    public final Optional<byte[]> lookup(byte[] key) {
        checkHostRead();
        return Optional.ofNullable(withSlot(keySegment(key), 0, this::readHostValue));
    }

    @Override
    public final List<byte[]> lookupPerCpu(byte[] key) {
        checkHostRead();
        List<byte[]> values = withSlot(keySegment(key), 0, slot -> {
            List<byte[]> all = new ArrayList<>(cpus);
            for (int c = 0; c < cpus; c++) {
                all.add(readValue(slot, c));
            }
            return all;
        });
        return values == null ? List.of() : List.copyOf(values);
    }

    @Override
    public final void update(byte[] key, byte[] value, long flags) {
        checkHostWrite();
        MemorySegment k = keySegment(key);
        int r = put(k, 0, hostValue(value), flags);
        if (r < 0) {
            throw error("update", " of key " + hex(key) + " with flags " + flags, r);
        }
    }

    @Override
    public final void updatePerCpu(byte[] key, List<byte[]> values, long flags) {
        checkHostWrite();
        MemorySegment k = keySegment(key);
        int r = put(k, 0, hostValues(values), flags);
        if (r < 0) {
            throw error("update", " of key " + hex(key) + " with flags " + flags, r);
        }
    }

    @Override
    public final boolean delete(byte[] key) {
        checkHostWrite();
        int r = remove(keySegment(key), 0);
        if (r == -Errno.ENOENT) {
            return false;
        }
        if (r < 0) {
            throw error("delete", " of key " + hex(key), r);
        }
        return true;
    }

    @Override
    public List<byte[]> keys() {
        List<byte[]> keys = new ArrayList<>();
        forEachSlot((k, off, slot) -> keys.add(k.asSlice(off, keySize()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
        return keys;
    }

    @Override
    public final void forEach(BiConsumer<byte[], byte[]> action) {
        checkHostRead();
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        forEachSlot((k, off, slot) -> {
            keys.add(k.asSlice(off, keySize()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            values.add(readHostValue(slot));
        });
        for (int i = 0; i < keys.size(); i++) {
            action.accept(keys.get(i), values.get(i));
        }
    }
}
