package io.bpf4j.runtime.maps;

import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * {@link MapType#QUEUE} (first in, first out) and {@link MapType#STACK} (last in, first out):
 * values without keys, at most max_entries of them, in a ring of value slots in
 * {@link #storage()}. Push fails with {@link Errno#E2BIG} when full, unless given
 * {@link MapFlags#BPF_EXIST}, which drops the oldest element to make room (for a stack too, as in
 * Linux); pop and peek fail with {@link Errno#ENOENT} when empty. As with Linux's bpf syscall, a
 * host lookup (with a null or empty key) peeks and a host update pushes; keys and deletes do not
 * exist ({@link Errno#EINVAL}).
 */
public final class QueueStackMap extends BpfMap {
    private final boolean stack;
    private final Object lock = new Object();
    private int head; // slot of the oldest element; guarded by lock
    private int count; // guarded by lock

    QueueStackMap(MapDefinition definition, CpuSlots cpuSlots) {
        super(definition, cpuSlots);
        this.stack = definition.type() == MapType.STACK;
    }

    private int slot(int index) {
        int s = head + index;
        return s >= maxEntries() ? s - maxEntries() : s;
    }

    /** The slot the next pop or peek reads; with the lock held and count > 0. */
    private int nextSlot() {
        return stack ? slot(count - 1) : head;
    }

    // ---- Program side ------------------------------------------------------------------------

    @Override
    public int push(MemorySegment value, long valueOffset, long flags) {
        if ((flags & MapFlags.BPF_NOEXIST) != 0 || flags > MapFlags.BPF_EXIST || flags < 0) {
            return -Errno.EINVAL;
        }
        synchronized (lock) {
            if (count == maxEntries()) {
                if (flags != MapFlags.BPF_EXIST) {
                    return -Errno.E2BIG;
                }
                head = slot(1); // drop the oldest
                count--;
            }
            copyIn(slot(count), 0, value, valueOffset);
            count++;
            return 0;
        }
    }

    @Override
    public int pop(MemorySegment value, long valueOffset) {
        synchronized (lock) {
            if (count == 0) {
                return empty(value, valueOffset);
            }
            MemorySegment.copy(storage, valueOffset(nextSlot(), 0), value, valueOffset, valueSize);
            if (!stack) {
                head = slot(1);
            }
            count--;
            return 0;
        }
    }

    @Override
    public int peek(MemorySegment value, long valueOffset) {
        synchronized (lock) {
            if (count == 0) {
                return empty(value, valueOffset);
            }
            MemorySegment.copy(storage, valueOffset(nextSlot(), 0), value, valueOffset, valueSize);
            return 0;
        }
    }

    /** Pop or peek of an empty map: Linux zeroes the program's value buffer and returns -ENOENT. */
    private int empty(MemorySegment value, long valueOffset) {
        value.asSlice(valueOffset, valueSize).fill((byte) 0);
        return -Errno.ENOENT;
    }

    @Override
    public int update(MemorySegment key, long keyOffset, MemorySegment value, long valueOffset, long flags, int cpu) {
        return push(value, valueOffset, flags);
    }

    @Override
    public int delete(MemorySegment key, long keyOffset) {
        return -Errno.EINVAL;
    }

    @Override
    public int getNextKey(MemorySegment key, long keyOffset, MemorySegment nextKey, long nextKeyOffset) {
        return -Errno.EINVAL;
    }

    // ---- Host side ---------------------------------------------------------------------------

    /**
     * Pushes a value.
     *
     * @throws MapException {@link Errno#E2BIG} if full and {@code flags} is not BPF_EXIST;
     *     {@link Errno#EINVAL} for other flags than BPF_ANY and BPF_EXIST or a value of the wrong size
     */
    public void push(byte[] value, long flags) {
        checkHostWrite();
        checkValue(value);
        int r = push(MemorySegment.ofArray(value), 0, flags);
        if (r < 0) {
            throw error("push", " with flags " + flags, r);
        }
    }

    /** Removes and returns the next element (the oldest of a queue, the newest of a stack). */
    public Optional<byte[]> pop() {
        checkHostWrite();
        byte[] out = new byte[valueSize];
        return pop(MemorySegment.ofArray(out), 0) == 0 ? Optional.of(out) : Optional.empty();
    }

    /** Returns the next element without removing it. */
    public Optional<byte[]> peek() {
        checkHostRead();
        byte[] out = new byte[valueSize];
        return peek(MemorySegment.ofArray(out), 0) == 0 ? Optional.of(out) : Optional.empty();
    }

    /** Peeks; {@code key} must be null or empty. */
    @Override
    public Optional<byte[]> lookup(byte[] key) {
        checkNoKey(key);
        return peek();
    }

    /** Pushes; {@code key} must be null or empty. */
    @Override
    public void update(byte[] key, byte[] value, long flags) {
        checkNoKey(key);
        push(value, flags);
    }

    @Override
    public boolean delete(byte[] key) {
        throw new MapException(Errno.EINVAL, definition.label() + ": delete: a " + type() + " has no keys; use pop()");
    }

    @Override
    public Optional<byte[]> nextKey(byte[] key) {
        throw new MapException(Errno.EINVAL, definition.label() + ": next key: a " + type() + " has no keys");
    }

    @Override
    public java.util.List<byte[]> keys() {
        throw new MapException(Errno.EINVAL, definition.label() + ": keys: a " + type() + " has no keys");
    }

    @Override
    public int size() {
        synchronized (lock) {
            return count;
        }
    }

    private void checkNoKey(byte[] key) {
        if (key != null && key.length != 0) {
            throw new MapException(Errno.EINVAL, definition.label() + ": a " + type() + " has no keys; the key must be null or empty");
        }
    }

    private void checkValue(byte[] value) {
        if (value == null || value.length != valueSize) {
            throw new MapException(Errno.EINVAL, definition.label() + ": the value has "
                    + (value == null ? "no" : String.valueOf(value.length)) + " bytes, value_size is " + valueSize);
        }
    }

    @Override
    String explain(String operation, int negativeErrno) {
        if (negativeErrno == -Errno.E2BIG) {
            return "the " + type() + " is full (max_entries " + maxEntries() + "); BPF_EXIST would drop the oldest element";
        }
        if (negativeErrno == -Errno.EINVAL) {
            return "flags must be BPF_ANY or BPF_EXIST";
        }
        return super.explain(operation, negativeErrno);
    }
}
