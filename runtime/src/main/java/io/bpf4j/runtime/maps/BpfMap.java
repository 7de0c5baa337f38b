package io.bpf4j.runtime.maps;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A BPF map: storage shared by programs and the host, created from a {@link MapDefinition} by
 * {@link Maps#create(MapDefinition)}.
 *
 * <h2>Storage</h2>
 * All the values of a map live in one {@link #storage()} segment, allocated up front from the
 * definition as a {@code long[]} (so 8-aligned, and atomics on it are real atomics): value
 * {@code slot} of CPU slot {@code cpu} is at {@code cpu * cpuStride + slot * valueStride()}, where
 * {@link #valueStride()} is the value size rounded up to 8. A runtime maps the storage as one
 * region per map; a lookup hands the program an offset into it. An offset stays valid while its
 * element exists; after a delete (or an LRU eviction) the slot may be reused by another key, as
 * in Linux's preallocated maps. Nothing is allocated per lookup or per update.
 *
 * <h2>Two APIs</h2>
 * The <em>host</em> API works on byte arrays and throws {@link MapException} with the Linux error
 * number. The <em>program-side</em> API, for the helpers of a runtime, takes keys and values in
 * {@link MemorySegment}s at an offset and returns a negative Linux error number instead of
 * throwing. Operations a map type does not have fail with {@link Errno#ENOTSUPP}.
 *
 * <h2>Threads</h2>
 * Every map is safe for any number of threads running programs and for the host at the same time.
 */
public abstract class BpfMap {
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Largest storage segment: a runtime region is at most 2 GiB, and 8-aligned. */
    static final long MAX_STORAGE_BYTES = Integer.MAX_VALUE & ~7L;
    /** Per-CPU value blocks start on their own cache lines, so CPUs do not share lines. */
    private static final long CPU_BLOCK_ALIGN = 128;

    final MapDefinition definition;
    final CpuSlots cpuSlots;
    final int cpus;
    final int valueSize;
    final int valueStride;
    final long cpuStride;
    final MemorySegment storage;

    BpfMap(MapDefinition definition, CpuSlots cpuSlots) {
        this.definition = Objects.requireNonNull(definition);
        this.cpuSlots = Objects.requireNonNull(cpuSlots);
        this.cpus = cpuCount(definition, cpuSlots);
        this.valueSize = definition.valueSize();
        this.valueStride = valueStride(definition);
        this.cpuStride = cpuStride(definition, cpus);
        this.storage = allocate(storageBytes(definition, cpuSlots));
    }

    // ---- Layout, shared with MapFactory's estimate -------------------------------------------

    static int cpuCount(MapDefinition d, CpuSlots slots) {
        return d.type().isPerCpu() ? slots.count() : 1;
    }

    static int valueStride(MapDefinition d) {
        return switch (d.type()) {
            case RINGBUF, PROG_ARRAY, ARRAY_OF_MAPS, HASH_OF_MAPS -> 0;
            default -> (d.valueSize() + 7) & ~7;
        };
    }

    private static long cpuStride(MapDefinition d, int cpus) {
        long block = multiply(d.maxEntries(), valueStride(d));
        if (cpus > 1 && block < Long.MAX_VALUE - CPU_BLOCK_ALIGN) {
            block = (block + CPU_BLOCK_ALIGN - 1) & -CPU_BLOCK_ALIGN;
        }
        return block;
    }

    /** Bytes of {@link #storage()} a definition needs (saturating at Long.MAX_VALUE). */
    static long storageBytes(MapDefinition d, CpuSlots slots) {
        return switch (d.type()) {
            // Twice the data size: a record that wraps around the end continues past it (see RingBufMap).
            case RINGBUF -> 2L * d.maxEntries();
            case PROG_ARRAY, ARRAY_OF_MAPS, HASH_OF_MAPS -> 0;
            default -> multiply(cpuCount(d, slots), cpuStride(d, cpuCount(d, slots)));
        };
    }

    static long multiply(long a, long b) {
        long product = a * b;
        return Math.multiplyHigh(a, b) != 0 || product < 0 ? Long.MAX_VALUE : product;
    }

    private MemorySegment allocate(long bytes) {
        if (bytes > MAX_STORAGE_BYTES) {
            throw new MapDefinitionException(Errno.E2BIG, definition.label() + ": needs " + bytes
                    + " bytes of value storage, more than the 2 GiB a map's storage may have");
        }
        try {
            return MemorySegment.ofArray(new long[(int) (bytes >>> 3)]);
        } catch (OutOfMemoryError e) {
            throw new MapException(Errno.ENOMEM, definition.label() + ": not enough Java heap for " + bytes
                    + " bytes of value storage");
        }
    }

    // ---- Definition --------------------------------------------------------------------------

    public final MapDefinition definition() {
        return definition;
    }

    public final MapType type() {
        return definition.type();
    }

    public final String name() {
        return definition.name();
    }

    public final int keySize() {
        return definition.keySize();
    }

    public final int valueSize() {
        return valueSize;
    }

    public final int maxEntries() {
        return definition.maxEntries();
    }

    public final int flags() {
        return definition.flags();
    }

    /** Bytes between consecutive values in {@link #storage()}: the value size rounded up to 8. */
    public final int valueStride() {
        return valueStride;
    }

    /** The number of values per key: the CPU slot count for per-CPU maps, else 1. */
    public final int cpuCount() {
        return cpus;
    }

    /** The CPU slots of this map; a runtime passes {@code cpuSlots().current()} as the program's CPU. */
    public final CpuSlots cpuSlots() {
        return cpuSlots;
    }

    /** Number of elements (for arrays: max_entries; for a ring buffer: bytes not yet consumed). */
    public abstract int size();

    // ---- Host API ----------------------------------------------------------------------------

    /**
     * The value of a key, copied. For a per-CPU map, every CPU slot's value, each padded to
     * {@link #valueStride()} bytes, one after another (the layout of Linux's bpf syscall); see
     * {@link #lookupPerCpu(byte[])}. For a queue or stack (key null or empty): its next element.
     *
     * @throws MapException with {@link Errno#EINVAL} for a key of the wrong size
     */
    public Optional<byte[]> lookup(byte[] key) {
        throw unsupported("lookup");
    }

    /** The value of a key in each CPU slot (one element for other maps), or an empty list if absent. */
    public List<byte[]> lookupPerCpu(byte[] key) {
        return lookup(key).map(List::of).orElse(List.of());
    }

    /**
     * Creates or updates an element. For a per-CPU map, {@code value} is either one value, which
     * every CPU slot gets, or one padded value per CPU slot (the layout of {@link #lookup}).
     *
     * @param flags {@link MapFlags#BPF_ANY}, {@link MapFlags#BPF_NOEXIST} or {@link MapFlags#BPF_EXIST}
     *     ({@link MapFlags#BPF_F_LOCK} is refused with EINVAL, as Linux refuses it for values without
     *     a bpf_spin_lock)
     * @throws MapException {@link Errno#EEXIST}, {@link Errno#ENOENT} as the flags demand,
     *     {@link Errno#E2BIG} when the map is full or an index is beyond max_entries,
     *     {@link Errno#EINVAL} for bad sizes or flags
     */
    public void update(byte[] key, byte[] value, long flags) {
        throw unsupported("update");
    }

    /** Creates or updates an element with a value per CPU slot ({@code values.size() == cpuCount()}). */
    public void updatePerCpu(byte[] key, List<byte[]> values, long flags) {
        if (cpus == 1 && values.size() == 1) {
            update(key, values.getFirst(), flags);
            return;
        }
        throw unsupported("updatePerCpu");
    }

    /**
     * Deletes an element.
     *
     * @return false if there was none
     * @throws MapException {@link Errno#EINVAL} for maps whose elements cannot be deleted (arrays)
     */
    public boolean delete(byte[] key) {
        throw unsupported("delete");
    }

    /**
     * The key after {@code key} in the map's iteration order, as Linux's BPF_MAP_GET_NEXT_KEY: a
     * null key, or one not in the map, gives the first key; the last key gives empty.
     */
    public Optional<byte[]> nextKey(byte[] key) {
        byte[] next = new byte[keySize()];
        int r = getNextKey(key == null ? null : keySegment(key), 0, MemorySegment.ofArray(next), 0);
        if (r == -Errno.ENOENT) {
            return Optional.empty();
        }
        if (r < 0) {
            throw error("next key", "", r);
        }
        return Optional.of(next);
    }

    /**
     * The keys, in iteration order. Taken bucket by bucket (as Linux iterates), not atomically:
     * while other threads update the map it may miss keys added meanwhile, or hold keys that never
     * coexisted; it never holds a key twice.
     */
    public List<byte[]> keys() {
        List<byte[]> keys = new ArrayList<>();
        Optional<byte[]> key = nextKey(null);
        while (key.isPresent() && keys.size() <= maxEntries()) {
            keys.add(key.get());
            key = nextKey(key.get());
        }
        return keys;
    }

    /** Calls {@code action} with every key and its value (as {@link #lookup} gives it), from a snapshot. */
    public void forEach(BiConsumer<byte[], byte[]> action) {
        throw unsupported("forEach");
    }

    /**
     * The value of a 4-byte key (little-endian), read as an unsigned 4-byte value or a signed
     * 8-byte value. For a per-CPU map, the sum over CPU slots (how per-CPU counters are read).
     *
     * @throws MapException {@link Errno#ENOENT} if absent; {@link Errno#EINVAL} if key_size is not
     *     4 or value_size is neither 4 nor 8
     */
    public final long lookupLong(int key) {
        return lookupLongValue(intKey(key, "lookupLong(int)"));
    }

    /** As {@link #lookupLong(int)}, for an 8-byte key. */
    public final long lookupLong(long key) {
        return lookupLongValue(longKey(key, "lookupLong(long)"));
    }

    /**
     * Sets the value of a 4-byte key to a 4-byte (which {@code value} must fit, signed or not) or
     * 8-byte value, with {@link MapFlags#BPF_ANY}; in every CPU slot of a per-CPU map.
     */
    public final void updateLong(int key, long value) {
        update(intKey(key, "updateLong(int, long)"), encodeLong(value), MapFlags.BPF_ANY);
    }

    /** As {@link #updateLong(int, long)}, for an 8-byte key. */
    public final void updateLong(long key, long value) {
        update(longKey(key, "updateLong(long, long)"), encodeLong(value), MapFlags.BPF_ANY);
    }

    private long lookupLongValue(byte[] key) {
        checkLongValue();
        List<byte[]> values = lookupPerCpu(key);
        if (values.isEmpty()) {
            throw new MapException(Errno.ENOENT, definition.label() + ": lookup: no element with key " + hex(key));
        }
        long sum = 0;
        for (byte[] v : values) {
            MemorySegment s = MemorySegment.ofArray(v);
            sum += valueSize == 4 ? s.get(U32, 0) & 0xffffffffL : s.get(U64, 0);
        }
        return sum;
    }

    private byte[] encodeLong(long value) {
        checkLongValue();
        byte[] v = new byte[valueSize];
        if (valueSize == 4) {
            if (value < Integer.MIN_VALUE || value > 0xffffffffL) {
                throw new MapException(Errno.EINVAL, definition.label() + ": " + value + " does not fit the 4-byte value");
            }
            MemorySegment.ofArray(v).set(U32, 0, (int) value);
        } else {
            MemorySegment.ofArray(v).set(U64, 0, value);
        }
        return v;
    }

    private void checkLongValue() {
        if (valueSize != 4 && valueSize != 8) {
            throw new MapException(Errno.EINVAL, definition.label() + ": value_size is " + valueSize
                    + "; lookupLong and updateLong need 4 or 8");
        }
    }

    private byte[] intKey(int key, String what) {
        if (keySize() != 4) {
            throw new MapException(Errno.EINVAL, definition.label() + ": key_size is " + keySize() + "; " + what + " needs 4");
        }
        byte[] k = new byte[4];
        MemorySegment.ofArray(k).set(U32, 0, key);
        return k;
    }

    private byte[] longKey(long key, String what) {
        if (keySize() != 8) {
            throw new MapException(Errno.EINVAL, definition.label() + ": key_size is " + keySize() + "; " + what + " needs 8");
        }
        byte[] k = new byte[8];
        MemorySegment.ofArray(k).set(U64, 0, key);
        return k;
    }

    // ---- Program-side API --------------------------------------------------------------------

    /**
     * The map's value storage: one {@code long[]}-backed segment for the map's lifetime (empty for
     * maps whose values are not memory: program arrays and maps of maps).
     */
    public final MemorySegment storage() {
        return storage;
    }

    /**
     * bpf_map_lookup_elem: the byte offset in {@link #storage()} of the value of the key at
     * {@code key[keyOffset ..]}, for CPU slot {@code cpu} of a per-CPU map (ignored otherwise), or
     * -1 if there is none. Marks an LRU element used.
     *
     * @param cpu the caller's CPU slot, in {@code [0, cpuCount())} ({@code cpuSlots().current()});
     *     an index outside it is an {@link IndexOutOfBoundsException}, a runtime bug rather than a
     *     program error
     */
    public long lookupOffset(MemorySegment key, long keyOffset, int cpu) {
        return -1;
    }

    /**
     * bpf_map_update_elem from a program: for a per-CPU map, sets CPU slot {@code cpu}'s value (a
     * new element's other slots are zeroed).
     *
     * @return 0, or a negative errno
     */
    public int update(MemorySegment key, long keyOffset, MemorySegment value, long valueOffset, long flags, int cpu) {
        return -Errno.ENOTSUPP;
    }

    /** bpf_map_delete_elem: 0, or a negative errno ({@code -ENOENT} if absent). */
    public int delete(MemorySegment key, long keyOffset) {
        return -Errno.ENOTSUPP;
    }

    /**
     * Linux's get_next_key: writes the key after {@code key} ({@code null} for the first) to
     * {@code nextKey}; 0, {@code -ENOENT} after the last key, or another negative errno.
     */
    public int getNextKey(MemorySegment key, long keyOffset, MemorySegment nextKey, long nextKeyOffset) {
        return -Errno.ENOTSUPP;
    }

    /** bpf_map_push_elem (queue, stack): 0, {@code -E2BIG} if full without BPF_EXIST, {@code -EINVAL} for bad flags. */
    public int push(MemorySegment value, long valueOffset, long flags) {
        return -Errno.ENOTSUPP;
    }

    /** bpf_map_pop_elem (queue, stack): copies and removes the next element; 0 or {@code -ENOENT} if empty. */
    public int pop(MemorySegment value, long valueOffset) {
        return -Errno.ENOTSUPP;
    }

    /** bpf_map_peek_elem (queue, stack): copies the next element; 0 or {@code -ENOENT} if empty. */
    public int peek(MemorySegment value, long valueOffset) {
        return -Errno.ENOTSUPP;
    }

    // ---- Shared implementation ---------------------------------------------------------------

    /** Offset of a value in {@link #storage()}. */
    final long valueOffset(int slot, int cpu) {
        return cpu * cpuStride + (long) slot * valueStride;
    }

    /** The CPU slot to use for a program-side operation. */
    final int cpuIndex(int cpu) {
        return cpus == 1 ? 0 : Objects.checkIndex(cpu, cpus);
    }

    final void copyIn(int slot, int cpu, MemorySegment src, long srcOffset) {
        MemorySegment.copy(src, srcOffset, storage, valueOffset(slot, cpu), valueSize);
    }

    final void zero(int slot, int cpu) {
        storage.asSlice(valueOffset(slot, cpu), valueSize).fill((byte) 0);
    }

    final byte[] readValue(int slot, int cpu) {
        byte[] out = new byte[valueSize];
        MemorySegment.copy(storage, ValueLayout.JAVA_BYTE, valueOffset(slot, cpu), out, 0, valueSize);
        return out;
    }

    /** Every CPU slot's value, padded to the stride: Linux's per-CPU syscall layout. */
    final byte[] readAllCpus(int slot) {
        byte[] out = new byte[cpus * valueStride];
        for (int c = 0; c < cpus; c++) {
            MemorySegment.copy(storage, ValueLayout.JAVA_BYTE, valueOffset(slot, c), out, c * valueStride, valueSize);
        }
        return out;
    }

    final byte[] readHostValue(int slot) {
        return cpus == 1 ? readValue(slot, 0) : readAllCpus(slot);
    }

    final MemorySegment keySegment(byte[] key) {
        if (key == null) {
            throw new MapException(Errno.EINVAL, definition.label() + ": the key is null");
        }
        if (key.length != keySize()) {
            throw new MapException(Errno.EINVAL, definition.label() + ": the key has " + key.length
                    + " bytes, key_size is " + keySize());
        }
        return MemorySegment.ofArray(key);
    }

    /** The host's value for an update, as a writer of slots (see {@link #update(byte[], byte[], long)}). */
    final ValueSource hostValue(byte[] value) {
        if (value != null && value.length == valueSize) {
            return ValueSource.allCpus(MemorySegment.ofArray(value));
        }
        if (value != null && cpus > 1 && value.length == cpus * valueStride) {
            return ValueSource.perCpu(MemorySegment.ofArray(value));
        }
        throw new MapException(Errno.EINVAL, definition.label() + ": the value has "
                + (value == null ? "no" : String.valueOf(value.length)) + " bytes, value_size is " + valueSize
                + (cpus > 1 ? " (or " + cpus * valueStride + " for all " + cpus + " CPU slots)" : ""));
    }

    final ValueSource hostValues(List<byte[]> values) {
        if (values.size() != cpus) {
            throw new MapException(Errno.EINVAL, definition.label() + ": " + values.size() + " values for " + cpus + " CPU slots");
        }
        byte[] blob = new byte[cpus * valueStride];
        for (int c = 0; c < cpus; c++) {
            byte[] v = values.get(c);
            if (v == null || v.length != valueSize) {
                throw new MapException(Errno.EINVAL, definition.label() + ": the value of CPU slot " + c + " has "
                        + (v == null ? "no" : String.valueOf(v.length)) + " bytes, value_size is " + valueSize);
            }
            System.arraycopy(v, 0, blob, c * valueStride, valueSize);
        }
        return ValueSource.perCpu(MemorySegment.ofArray(blob));
    }

    final void checkHostRead() {
        if ((flags() & MapFlags.BPF_F_WRONLY) != 0) {
            throw new MapException(Errno.EPERM, definition.label() + ": the map is BPF_F_WRONLY; the host may not read it");
        }
    }

    final void checkHostWrite() {
        if ((flags() & MapFlags.BPF_F_RDONLY) != 0) {
            throw new MapException(Errno.EPERM, definition.label() + ": the map is BPF_F_RDONLY; the host may not change it");
        }
    }

    /**
     * Validates update flags as Linux does for maps with keys: ANY, NOEXIST or EXIST. Linux also
     * takes BPF_F_LOCK, but only for values holding a bpf_spin_lock, and refuses it with EINVAL
     * otherwise; bpf4j's values never hold one, so BPF_F_LOCK is always invalid here.
     */
    static boolean badUpdateFlags(long flags) {
        return flags < 0 || flags > MapFlags.BPF_EXIST;
    }

    final MapException unsupported(String operation) {
        return new MapException(Errno.ENOTSUPP, definition.label() + ": " + operation + " is not an operation of a "
                + type() + " map");
    }

    /**
     * The exception for a failed host operation, from a negative errno.
     *
     * @param operation "update", "delete", ...: what {@link #explain} is told
     * @param detail what the operation was applied to, for the message ("" if nothing)
     */
    final MapException error(String operation, String detail, int negativeErrno) {
        return new MapException(-negativeErrno, definition.label() + ": " + operation + detail + ": "
                + explain(operation, negativeErrno));
    }

    /** What an errno from an operation means for this map, for messages. */
    String explain(String operation, int negativeErrno) {
        return switch (-negativeErrno) {
            case Errno.EEXIST -> "the element exists and BPF_NOEXIST was given";
            case Errno.ENOENT -> operation.equals("update") ? "no such element, and BPF_EXIST was given" : "no such element";
            case Errno.EINVAL -> operation.equals("update") || operation.equals("push")
                    ? "invalid flags" : Errno.describe(negativeErrno);
            default -> Errno.describe(negativeErrno);
        };
    }

    static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length * 2);
        for (byte x : bytes) {
            b.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return definition.label() + "[key_size=" + keySize() + ", value_size=" + valueSize + ", max_entries="
                + maxEntries() + (cpus > 1 ? ", cpus=" + cpus : "") + "]";
    }
}
