package io.bpf4j.runtime;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A program's address space: a table of regions, each a {@link MemorySegment}.
 *
 * <p>A program-visible address is {@code (regionId << 32) | offset}. Region 0 is never mapped, so
 * 0 and small integers are null pointers; no address reveals anything of the host. Every access
 * is checked against the region's bounds and write permission; a failed check is a
 * {@link MemoryAccessFault} naming the instruction. Values are little-endian and may be unaligned,
 * except atomics, which Linux requires to be naturally aligned.
 *
 * <p><b>Windows.</b> Only a region's <em>window</em>, offsets {@code [start, end)} of its segment,
 * is accessible; it is the whole segment unless {@link #setWindow} moves it. The address of a byte
 * is its region's base plus its offset in the segment, so moving the window (a packet's head or
 * tail adjusted by a helper) never moves a byte, and a segment can be replaced by a larger copy
 * ({@link #replaceSegment}) without changing any address.
 *
 * <p><b>Context regions.</b> A region mapped with {@link #mapContext} has no bytes of its own:
 * its loads and stores go to a {@link ContextAccess}, which translates them as Linux translates
 * accesses to a program type's context struct ({@code convert_ctx_access}). Helpers cannot take a
 * context region as memory, and atomics on it fault, as in Linux.
 *
 * <p><b>Cost.</b> An ordinary load or store makes four checks (region id, window start, window
 * end, and for a store write permission) on parallel arrays; context regions have an empty window
 * and are handled off that path, when the checks fail.
 *
 * <p>One Memory belongs to one execution (one thread). The segments behind regions may be shared
 * with other executions and the host (maps, shared buffers). Atomic instructions are atomic
 * across threads: through {@link VarHandle} atomic modes on segments that allow them (native
 * memory, or heap memory backed by a {@code long[]}, which is how the runtime allocates its own),
 * and through a lock on segments that do not (a host's {@code byte[]}, whose alignment the JVM
 * does not guarantee), so atomics on those are atomic only with respect to one another.
 */
public final class Memory {
    /** Bits of the offset part of an address. */
    public static final int REGION_SHIFT = 32;
    private static final long OFFSET_MASK = 0xffff_ffffL;

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle ATOMIC_INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle ATOMIC_LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    /** Guards atomics on segments that cannot be accessed atomically (see the class comment). */
    private static final Object UNALIGNABLE_ATOMICS_LOCK = new Object();

    // Parallel arrays indexed by region id: cheaper to check on the hot path than region objects.
    // Region 0 (null) and context regions have an empty window (start 0, end -1), so every access
    // to them fails the bounds check and takes the slow path.
    private MemorySegment[] segments = new MemorySegment[16];
    /** Offset of the window's first byte. */
    private long[] starts = new long[16];
    /** Offset one past the window's last byte; -1 for regions without bytes. */
    private long[] ends = new long[16];
    private boolean[] writable = new boolean[16];
    /**
     * For regions whose segment is a whole {@code byte[]} (a packet, a host's buffer): the array,
     * else null. Compiled code loads from the array directly (see {@link #byteArrayOf}).
     */
    private byte[][] arrays = new byte[16][];
    /** Region names: a String, or an object whose toString() is the name (built only for messages). */
    private Object[] names = new Object[16];
    /** The handler of each context region; null for ordinary regions. */
    private ContextAccess[] contexts = new ContextAccess[16];
    private int count = 1; // id 0 is the null region

    /** An empty address space: only the null region. */
    public Memory() {
        ends[0] = -1;
        segments[0] = MemorySegment.NULL;
    }

    /**
     * Maps a segment as a new region whose window is the whole segment.
     *
     * @return the address of the region's first byte
     */
    public long map(String name, MemorySegment segment, boolean isWritable) {
        return mapNamed(name, segment, isWritable);
    }

    /** As {@link #map(String, MemorySegment, boolean)}, with a name made only when a message needs it. */
    long mapNamed(Object name, MemorySegment segment, boolean isWritable) {
        if (segment.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("region " + name + " is larger than 2 GiB");
        }
        if (isWritable && segment.isReadOnly()) {
            throw new IllegalArgumentException("region " + name + " is a read-only segment");
        }
        int id = newRegion(name);
        segments[id] = segment;
        arrays[id] = wholeByteArray(segment);
        ends[id] = segment.byteSize();
        writable[id] = isWritable;
        return (long) id << REGION_SHIFT;
    }

    /**
     * As {@link #mapNamed}, but {@link #hide hidden}: for a run state that maps regions ahead of
     * the run that may need them. The segment must not be a whole {@code byte[]} (a hidden region
     * hands compiled code no array, see {@link #byteArrayOf}): map storage, {@code long[]}-backed.
     */
    long mapHidden(Object name, MemorySegment segment, boolean isWritable) {
        long address = mapNamed(name, segment, isWritable);
        int id = (int) (address >>> REGION_SHIFT);
        if (arrays[id] != null) {
            truncate(id);
            throw new IllegalArgumentException("region " + name + " is a byte[]; it cannot be hidden");
        }
        hide(address);
        return address;
    }

    /**
     * Hides the region at {@code address} (one of {@link #mapHidden}'s): every access to it faults
     * as an access outside every region does, no helper takes an address in it, and its bytes stay
     * unreachable until {@link #reveal}. The region keeps its id and segment.
     */
    void hide(long address) {
        int id = (int) (address >>> REGION_SHIFT);
        starts[id] = 0;
        ends[id] = -1;
    }

    /** Makes a {@link #hide hidden} region accessible again, its window the whole segment. */
    void reveal(long address) {
        int id = (int) (address >>> REGION_SHIFT);
        ends[id] = segments[id].byteSize();
    }

    /** Whether region {@code id} (mapped, not 0) is {@link #hide hidden}: no window at all, yet not a context. */
    private boolean hidden(int id) {
        return ends[id] < 0 && contexts[id] == null;
    }

    /** Maps a whole array as a writable region; the program reads and writes the array itself. */
    public long map(String name, byte[] array) {
        return map(name, MemorySegment.ofArray(array), true);
    }

    /**
     * Maps a context region: loads and stores at its addresses go to {@code access}, with their
     * offset from the returned address.
     *
     * @return the address of the context (offset 0), what a program receives in r1
     */
    public long mapContext(String name, ContextAccess access) {
        Objects.requireNonNull(access, "access");
        int id = newRegion(name);
        segments[id] = MemorySegment.NULL;
        ends[id] = -1;
        contexts[id] = access;
        return (long) id << REGION_SHIFT;
    }

    private int newRegion(Object name) {
        if (count == Integer.MAX_VALUE) {
            throw new IllegalStateException("too many regions");
        }
        if (count == segments.length) {
            int n = count * 2;
            segments = Arrays.copyOf(segments, n);
            starts = Arrays.copyOf(starts, n);
            ends = Arrays.copyOf(ends, n);
            writable = Arrays.copyOf(writable, n);
            arrays = Arrays.copyOf(arrays, n);
            names = Arrays.copyOf(names, n);
            contexts = Arrays.copyOf(contexts, n);
        }
        int id = count++;
        names[id] = name;
        return id;
    }

    /**
     * Unmaps every region from id {@code regions} on, so that the address space is as it was when
     * it had that many regions: how a run's state is reused by the next run on its thread.
     */
    void truncate(int regions) {
        for (int id = regions; id < count; id++) {
            segments[id] = null;
            arrays[id] = null;
            contexts[id] = null;
            names[id] = null;
            starts[id] = 0;
            ends[id] = 0;
            writable[id] = false;
        }
        count = regions;
    }

    /**
     * Sets the window of region {@code id} to {@code [start, end)} without the checks of
     * {@link #setWindow}: for the runtime's own regions (an empty window, start 0 and end 0, makes
     * every access fault).
     */
    void window(int id, long start, long end) {
        starts[id] = start;
        ends[id] = end;
    }

    /** Number of regions mapped, including the null region. */
    public int regionCount() {
        return count;
    }

    /**
     * Names regions by their address: one object can name many regions (a run's map regions), so
     * that mapping a region allocates no name.
     */
    interface RegionNamer {
        String nameOf(long regionAddress);
    }

    /** The name of region {@code id}, for messages. */
    private String nameOf(int id) {
        Object name = names[id];
        return name instanceof RegionNamer namer ? namer.nameOf((long) id << REGION_SHIFT) : String.valueOf(name);
    }

    /** Id of a mapped region with bytes (not the null region, not a context) that {@code address} falls in. */
    private int byteRegion(long address) {
        long id = address >>> REGION_SHIFT;
        if (id == 0 || id >= count || contexts[(int) id] != null || hidden((int) id)) {
            throw new IllegalArgumentException(String.format("0x%x is not an address in a mapped memory region", address));
        }
        return (int) id;
    }

    /**
     * Moves the accessible window of a region: afterwards only the bytes from address
     * {@code start} (inclusive) to {@code end} (exclusive) can be accessed. Both must lie in the
     * same region's segment. Addresses of bytes do not change.
     */
    public void setWindow(long start, long end) {
        int id = byteRegion(start);
        long from = start & OFFSET_MASK;
        long to = end - (start & ~OFFSET_MASK);
        if (to < from || to > segments[id].byteSize()) {
            throw new IllegalArgumentException(String.format("window [0x%x, 0x%x) is not within region '%s' of %d bytes",
                    start, end, nameOf(id), segments[id].byteSize()));
        }
        starts[id] = from;
        ends[id] = to;
    }

    /** Address of the first accessible byte of the region {@code address} falls in. */
    public long windowStart(long address) {
        int id = byteRegion(address);
        return (address & ~OFFSET_MASK) + starts[id];
    }

    /** Address one past the last accessible byte of the region {@code address} falls in. */
    public long windowEnd(long address) {
        int id = byteRegion(address);
        return (address & ~OFFSET_MASK) + ends[id];
    }

    /**
     * Replaces the segment behind a region, keeping its id, name, permission and window, so that
     * every address into it stays valid: how a packet grows beyond the room it was given. The
     * caller copies what the new segment should keep.
     */
    public void replaceSegment(long address, MemorySegment segment) {
        int id = byteRegion(address);
        if (segment.byteSize() > Integer.MAX_VALUE || segment.byteSize() < ends[id]) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes cannot replace region '"
                    + nameOf(id) + "', whose window ends at offset " + ends[id]);
        }
        if (writable[id] && segment.isReadOnly()) {
            throw new IllegalArgumentException("region " + nameOf(id) + " is writable, the segment is read-only");
        }
        segments[id] = segment;
        arrays[id] = wholeByteArray(segment);
    }

    /**
     * Puts {@code segment} behind region {@code id}, a writable region with bytes, if another
     * segment is there: how a run state reuses a region for the next run's buffer. The window is
     * the caller's to set.
     */
    void repoint(int id, MemorySegment segment) {
        if (segments[id] != segment) {
            if (segment.byteSize() > Integer.MAX_VALUE || segment.isReadOnly() || contexts[id] != null || !writable[id]) {
                throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes cannot replace region '"
                        + nameOf(id) + "'");
            }
            segments[id] = segment;
            arrays[id] = wholeByteArray(segment);
        }
    }

    /** The array behind {@code segment} if it is exactly a whole {@code byte[]}, else null. */
    private static byte[] wholeByteArray(MemorySegment segment) {
        if (!segment.isNative() && segment.address() == 0
                && segment.heapBase().orElse(null) instanceof byte[] array && array.length == segment.byteSize()) {
            return array;
        }
        return null;
    }

    /**
     * For compiled code: the {@code byte[]} that is the whole segment of the region
     * {@code address} falls in, so that a load at offset {@code o} of the region reads
     * {@code array[o...]}; null if the region's segment is not a whole {@code byte[]} (the stack
     * and map values, backed by {@code long[]}; native memory), or {@code address} is in no
     * region. It stays the region's array until a helper or call runs (one may
     * {@link #replaceSegment replace the segment}) or the run ends; a caller still checks the
     * window first (as {@link #loadOffset}) unless the verifier proved the access in bounds.
     */
    public byte[] byteArrayOf(long address) {
        long id = address >>> REGION_SHIFT;
        return id < count ? arrays[(int) id] : null;
    }

    /**
     * The handler of the context region that starts exactly at {@code address}, or null if
     * {@code address} is not the address of a context (helpers taking the context pointer check
     * their argument with this).
     */
    public ContextAccess contextAt(long address) {
        long id = address >>> REGION_SHIFT;
        if ((address & OFFSET_MASK) != 0 || id == 0 || id >= count) {
            return null;
        }
        return contexts[(int) id];
    }

    /**
     * Offset into the region's segment of an access of {@code size} bytes at {@code address},
     * after checking it lies within the region's window and, for a write, that the region is
     * writable.
     */
    private long offset(long address, int size, boolean write, int pc) {
        long id = address >>> REGION_SHIFT;
        long offset = address & OFFSET_MASK;
        if (id >= count || offset < starts[(int) id] || offset > ends[(int) id] - size || (write && !writable[(int) id])) {
            throw fault(address, size, write, pc);
        }
        return offset;
    }

    private MemoryAccessFault fault(long address, int size, boolean write, int pc) {
        long id = address >>> REGION_SHIFT;
        long offset = address & OFFSET_MASK;
        String what = write ? "write" : "read";
        String reason;
        if (id == 0) {
            reason = what + " through a null or non-pointer value";
        } else if (id >= count || hidden((int) id)) {
            // A hidden region is one this run may not see: it faults as if it were not mapped.
            reason = what + " outside every memory region";
        } else {
            int r = (int) id;
            long start = starts[r];
            long end = ends[r];
            if (contexts[r] != null) {
                reason = "region '" + nameOf(r) + "' is a program context: only the program's own loads and stores"
                        + " of its fields may access it, not helpers or atomic operations";
            } else if (write && !writable[r] && offset >= start && offset <= end - size) {
                reason = "region '" + nameOf(r) + "' is read-only";
            } else if (start == 0 && end == 0 && segments[r].byteSize() > 0) {
                reason = what + " at offset " + (int) address + " of region '" + nameOf(r)
                        + "', which has no accessible bytes now (a stack frame the run has not reached)";
            } else if (start == 0 && end == segments[r].byteSize()) {
                reason = what + " at offset " + (int) address + " of region '" + nameOf(r) + "', which has "
                        + end + " bytes";
            } else {
                reason = what + " at offset " + (int) address + " of region '" + nameOf(r)
                        + "', outside its accessible bytes (offsets " + start + " to " + end + ", " + (end - start)
                        + " bytes)";
            }
        }
        return new MemoryAccessFault(pc, address, size, reason);
    }

    /** The handler of the context region {@code address} falls in (at any offset), or null. */
    public ContextAccess contextOf(long address) {
        long id = address >>> REGION_SHIFT;
        return id < count ? contexts[(int) id] : null;
    }

    private MemorySegment segment(long address) {
        return segments[(int) (address >>> REGION_SHIFT)];
    }

    /**
     * For helpers that work on program memory in place: checks that {@code size} bytes at
     * {@code address} lie in one region's window (and that it is writable, for {@code write}) and
     * returns their offset in {@link #segmentOf(long) the region's segment}.
     */
    public long checkedOffset(long address, int size, boolean write, int pc) {
        if (size < 0) {
            throw new MemoryAccessFault(pc, address, size, "negative length " + size);
        }
        return offset(address, size, write, pc);
    }

    /**
     * Whether {@code size} bytes at {@code address} lie in one region's window (a region with
     * bytes, not a context), without faulting: for helpers that return an error instead.
     */
    public boolean isAccessible(long address, int size, boolean write) {
        long id = address >>> REGION_SHIFT;
        long offset = address & OFFSET_MASK;
        return size >= 0 && id < count && offset >= starts[(int) id] && offset <= ends[(int) id] - size
                && (!write || writable[(int) id]);
    }

    /** The segment of the region {@code address} falls in; only valid after {@link #checkedOffset}. */
    public MemorySegment segmentOf(long address) {
        return segment(address);
    }

    /**
     * For compiled code, which accesses segments itself (so that each access site has its own
     * type profile): the offset into {@link #segmentOf the region's segment} of a load of
     * {@code size} bytes at {@code address} if it passes the region checks, else -1 (then
     * {@link #load} handles it: a context field or a fault).
     */
    public long loadOffset(long address, int size) {
        long id = address >>> REGION_SHIFT;
        long o = address & OFFSET_MASK;
        if (id >= count || o < starts[(int) id] || o > ends[(int) id] - size) {
            return -1;
        }
        return o;
    }

    /** As {@link #loadOffset}, for a store: also -1 if the region is not writable (then {@link #store} handles it). */
    public long storeOffset(long address, int size) {
        long id = address >>> REGION_SHIFT;
        long o = address & OFFSET_MASK;
        if (id >= count || o < starts[(int) id] || o > ends[(int) id] - size || !writable[(int) id]) {
            return -1;
        }
        return o;
    }

    /** Loads an unsigned value of {@code size} (1, 2, 4 or 8) bytes. */
    public long load(long address, int size, int pc) {
        long id = address >>> REGION_SHIFT;
        long o = address & OFFSET_MASK;
        if (id >= count || o < starts[(int) id] || o > ends[(int) id] - size) {
            return slowLoad(address, size, pc);
        }
        MemorySegment s = segments[(int) id];
        return switch (size) {
            case 1 -> s.get(ValueLayout.JAVA_BYTE, o) & 0xffL;
            case 2 -> s.get(SHORT, o) & 0xffffL;
            case 4 -> s.get(INT, o) & 0xffffffffL;
            case 8 -> s.get(LONG, o);
            default -> throw new IllegalArgumentException("size " + size);
        };
    }

    private long slowLoad(long address, int size, int pc) {
        ContextAccess context = contextOf(address);
        if (context != null) {
            return context.load(address, (int) (address & OFFSET_MASK), size, pc);
        }
        throw fault(address, size, false, pc);
    }

    /** Stores the low {@code size} bytes of {@code value}. */
    public void store(long address, int size, long value, int pc) {
        long id = address >>> REGION_SHIFT;
        long o = address & OFFSET_MASK;
        if (id >= count || o < starts[(int) id] || o > ends[(int) id] - size || !writable[(int) id]) {
            slowStore(address, size, value, pc);
            return;
        }
        MemorySegment s = segments[(int) id];
        switch (size) {
            case 1 -> s.set(ValueLayout.JAVA_BYTE, o, (byte) value);
            case 2 -> s.set(SHORT, o, (short) value);
            case 4 -> s.set(INT, o, (int) value);
            case 8 -> s.set(LONG, o, value);
            default -> throw new IllegalArgumentException("size " + size);
        }
    }

    private void slowStore(long address, int size, long value, int pc) {
        ContextAccess context = contextOf(address);
        if (context != null) {
            context.store(address, (int) (address & OFFSET_MASK), size, value, pc);
            return;
        }
        throw fault(address, size, true, pc);
    }

    /** Copies {@code length} bytes out of program memory. */
    public byte[] read(long address, int length, int pc) {
        if (length < 0) {
            throw new MemoryAccessFault(pc, address, length, "negative length " + length);
        }
        if (length == 0) {
            return new byte[0];
        }
        long o = offset(address, length, false, pc);
        return segment(address).asSlice(o, length).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Copies {@code data} into program memory. */
    public void write(long address, byte[] data, int pc) {
        if (data.length == 0) {
            return;
        }
        long o = offset(address, data.length, true, pc);
        MemorySegment.copy(data, 0, segment(address), ValueLayout.JAVA_BYTE, o, data.length);
    }

    /** The operations of the atomic instructions, on 4 or 8 bytes. Each returns the old value. */
    public enum AtomicOp { ADD, OR, AND, XOR, EXCHANGE }

    /**
     * Atomically combines memory with {@code operand}; returns the old value (zero-extended for 4
     * bytes).
     */
    public long atomic(AtomicOp op, long address, int size, long operand, int pc) {
        long o = atomicOffset(address, size, pc);
        MemorySegment s = segment(address);
        if (s.maxByteAlignment() < size) {
            return lockedAtomic(s, o, size, old -> apply(op, old, operand));
        }
        if (size == 8) {
            return switch (op) {
                case ADD -> (long) ATOMIC_LONG.getAndAdd(s, o, operand);
                case OR -> (long) ATOMIC_LONG.getAndBitwiseOr(s, o, operand);
                case AND -> (long) ATOMIC_LONG.getAndBitwiseAnd(s, o, operand);
                case XOR -> (long) ATOMIC_LONG.getAndBitwiseXor(s, o, operand);
                case EXCHANGE -> (long) ATOMIC_LONG.getAndSet(s, o, operand);
            };
        }
        int v = (int) operand;
        int old = switch (op) {
            case ADD -> (int) ATOMIC_INT.getAndAdd(s, o, v);
            case OR -> (int) ATOMIC_INT.getAndBitwiseOr(s, o, v);
            case AND -> (int) ATOMIC_INT.getAndBitwiseAnd(s, o, v);
            case XOR -> (int) ATOMIC_INT.getAndBitwiseXor(s, o, v);
            case EXCHANGE -> (int) ATOMIC_INT.getAndSet(s, o, v);
        };
        return old & 0xffffffffL;
    }

    /** Compare-and-exchange: stores {@code operand} if memory equals {@code expected}; returns the old value. */
    public long atomicCompareExchange(long address, int size, long expected, long operand, int pc) {
        long o = atomicOffset(address, size, pc);
        MemorySegment s = segment(address);
        if (s.maxByteAlignment() < size) {
            long mask = size == 8 ? -1L : 0xffffffffL;
            return lockedAtomic(s, o, size, old -> old == (expected & mask) ? operand : old);
        }
        return size == 8 ? (long) ATOMIC_LONG.compareAndExchange(s, o, expected, operand)
                : (int) ATOMIC_INT.compareAndExchange(s, o, (int) expected, (int) operand) & 0xffffffffL;
    }

    private static long apply(AtomicOp op, long old, long operand) {
        return switch (op) {
            case ADD -> old + operand;
            case OR -> old | operand;
            case AND -> old & operand;
            case XOR -> old ^ operand;
            case EXCHANGE -> operand;
        };
    }

    private interface Update {
        long next(long old);
    }

    private static long lockedAtomic(MemorySegment s, long o, int size, Update update) {
        synchronized (UNALIGNABLE_ATOMICS_LOCK) {
            long old = size == 8 ? s.get(LONG, o) : s.get(INT, o) & 0xffffffffL;
            long next = update.next(old);
            if (size == 8) {
                s.set(LONG, o, next);
            } else {
                s.set(INT, o, (int) next);
            }
            return old;
        }
    }

    private long atomicOffset(long address, int size, int pc) {
        long o = offset(address, size, true, pc);
        // Alignment as the program sees it: relative to the region, whose base address is aligned.
        if ((o & (size - 1)) != 0) {
            throw new MemoryAccessFault(pc, address, size, "atomic operation on an address not aligned to " + size + " bytes");
        }
        return o;
    }

    /** Name of the region an address falls in, or null: for messages and traces. */
    public String regionName(long address) {
        long id = address >>> REGION_SHIFT;
        return id > 0 && id < count && !hidden((int) id) ? nameOf((int) id) : null;
    }
}
