package io.bpf4j.runtime.maps;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@link MapType#RINGBUF}: programs produce variable-length records, the host consumes them in
 * order. max_entries is the data size: a power of 2 and a multiple of the 4 KiB page.
 *
 * <h2>Layout</h2>
 * As in Linux, positions grow without bound and a record at position {@code p} starts at byte
 * {@code p & (size - 1)}; each record is an 8-byte header followed by its sample, the whole rounded
 * up to 8 bytes. The header's first 4 bytes are the sample length with bit 31 set while the record
 * is reserved but not yet committed ("busy") and bit 30 if it was discarded; the second 4 bytes hold
 * the header's offset / 8 (a check for submit). Linux maps the data pages twice in a row so that a
 * record wrapping past the end is contiguous; here {@link #storage()} is twice the data size
 * instead, and a wrapping record simply continues into the second half (the bytes it would have
 * overlaid at the start belong to it and stay unused until it is consumed). A program's sample
 * pointer is therefore always {@code reserve(size)} contiguous bytes of storage.
 *
 * <h2>Semantics</h2>
 * {@link #reserve} fails (returns -1) when the record would not fit beside the unconsumed data
 * (producer minus consumer position must stay below the size); {@link #output} then returns
 * {@code -EAGAIN}. Records are consumed in reservation order; the consumer stops at the first
 * reserved but uncommitted record and skips discarded ones. Producers serialize on a lock; commits
 * are lock-free. Wakeups: {@link #poll(Duration)} waiters are woken by every commit except those
 * with {@link #BPF_RB_NO_WAKEUP} (Linux's adaptive wakeup is not modelled).
 */
public final class RingBufMap extends BpfMap {
    /** Size of a record header. */
    public static final int HEADER_SIZE = 8;
    public static final int BUSY_BIT = 1 << 31;
    public static final int DISCARD_BIT = 1 << 30;
    /** Commit flags. */
    public static final long BPF_RB_NO_WAKEUP = 1;
    public static final long BPF_RB_FORCE_WAKEUP = 2;
    /** bpf_ringbuf_query flags. */
    public static final long BPF_RB_AVAIL_DATA = 0;
    public static final long BPF_RB_RING_SIZE = 1;
    public static final long BPF_RB_CONS_POS = 2;
    public static final long BPF_RB_PROD_POS = 3;

    private static final VarHandle HEADER = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private final int size;
    private final long mask;
    private final Object producerLock = new Object();
    private final Object consumerLock = new Object();
    private final Object wakeup = new Object();
    private volatile long producerPos;
    private volatile long consumerPos;
    private volatile int waiters;

    RingBufMap(MapDefinition definition, CpuSlots cpuSlots) {
        super(definition, cpuSlots);
        this.size = definition.maxEntries();
        this.mask = size - 1;
    }

    private static long recordLength(long sampleSize) {
        return (sampleSize + HEADER_SIZE + 7) & ~7L;
    }

    // ---- Program side ------------------------------------------------------------------------

    /**
     * bpf_ringbuf_reserve: reserves a record for a sample of {@code sampleSize} bytes.
     *
     * @return the offset of the sample in {@link #storage()}, or -1 (NULL) if it does not fit or
     *     {@code flags} is not 0
     */
    public long reserve(long sampleSize, long flags) {
        if (flags != 0 || sampleSize < 0 || sampleSize > size || recordLength(sampleSize) > size) {
            return -1;
        }
        long length = recordLength(sampleSize);
        synchronized (producerLock) {
            long prod = producerPos;
            if (prod + length - consumerPos > mask) {
                return -1;
            }
            int header = (int) (prod & mask);
            storage.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), header + 4L, header >>> 3);
            HEADER.setRelease(storage, (long) header, (int) sampleSize | BUSY_BIT);
            producerPos = prod + length;
            return header + HEADER_SIZE;
        }
    }

    /** bpf_ringbuf_submit: commits a reserved sample. 0, or -EINVAL if the offset is not a reserved sample. */
    public int submit(long sampleOffset, long flags) {
        return commit(sampleOffset, flags, false);
    }

    /** bpf_ringbuf_discard: drops a reserved sample; the consumer skips it. 0 or -EINVAL. */
    public int discard(long sampleOffset, long flags) {
        return commit(sampleOffset, flags, true);
    }

    private int commit(long sampleOffset, long flags, boolean discard) {
        long header = sampleOffset - HEADER_SIZE;
        if (header < 0 || header >= size || (header & 7) != 0) {
            return -Errno.EINVAL;
        }
        int h = (int) HEADER.getAcquire(storage, header);
        if ((h & BUSY_BIT) == 0 || storage.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), header + 4)
                != (int) (header >>> 3)) {
            return -Errno.EINVAL;
        }
        // Volatile, not release: a waiter's check of the header must not miss it (see poll(Duration)).
        HEADER.setVolatile(storage, header, (h & ~BUSY_BIT) | (discard ? DISCARD_BIT : 0));
        if ((flags & BPF_RB_NO_WAKEUP) == 0 && waiters > 0) {
            synchronized (wakeup) {
                wakeup.notifyAll();
            }
        }
        return 0;
    }

    /**
     * bpf_ringbuf_output: copies {@code length} bytes into a new record and commits it.
     *
     * @return 0, -EAGAIN if it does not fit, -EINVAL for flags other than the wakeup flags
     */
    public int output(MemorySegment data, long offset, long length, long flags) {
        if ((flags & ~(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP)) != 0) {
            return -Errno.EINVAL;
        }
        long sample = reserve(length, 0);
        if (sample < 0) {
            return -Errno.EAGAIN;
        }
        MemorySegment.copy(data, offset, storage, sample, length);
        return submit(sample, flags);
    }

    /** bpf_ringbuf_query: available data, ring size, consumer or producer position; 0 for other flags. */
    public long query(long flags) {
        if (flags == BPF_RB_AVAIL_DATA) {
            return producerPos - consumerPos;
        } else if (flags == BPF_RB_RING_SIZE) {
            return size;
        } else if (flags == BPF_RB_CONS_POS) {
            return consumerPos;
        } else if (flags == BPF_RB_PROD_POS) {
            return producerPos;
        }
        return 0;
    }

    // ---- Host side ---------------------------------------------------------------------------

    /**
     * The next committed record's sample, consumed; empty if there is none yet (no record, or the
     * oldest is still reserved).
     *
     * @throws MapException ({@link Errno#EINVAL}) if a record header was overwritten (a program wrote
     *     outside its sample)
     */
    public Optional<byte[]> poll() {
        synchronized (consumerLock) {
            while (true) {
                long cons = consumerPos;
                if (cons == producerPos) {
                    return Optional.empty();
                }
                long header = cons & mask;
                int h = (int) HEADER.getAcquire(storage, header);
                if ((h & BUSY_BIT) != 0) {
                    return Optional.empty();
                }
                int length = h & ~(BUSY_BIT | DISCARD_BIT);
                long recordLength = recordLength(length);
                if (recordLength > size || cons + recordLength > producerPos) {
                    throw new MapException(Errno.EINVAL, definition.label() + ": the record header at position " + cons
                            + " is corrupt (length " + length + ")");
                }
                byte[] sample = null;
                if ((h & DISCARD_BIT) == 0) {
                    sample = new byte[length];
                    MemorySegment.copy(storage, ValueLayout.JAVA_BYTE, header + HEADER_SIZE, sample, 0, length);
                }
                consumerPos = cons + recordLength;
                if (sample != null) {
                    return Optional.of(sample);
                }
            }
        }
    }

    /** As {@link #poll()}, waiting up to {@code timeout} for a record. */
    public Optional<byte[]> poll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<byte[]> record = poll();
            if (record.isPresent()) {
                return record;
            }
            synchronized (wakeup) {
                waiters++;
                try {
                    if (!hasCommittedRecord()) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return Optional.empty();
                        }
                        // A commit reads waiters after writing its header, and this read follows the increment.
                        long millis = Math.max(1, Math.min(left / 1_000_000, 100));
                        wakeup.wait(millis);
                    }
                } finally {
                    waiters--;
                }
            }
        }
    }

    private boolean hasCommittedRecord() {
        long cons = consumerPos;
        return cons != producerPos && ((int) HEADER.getVolatile(storage, cons & mask) & BUSY_BIT) == 0;
    }

    /** Consumes every committed record, in order. @return how many */
    public int drain(Consumer<byte[]> consumer) {
        int n = 0;
        for (Optional<byte[]> r = poll(); r.isPresent(); r = poll()) {
            consumer.accept(r.get());
            n++;
        }
        return n;
    }

    /** Bytes produced and not yet consumed (headers and padding included). */
    public long availableBytes() {
        return producerPos - consumerPos;
    }

    /** The data size (max_entries). */
    public int ringSize() {
        return size;
    }

    @Override
    public int size() {
        return (int) availableBytes();
    }

    @Override
    public Optional<byte[]> nextKey(byte[] key) {
        throw unsupported("next key");
    }

    @Override
    public java.util.List<byte[]> keys() {
        throw unsupported("keys");
    }
}
