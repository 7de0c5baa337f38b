package io.bpf4j.runtime.spi;

import io.bpf4j.runtime.ProgramLoadException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A runtime's allowance of compiled code ({@code BpfRuntime.Builder.maxCompiledCodeBytes}),
 * counted in bytes of generated class files. The compiler reserves a class's size before defining
 * it and releases it once the class is collected (its program dropped), so the count is the
 * compiled code the runtime's live programs hold. Thread-safe.
 */
public final class CompiledCodeBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    /** @param limit bytes of class files at most; {@link Long#MAX_VALUE} for no limit */
    public CompiledCodeBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("compiled-code limit must be at least 1 byte: " + limit);
        }
        this.limit = limit;
    }

    /** No limit (counting still happens). */
    public static CompiledCodeBudget unlimited() {
        return new CompiledCodeBudget(Long.MAX_VALUE);
    }

    public long limit() {
        return limit;
    }

    /** Bytes of compiled code reserved and not yet released. */
    public long used() {
        return used.get();
    }

    /**
     * Takes {@code bytes} for a class of program {@code program} about to be defined.
     *
     * @throws ProgramLoadException if that would take the runtime over its limit (nothing is taken then)
     */
    public void reserve(String program, long bytes) {
        while (true) {
            long now = used.get();
            long after = now + bytes;
            if (after > limit || after < now) {
                throw new ProgramLoadException(0, "cannot compile program '" + program + "': its class of " + bytes
                        + " bytes would bring this runtime's compiled code to " + after + " bytes, over its limit of "
                        + limit + " (BpfRuntime.Builder.maxCompiledCodeBytes); drop programs this runtime compiled,"
                        + " raise the limit, or run interpreted");
            }
            if (used.compareAndSet(now, after)) {
                return;
            }
        }
    }

    /** Gives back what {@link #reserve} took, once the class is gone. */
    public void release(long bytes) {
        used.addAndGet(-bytes);
    }
}
