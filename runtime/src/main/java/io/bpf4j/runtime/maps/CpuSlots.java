package io.bpf4j.runtime.maps;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The "CPUs" of per-CPU maps: a fixed number of value slots, and for each thread a stable slot.
 *
 * <p>Every thread gets a process-wide index when it first asks (0, 1, 2, ... in that order), and
 * its slot is that index modulo {@link #count()}, so a thread always hits the same slot of every
 * per-CPU map that shares this slot count. Linux lets a program update its CPU's value without
 * atomics because nothing else runs on that CPU; here that holds only while no more threads run
 * programs than there are slots. A runtime that runs programs on a pool can give each worker a
 * distinct index with {@link #pinCurrentThread(int)}.
 */
public final class CpuSlots {
    /** More slots than Linux's largest NR_CPUS is certainly a mistake. */
    public static final int MAX_COUNT = 8192;

    private static final AtomicInteger NEXT_INDEX = new AtomicInteger();
    private static final ThreadLocal<int[]> THREAD_INDEX =
            ThreadLocal.withInitial(() -> new int[] {NEXT_INDEX.getAndIncrement() & Integer.MAX_VALUE});

    private final int count;

    private CpuSlots(int count) {
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("CPU slot count " + count + " is not between 1 and " + MAX_COUNT);
        }
        this.count = count;
    }

    /** A fixed number of slots. */
    public static CpuSlots of(int count) {
        return new CpuSlots(count);
    }

    /** As many slots as the JVM has processors. */
    public static CpuSlots availableProcessors() {
        return new CpuSlots(Math.min(MAX_COUNT, Runtime.getRuntime().availableProcessors()));
    }

    /** The number of slots. */
    public int count() {
        return count;
    }

    /** The calling thread's slot, in {@code [0, count())}; the same on every call from that thread. */
    public int current() {
        return THREAD_INDEX.get()[0] % count;
    }

    /** The calling thread's process-wide index, from which its slot in every CpuSlots derives. */
    public static int threadIndex() {
        return THREAD_INDEX.get()[0];
    }

    /** Gives the calling thread a chosen index (its slot becomes {@code index % count()}). */
    public static void pinCurrentThread(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("thread index " + index + " is negative");
        }
        THREAD_INDEX.get()[0] = index;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuSlots c && c.count == count;
    }

    @Override
    public int hashCode() {
        return count;
    }

    @Override
    public String toString() {
        return "CpuSlots[" + count + "]";
    }
}
