package io.bpf4j.runtime.maps;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.StampedLock;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * The concurrent index of a hash map: keys to slots in {@code [0, capacity)}, with a free-slot
 * stack and, for LRU maps, second-chance eviction. Allocates nothing after construction.
 *
 * <p>Structure: chained buckets (a power of two, at least the capacity) threaded through per-slot
 * arrays ({@code heads}, {@code next}, {@code hashes}); keys in one segment, a slot's key at
 * {@code slot * keyStride}. Buckets are guarded by striped {@link StampedLock}s: writers take the
 * stripe's write lock; lookups read optimistically and retry under the read lock if a writer
 * intervened, so the common lookup takes no lock and writes no shared memory. A slot leaves the
 * free stack only under the write lock of the bucket it joins and returns to it only after being
 * unlinked under that lock, so no slot ever belongs to two live keys.
 *
 * <p>LRU ("second chance" over insertion order, i.e. CLOCK): elements sit in a list in the
 * order they were inserted. Program lookups and updates set an element's reference bit (only if
 * clear, so lookups do not write shared lines, and take no lock). An insert into a full map takes
 * the oldest element: if its bit is set, it is cleared and the element goes to the back of the
 * list; otherwise it is evicted (after 2 x capacity second chances in one eviction, the oldest goes
 * regardless). Like Linux's LRU, which also works from reference bits and an insertion-ordered
 * inactive list rather than exact recency, it is an approximation: an element not used since it
 * was inserted goes before every element that was, and among those the oldest goes first.
 *
 * <p>Lock order: the eviction lock, then a stripe lock, then the free-stack or the LRU-list
 * monitor (leaves, never held together). No thread holding a stripe lock waits for the eviction lock.
 */
final class KeyTable {
    private static final VarHandle BYTES = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final ValueLayout.OfLong U64 = BpfMap.U64;
    private static final ValueLayout.OfInt U32 = BpfMap.U32;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final int MAX_STRIPES = 1024;
    private static final int MAX_BUCKETS = 1 << 30;

    final int capacity;
    final int keySize;
    private final int keyStride;
    private final MemorySegment keys;
    private final int[] hashes;
    private final int[] next;
    private final int[] heads;
    /** 1 while a slot holds an element; written under the stripe lock of its bucket. */
    private final byte[] live;
    private final byte[] referenced;
    private final StampedLock[] stripes;
    private final int bucketMask;
    private final int stripeMask;
    private final long seed;
    private final AtomicInteger size = new AtomicInteger();
    private final int[] free;
    private int freeTop; // guarded by free
    private final boolean lru;
    private final Object evictLock = new Object();
    // LRU list in insertion order (oldest at head), guarded by orderLock; slots, -1 for none.
    private final Object orderLock = new Object();
    private final int[] orderPrev;
    private final int[] orderNext;
    private int orderHead = -1;
    private int orderTail = -1;

    @FunctionalInterface
    interface SlotWriter {
        void write(int slot, boolean fresh);
    }

    KeyTable(int capacity, int keySize, boolean lru, long seed) {
        this.capacity = capacity;
        this.keySize = keySize;
        this.keyStride = (keySize + 7) & ~7;
        this.lru = lru;
        this.seed = seed;
        int buckets = buckets(capacity);
        this.bucketMask = buckets - 1;
        int stripeCount = Math.min(buckets, MAX_STRIPES);
        this.stripeMask = stripeCount - 1;
        this.stripes = new StampedLock[stripeCount];
        for (int i = 0; i < stripeCount; i++) {
            stripes[i] = new StampedLock();
        }
        this.keys = MemorySegment.ofArray(new long[(int) ((long) capacity * keyStride >>> 3)]);
        this.hashes = new int[capacity];
        this.next = new int[capacity];
        this.heads = new int[buckets];
        java.util.Arrays.fill(heads, -1);
        this.live = new byte[capacity];
        this.referenced = lru ? new byte[capacity] : null;
        this.orderPrev = lru ? new int[capacity] : null;
        this.orderNext = lru ? new int[capacity] : null;
        this.free = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            free[i] = capacity - 1 - i; // slot 0 first
        }
        this.freeTop = capacity;
    }

    private static int buckets(int capacity) {
        return capacity <= 1 ? 1 : (int) Math.min(MAX_BUCKETS, Long.highestOneBit((long) capacity - 1) << 1);
    }

    /** Bytes a table of this shape takes besides values, for the map factory's estimate. */
    static long overheadBytes(int capacity, int keySize, boolean lru) {
        long perSlot = ((keySize + 7) & ~7) + 4 + 4 + 1 + 4 + (lru ? 9 : 0);
        long buckets = buckets(capacity);
        return BpfMap.multiply(capacity, perSlot) + buckets * 4 + Math.min(buckets, MAX_STRIPES) * 64;
    }

    /** Bytes of the key segment, which like value storage must stay under 2 GiB. */
    static long keyBytes(int capacity, int keySize) {
        return BpfMap.multiply(capacity, (keySize + 7) & ~7);
    }

    int size() {
        return size.get();
    }

    // ---- Hashing and matching ----------------------------------------------------------------

    private int hash(MemorySegment key, long offset) {
        long h = seed ^ keySize;
        int i = 0;
        for (; i + 8 <= keySize; i += 8) {
            h = Long.rotateLeft(h ^ key.get(U64, offset + i) * 0x9E3779B97F4A7C15L, 29) * 0xBF58476D1CE4E5B9L;
        }
        if (i < keySize) {
            long tail = tail(key, offset + i, keySize - i);
            h = Long.rotateLeft(h ^ tail * 0x9E3779B97F4A7C15L, 29) * 0xBF58476D1CE4E5B9L;
        }
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        h ^= h >>> 29;
        return (int) (h ^ (h >>> 32));
    }

    /**
     * The last {@code n} (1 to 7) bytes of a key at {@code offset}, little-endian (byte {@code k}
     * in bits {@code 8k} to {@code 8k + 7}): in at most three reads, not one per byte.
     */
    private static long tail(MemorySegment s, long offset, int n) {
        long v = 0;
        int shift = 0;
        if ((n & 4) != 0) {
            v = s.get(U32, offset) & 0xffffffffL;
            offset += 4;
            shift = 32;
        }
        if ((n & 2) != 0) {
            v |= (s.get(U16, offset) & 0xffffL) << shift;
            offset += 2;
            shift += 16;
        }
        if ((n & 1) != 0) {
            v |= (s.get(ValueLayout.JAVA_BYTE, offset) & 0xffL) << shift;
        }
        return v;
    }

    /** Keys longer than this are compared by {@link MemorySegment#mismatch}, shorter ones word by word. */
    private static final int WORDWISE_KEY_BYTES = 64;

    private boolean keyEquals(int slot, MemorySegment key, long offset) {
        long base = (long) slot * keyStride;
        if (keySize > WORDWISE_KEY_BYTES) {
            return MemorySegment.mismatch(keys, base, base + keySize, key, offset, offset + keySize) == -1;
        }
        // Most keys are a few words: setting up mismatch costs more than comparing them.
        int i = 0;
        for (; i + 8 <= keySize; i += 8) {
            if (keys.get(U64, base + i) != key.get(U64, offset + i)) {
                return false;
            }
        }
        return i == keySize || tail(keys, base + i, keySize - i) == tail(key, offset + i, keySize - i);
    }

    /** The slot of a key in a bucket, or -1. Tolerates the torn state an optimistic read may see. */
    private int scan(int bucket, int hash, MemorySegment key, long offset) {
        int s = heads[bucket];
        for (int steps = 0; s >= 0 && s < capacity && steps < capacity; steps++) {
            if (hashes[s] == hash && keyEquals(s, key, offset)) {
                return s;
            }
            s = next[s];
        }
        return -1;
    }

    private StampedLock stripe(int bucket) {
        return stripes[bucket & stripeMask];
    }

    // ---- Operations --------------------------------------------------------------------------

    /** The slot of a key, or -1; for programs: usually lock-free, marks the element used. */
    int find(MemorySegment key, long offset) {
        int h = hash(key, offset);
        int b = h & bucketMask;
        StampedLock lock = stripe(b);
        long stamp = lock.tryOptimisticRead();
        int s = stamp == 0 ? -1 : scan(b, h, key, offset);
        if (!lock.validate(stamp)) {
            stamp = lock.readLock();
            try {
                s = scan(b, h, key, offset);
            } finally {
                lock.unlockRead(stamp);
            }
        }
        if (s >= 0 && lru) {
            touch(s);
        }
        return s;
    }

    /** Applies {@code reader} to a key's slot under the read lock (the element cannot go away); null if absent. */
    <T> T read(MemorySegment key, long offset, IntFunction<T> reader) {
        int h = hash(key, offset);
        int b = h & bucketMask;
        StampedLock lock = stripe(b);
        long stamp = lock.readLock();
        try {
            int s = scan(b, h, key, offset);
            return s < 0 ? null : reader.apply(s);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private void touch(int slot) {
        if (referenced[slot] == 0) {
            referenced[slot] = 1;
        }
    }

    /**
     * Creates or updates the element of a key; {@code writer} fills its value with the element
     * locked (before a new element becomes visible).
     *
     * @param flags BPF_ANY, BPF_NOEXIST or BPF_EXIST (validated by the caller, F_LOCK removed)
     * @return the slot, or -EEXIST, -ENOENT, or -E2BIG when a non-LRU table is full
     */
    int upsert(MemorySegment key, long offset, long flags, SlotWriter writer) {
        int h = hash(key, offset);
        int b = h & bucketMask;
        StampedLock lock = stripe(b);
        int spare = -1;
        try {
            while (true) {
                long stamp = lock.writeLock();
                try {
                    int s = scan(b, h, key, offset);
                    if (s >= 0) {
                        if (flags == MapFlags.BPF_NOEXIST) {
                            return -Errno.EEXIST;
                        }
                        writer.write(s, false);
                        if (lru) {
                            touch(s);
                        }
                        return s;
                    }
                    if (flags == MapFlags.BPF_EXIST) {
                        return -Errno.ENOENT;
                    }
                    int slot = spare >= 0 ? spare : popFree();
                    if (slot >= 0) {
                        spare = slot; // freed again if the insert throws
                        insert(slot, b, h, key, offset, writer);
                        spare = -1;
                        return slot;
                    }
                    if (!lru) {
                        return -Errno.E2BIG;
                    }
                } finally {
                    lock.unlockWrite(stamp);
                }
                // Full LRU table: evict with no stripe lock held, then try again with the slot in hand.
                spare = evict();
            }
        } finally {
            if (spare >= 0) {
                pushFree(spare);
            }
        }
    }

    private void insert(int slot, int bucket, int hash, MemorySegment key, long offset, SlotWriter writer) {
        MemorySegment.copy(key, offset, keys, (long) slot * keyStride, keySize);
        hashes[slot] = hash;
        writer.write(slot, true);
        next[slot] = heads[bucket];
        heads[bucket] = slot;
        BYTES.setRelease(live, slot, (byte) 1);
        size.incrementAndGet();
        if (lru) {
            referenced[slot] = 0;
            synchronized (orderLock) {
                append(slot);
            }
        }
    }

    private void unlink(int bucket, int prev, int slot) {
        if (prev < 0) {
            heads[bucket] = next[slot];
        } else {
            next[prev] = next[slot];
        }
        BYTES.setRelease(live, slot, (byte) 0);
        size.decrementAndGet();
        if (lru) {
            synchronized (orderLock) {
                detach(slot);
            }
        }
    }

    private void append(int slot) { // with orderLock
        orderPrev[slot] = orderTail;
        orderNext[slot] = -1;
        if (orderTail < 0) {
            orderHead = slot;
        } else {
            orderNext[orderTail] = slot;
        }
        orderTail = slot;
    }

    private void detach(int slot) { // with orderLock
        int p = orderPrev[slot];
        int n = orderNext[slot];
        if (p < 0) {
            orderHead = n;
        } else {
            orderNext[p] = n;
        }
        if (n < 0) {
            orderTail = p;
        } else {
            orderPrev[n] = p;
        }
    }

    /**
     * Deletes the element of a key; {@code onRemoved} (may be null) sees its slot before the slot
     * is free again.
     *
     * @return the slot it had, or -ENOENT
     */
    int remove(MemorySegment key, long offset, IntConsumer onRemoved) {
        int h = hash(key, offset);
        int b = h & bucketMask;
        StampedLock lock = stripe(b);
        long stamp = lock.writeLock();
        try {
            int prev = -1;
            for (int s = heads[b]; s >= 0; prev = s, s = next[s]) {
                if (hashes[s] == h && keyEquals(s, key, offset)) {
                    unlink(b, prev, s);
                    if (onRemoved != null) {
                        onRemoved.accept(s);
                    }
                    pushFree(s);
                    return s;
                }
            }
            return -Errno.ENOENT;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** A free slot, evicting the oldest unreferenced element if there is none. The slot is in no chain and not free. */
    private int evict() {
        synchronized (evictLock) {
            int s = popFree();
            if (s >= 0) {
                return s;
            }
            long secondChances = 2L * capacity;
            while (true) {
                int victim;
                synchronized (orderLock) {
                    victim = orderHead;
                    if (victim >= 0 && referenced[victim] != 0 && secondChances-- > 0) {
                        referenced[victim] = 0;
                        detach(victim);
                        append(victim);
                        continue;
                    }
                }
                if (victim < 0) {
                    // Every slot is in the hands of inserters, or was just freed.
                    s = popFree();
                    if (s >= 0) {
                        return s;
                    }
                    Thread.onSpinWait();
                    continue;
                }
                int b = hashes[victim] & bucketMask; // checked under the lock below
                StampedLock lock = stripe(b);
                long stamp = lock.writeLock();
                try {
                    int prev = -1;
                    int x = heads[b];
                    while (x >= 0 && x != victim) {
                        prev = x;
                        x = next[x];
                    }
                    if (x == victim) { // not deleted or moved meanwhile
                        unlink(b, prev, victim);
                        referenced[victim] = 0;
                        return victim;
                    }
                } finally {
                    lock.unlockWrite(stamp);
                }
            }
        }
    }

    private int popFree() {
        synchronized (free) {
            return freeTop == 0 ? -1 : free[--freeTop];
        }
    }

    private void pushFree(int slot) {
        synchronized (free) {
            free[freeTop++] = slot;
        }
    }

    // ---- Iteration ---------------------------------------------------------------------------

    /**
     * Linux's get_next_key for hash maps: the element after {@code key} in its bucket's chain, else
     * the first of a later bucket; a null or absent key restarts from the first bucket.
     *
     * @return 0 with the key written to {@code out}, or -ENOENT after the last
     */
    int nextKey(MemorySegment key, long offset, MemorySegment out, long outOffset) {
        int b = 0;
        if (key != null) {
            int h = hash(key, offset);
            int kb = h & bucketMask;
            StampedLock lock = stripe(kb);
            long stamp = lock.readLock();
            try {
                int s = scan(kb, h, key, offset);
                if (s >= 0) {
                    if (next[s] >= 0) {
                        copyKey(next[s], out, outOffset);
                        return 0;
                    }
                    b = kb + 1;
                }
            } finally {
                lock.unlockRead(stamp);
            }
        }
        for (; b <= bucketMask; b++) {
            if (heads[b] < 0) {
                continue; // racy pre-check; the locked read below decides
            }
            StampedLock lock = stripe(b);
            long stamp = lock.readLock();
            try {
                if (heads[b] >= 0) {
                    copyKey(heads[b], out, outOffset);
                    return 0;
                }
            } finally {
                lock.unlockRead(stamp);
            }
        }
        return -Errno.ENOENT;
    }

    private void copyKey(int slot, MemorySegment out, long outOffset) {
        MemorySegment.copy(keys, (long) slot * keyStride, out, outOffset, keySize);
    }

    /** Visits every element (key segment, key offset, slot) in iteration order, each bucket locked while visited. */
    void forEach(SlotMap.SlotVisitor visitor) {
        for (int b = 0; b <= bucketMask; b++) {
            if (heads[b] < 0) {
                continue;
            }
            StampedLock lock = stripe(b);
            long stamp = lock.readLock();
            try {
                for (int s = heads[b]; s >= 0; s = next[s]) {
                    visitor.visit(keys, (long) s * keyStride, s);
                }
            } finally {
                lock.unlockRead(stamp);
            }
        }
    }
}
