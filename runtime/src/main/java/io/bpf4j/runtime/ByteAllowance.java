package io.bpf4j.runtime;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A limit on bytes that many owners draw from at once: the maps of one runtime
 * ({@link BpfRuntime.Builder#maxMapMemory}) and the compiled classes of its programs
 * ({@link BpfRuntime.Builder#maxCompiledCodeBytes}). An owner's bytes are reserved before it is
 * allocated, so a request over the limit fails before it costs anything, and given back when the
 * owner is gone: explicitly, or once the garbage collector finds it unreachable (maps and classes
 * have no close operation: programs and other maps may still hold them, so only the collector
 * knows). Thread-safe.
 */
public final class ByteAllowance {
    /** One daemon thread for every allowance: it only runs the subtractions of collected owners. */
    private static final Cleaner CLEANER = Cleaner.create();

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    /** @param limit the most bytes the owners may hold together; {@link Long#MAX_VALUE} for no limit */
    public ByteAllowance(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a byte allowance must be positive: " + limit);
        }
        this.limit = limit;
    }

    /** No limit (the bytes are still counted). */
    public static ByteAllowance unlimited() {
        return new ByteAllowance(Long.MAX_VALUE);
    }

    public long limit() {
        return limit;
    }

    /** Bytes reserved and not given back (owners collected recently may still be counted for a moment). */
    public long used() {
        return used.get();
    }

    /**
     * Takes {@code bytes} if they fit under the limit; otherwise takes nothing. The caller says
     * what was refused (it knows what the bytes were for).
     *
     * @return whether the bytes were taken
     */
    public boolean tryReserve(long bytes) {
        while (true) {
            long now = used.get();
            long after = now + bytes;
            if (after > limit || after < now) {
                return false;
            }
            if (used.compareAndSet(now, after)) {
                return true;
            }
        }
    }

    /** Gives back bytes {@link #tryReserve} took (their owner could not be made, or is gone). */
    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Gives {@code bytes} back once {@code owner} is unreachable. */
    public void releaseWhenCollected(Object owner, long bytes) {
        AtomicLong counter = used; // the cleaning action must not reach the owner itself
        CLEANER.register(owner, () -> counter.addAndGet(-bytes));
    }
}
