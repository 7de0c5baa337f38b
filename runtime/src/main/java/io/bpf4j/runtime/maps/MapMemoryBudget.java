package io.bpf4j.runtime.maps;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cap on the memory all maps of one runtime may take together, so that an object file with many
 * maps that are each under the per-map cap still cannot take the host's heap. A map's bytes
 * ({@link MapFactory#requiredBytes}) are reserved before it is allocated and given back when the
 * map becomes unreachable: maps have no close operation (programs and other maps may still hold
 * them), so the garbage collector is the one that knows when a map is gone.
 */
public final class MapMemoryBudget {
    /** One daemon thread for every budget: it only runs the subtractions of collected maps. */
    private static final Cleaner CLEANER = Cleaner.create();

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    /**
     * @param limit the most bytes this budget's maps may take together
     */
    public MapMemoryBudget(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("map memory limit " + limit + " is not positive");
        }
        this.limit = limit;
    }

    /** A budget no map creation can exceed. */
    public static MapMemoryBudget unlimited() {
        return new MapMemoryBudget(Long.MAX_VALUE);
    }

    public long limit() {
        return limit;
    }

    /** Bytes held by live maps created against this budget (collected maps are subtracted soon after collection). */
    public long used() {
        return used.get();
    }

    /**
     * Takes {@code bytes} for the map of {@code definition}, or refuses without taking anything.
     *
     * @throws MapDefinitionException ({@link Errno#E2BIG}) if the maps would then hold more than the limit
     */
    void reserve(MapDefinition definition, long bytes) {
        long before;
        do {
            before = used.get();
            if (bytes > limit - before) {
                throw new MapDefinitionException(Errno.E2BIG, definition.label() + ": needs " + bytes + " bytes, but this "
                        + "runtime's maps already hold " + before + " of their " + limit
                        + "-byte limit (BpfRuntime.Builder.maxMapMemory)");
            }
        } while (!used.compareAndSet(before, before + bytes));
    }

    /** Gives back a reservation whose map could not be made. */
    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Gives {@code bytes} back once {@code map} is unreachable. */
    void releaseWhenCollected(BpfMap map, long bytes) {
        AtomicLong counter = used; // the cleaning action must not reach the map itself
        CLEANER.register(map, () -> counter.addAndGet(-bytes));
    }
}
