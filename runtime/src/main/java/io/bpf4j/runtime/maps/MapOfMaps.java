package io.bpf4j.runtime.maps;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiConsumer;

/**
 * {@link MapType#ARRAY_OF_MAPS} (4-byte index keys) and {@link MapType#HASH_OF_MAPS} (hashed keys,
 * up to max_entries): values are references to other maps, which must match the definition's
 * {@link MapDefinition#innerMap() inner map template} as Linux requires (same type, key size,
 * value size and flags; same max_entries unless the template has {@link MapFlags#BPF_F_INNER_MAP}).
 * There is no value memory ({@link #storage()} is empty): a program's lookup yields a map
 * ({@link #lookupMap(MemorySegment, long)}), which the runtime turns into a map pointer. The host
 * sets references with {@link #updateMap}; programs cannot, as in Linux.
 */
public final class MapOfMaps extends BpfMap {
    private final AtomicReferenceArray<BpfMap> maps;
    private final KeyTable table; // null for an array of maps

    MapOfMaps(MapDefinition definition, CpuSlots cpuSlots) {
        super(definition, cpuSlots);
        this.maps = new AtomicReferenceArray<>(definition.maxEntries());
        if (definition.type() == MapType.HASH_OF_MAPS) {
            long seed = (definition.flags() & MapFlags.BPF_F_ZERO_SEED) != 0 ? 0 : ThreadLocalRandom.current().nextLong();
            this.table = new KeyTable(definition.maxEntries(), definition.keySize(), false, seed);
        } else {
            this.table = null;
        }
    }

    private int index(MemorySegment key, long offset) {
        int index = key.get(U32, offset);
        return Integer.compareUnsigned(index, maxEntries()) < 0 ? index : -1;
    }

    // ---- Program side ------------------------------------------------------------------------

    /** bpf_map_lookup_elem on a map of maps: the inner map of a key, or null. */
    public BpfMap lookupMap(MemorySegment key, long keyOffset) {
        if (table == null) {
            int index = index(key, keyOffset);
            return index < 0 ? null : maps.getAcquire(index);
        }
        return table.read(key, keyOffset, maps::getAcquire);
    }

    @Override
    public int delete(MemorySegment key, long keyOffset) {
        if (table == null) {
            int index = index(key, keyOffset);
            if (index < 0) {
                return -Errno.E2BIG;
            }
            return maps.getAndSet(index, null) == null ? -Errno.ENOENT : 0;
        }
        return Math.min(0, table.remove(key, keyOffset, slot -> maps.setRelease(slot, null)));
    }

    @Override
    public int getNextKey(MemorySegment key, long keyOffset, MemorySegment nextKey, long nextKeyOffset) {
        return table == null
                ? ArrayIndex.nextKey(maxEntries(), key, keyOffset, nextKey, nextKeyOffset)
                : table.nextKey(key, keyOffset, nextKey, nextKeyOffset);
    }

    // ---- Host side ---------------------------------------------------------------------------

    /** The inner map of a key. */
    public Optional<BpfMap> lookupMap(byte[] key) {
        checkHostRead();
        return Optional.ofNullable(lookupMap(keySegment(key), 0));
    }

    /**
     * Sets the inner map of a key.
     *
     * @param flags for an array of maps, BPF_ANY only (as Linux); for a hash of maps, BPF_ANY,
     *     BPF_NOEXIST or BPF_EXIST
     * @throws MapException {@link Errno#EINVAL} if {@code map} does not match the inner map template
     *     or for bad flags; {@link Errno#E2BIG} for an index beyond max_entries or a full hash
     */
    public void updateMap(byte[] key, BpfMap map, long flags) {
        checkHostWrite();
        MemorySegment k = keySegment(key);
        checkCompatible(Objects.requireNonNull(map, "map"));
        int r;
        if (table == null) {
            int index = index(k, 0);
            r = flags != MapFlags.BPF_ANY ? -Errno.EINVAL : index < 0 ? -Errno.E2BIG : 0;
            if (r == 0) {
                maps.setRelease(index, map);
            }
        } else if (badUpdateFlags(flags)) {
            r = -Errno.EINVAL;
        } else {
            r = Math.min(0, table.upsert(k, 0, flags & ~MapFlags.BPF_F_LOCK, (slot, fresh) -> maps.setRelease(slot, map)));
        }
        if (r < 0) {
            throw error("update", " of key " + hex(key) + " with flags " + flags, r);
        }
    }

    private void checkCompatible(BpfMap map) {
        MapDefinition t = definition.innerMap();
        MapDefinition d = map.definition();
        boolean sizeMayDiffer = (t.flags() & MapFlags.BPF_F_INNER_MAP) != 0;
        if (d.type() != t.type() || d.keySize() != t.keySize() || d.valueSize() != t.valueSize() || d.flags() != t.flags()
                || (d.maxEntries() != t.maxEntries() && !sizeMayDiffer)) {
            throw new MapException(Errno.EINVAL, definition.label() + ": inner " + d.label() + " with key_size "
                    + d.keySize() + ", value_size " + d.valueSize() + ", max_entries " + d.maxEntries() + ", flags 0x"
                    + Integer.toHexString(d.flags()) + " does not match the template: " + t.type() + " with key_size "
                    + t.keySize() + ", value_size " + t.valueSize() + ", max_entries " + t.maxEntries()
                    + (sizeMayDiffer ? " (may differ)" : "") + ", flags 0x" + Integer.toHexString(t.flags()));
        }
    }

    @Override
    public boolean delete(byte[] key) {
        checkHostWrite();
        int r = delete(keySegment(key), 0);
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
        if (table == null) {
            return super.keys();
        }
        List<byte[]> keys = new ArrayList<>();
        table.forEach((k, off, slot) -> keys.add(k.asSlice(off, keySize()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
        return keys;
    }

    /** Calls {@code action} with every key that has an inner map, and the map. */
    public void forEachMap(BiConsumer<byte[], BpfMap> action) {
        checkHostRead();
        List<byte[]> keys = new ArrayList<>();
        List<BpfMap> values = new ArrayList<>();
        if (table == null) {
            for (int i = 0; i < maxEntries(); i++) {
                BpfMap m = maps.getAcquire(i);
                if (m != null) {
                    byte[] k = new byte[4];
                    MemorySegment.ofArray(k).set(U32, 0, i);
                    keys.add(k);
                    values.add(m);
                }
            }
        } else {
            table.forEach((k, off, slot) -> {
                keys.add(k.asSlice(off, keySize()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                values.add(maps.getAcquire(slot));
            });
        }
        for (int i = 0; i < keys.size(); i++) {
            action.accept(keys.get(i), values.get(i));
        }
    }

    /** Number of keys with an inner map. */
    @Override
    public int size() {
        if (table != null) {
            return table.size();
        }
        int n = 0;
        for (int i = 0; i < maxEntries(); i++) {
            if (maps.get(i) != null) {
                n++;
            }
        }
        return n;
    }

    @Override
    public Optional<byte[]> lookup(byte[] key) {
        throw new MapException(Errno.ENOTSUPP, definition.label() + ": lookup: values are maps; use lookupMap(byte[])");
    }

    @Override
    public void update(byte[] key, byte[] value, long flags) {
        throw new MapException(Errno.ENOTSUPP, definition.label() + ": update: values are maps; use updateMap(byte[], BpfMap, long)");
    }

    @Override
    String explain(String operation, int negativeErrno) {
        if (negativeErrno == -Errno.E2BIG) {
            return table == null ? "the index is not below max_entries " + maxEntries() : "the map is full (max_entries " + maxEntries() + ")";
        }
        if (negativeErrno == -Errno.EINVAL && table == null) {
            return "an array of maps takes BPF_ANY only";
        }
        return super.explain(operation, negativeErrno);
    }
}
