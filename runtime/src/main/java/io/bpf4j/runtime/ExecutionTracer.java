package io.bpf4j.runtime;

/**
 * Observes every instruction a program executes, for `bpf4j run --trace` and debuggers. Tracing
 * copies the registers around each instruction, so it costs; without a tracer nothing is copied.
 */
@FunctionalInterface
public interface ExecutionTracer {
    /**
     * Called after the instruction at {@code pc} executed.
     *
     * @param before registers r0-r10 before it (do not keep: the array is reused)
     * @param after registers r0-r10 after it (do not keep or modify)
     */
    void executed(int pc, long[] before, long[] after);
}
