package io.bpf4j.runtime;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A program's address space: a table of regions, each a {@link MemorySegment}.
 *
 * <p>A program-visible address is {@code (regionId << 32) | offset}. Region 0 is never mapped, so
 * 0 and small integers are null pointers; no address reveals anything of the host. Every access
 * is checked against the region's bounds and write permission; a failed check is a
 * {@link MemoryAccessFault} naming the instruction. Values are little-endian and may be unaligned,
 * except atomics, which Linux requires to be naturally aligned.
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

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle ATOMIC_INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle ATOMIC_LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    /** Guards atomics on segments that cannot be accessed atomically (see the class comment). */
    private static final Object UNALIGNABLE_ATOMICS_LOCK = new Object();

    // Parallel arrays indexed by region id: cheaper to check on the hot path than region objects.
    private MemorySegment[] segments = new MemorySegment[16];
    private long[] lengths = new long[16];
    private boolean[] writable = new boolean[16];
    private String[] names = new String[16];
    private int count = 1; // id 0 is the null region

    /**
     * Maps a segment as a new region.
     *
     * @return the address of the region's first byte
     */
    public long map(String name, MemorySegment segment, boolean isWritable) {
        if (segment.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("region " + name + " is larger than 2 GiB");
        }
        if (isWritable && segment.isReadOnly()) {
            throw new IllegalArgumentException("region " + name + " is a read-only segment");
        }
        if (count == segments.length) {
            int n = count * 2;
            segments = Arrays.copyOf(segments, n);
            lengths = Arrays.copyOf(lengths, n);
            writable = Arrays.copyOf(writable, n);
            names = Arrays.copyOf(names, n);
        }
        int id = count++;
        segments[id] = segment;
        lengths[id] = segment.byteSize();
        writable[id] = isWritable;
        names[id] = name;
        return (long) id << REGION_SHIFT;
    }

    /** Maps a whole array as a writable region; the program reads and writes the array itself. */
    public long map(String name, byte[] array) {
        return map(name, MemorySegment.ofArray(array), true);
    }

    /** Number of regions mapped, including the null region. */
    public int regionCount() {
        return count;
    }

    /**
     * Offset into the region's segment of an access of {@code size} bytes at {@code address},
     * after checking it lies within the region and, for a write, that the region is writable.
     */
    private long offset(long address, int size, boolean write, int pc) {
        int id = (int) (address >>> REGION_SHIFT);
        long offset = address & 0xffffffffL;
        if (id <= 0 || id >= count || offset > lengths[id] - size || (write && !writable[id])) {
            throw fault(address, size, write, pc);
        }
        return offset;
    }

    private MemoryAccessFault fault(long address, int size, boolean write, int pc) {
        int id = (int) (address >>> REGION_SHIFT);
        long offset = address & 0xffffffffL;
        String what = write ? "write" : "read";
        String reason;
        if (id == 0) {
            reason = what + " through a null or non-pointer value";
        } else if (id < 0 || id >= count) {
            reason = what + " outside every memory region";
        } else if (write && !writable[id] && offset <= lengths[id] - size) {
            reason = "region '" + names[id] + "' is read-only";
        } else {
            reason = what + " at offset " + (int) address + " of region '" + names[id] + "', which has "
                    + lengths[id] + " bytes";
        }
        return new MemoryAccessFault(pc, address, size, reason);
    }

    private MemorySegment segment(long address) {
        return segments[(int) (address >>> REGION_SHIFT)];
    }

    /**
     * For helpers that work on program memory in place: checks that {@code size} bytes at
     * {@code address} lie in one region (and that it is writable, for {@code write}) and returns
     * their offset in {@link #segmentOf(long) the region's segment}.
     */
    public long checkedOffset(long address, int size, boolean write, int pc) {
        if (size < 0) {
            throw new MemoryAccessFault(pc, address, size, "negative length " + size);
        }
        return offset(address, size, write, pc);
    }

    /** The segment of the region {@code address} falls in; only valid after {@link #checkedOffset}. */
    public MemorySegment segmentOf(long address) {
        return segment(address);
    }

    /** Loads an unsigned value of {@code size} (1, 2, 4 or 8) bytes. */
    public long load(long address, int size, int pc) {
        long o = offset(address, size, false, pc);
        MemorySegment s = segment(address);
        return switch (size) {
            case 1 -> s.get(ValueLayout.JAVA_BYTE, o) & 0xffL;
            case 2 -> s.get(SHORT, o) & 0xffffL;
            case 4 -> s.get(INT, o) & 0xffffffffL;
            case 8 -> s.get(LONG, o);
            default -> throw new IllegalArgumentException("size " + size);
        };
    }

    /** Stores the low {@code size} bytes of {@code value}. */
    public void store(long address, int size, long value, int pc) {
        long o = offset(address, size, true, pc);
        MemorySegment s = segment(address);
        switch (size) {
            case 1 -> s.set(ValueLayout.JAVA_BYTE, o, (byte) value);
            case 2 -> s.set(SHORT, o, (short) value);
            case 4 -> s.set(INT, o, (int) value);
            case 8 -> s.set(LONG, o, value);
            default -> throw new IllegalArgumentException("size " + size);
        }
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
        int id = (int) (address >>> REGION_SHIFT);
        return id > 0 && id < count ? names[id] : null;
    }
}
