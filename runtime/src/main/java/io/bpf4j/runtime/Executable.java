package io.bpf4j.runtime;

/**
 * A program loaded into a runtime, ready to run any number of times, on any number of threads
 * at once.
 */
public interface Executable {
    Program program();

    /**
     * Runs the program on a block of memory: r1 holds its address (0 if {@code memory} is empty),
     * r2 its length, and legacy packet loads read it. The program reads and writes the array in
     * place. This is the calling convention of the conformance suite and of Linux's raw test runs.
     *
     * @return r0 at exit
     * @throws ProgramFault if the program faults (bad memory access, budget exhausted, ...)
     */
    default long run(byte[] memory) {
        return run(memory, null);
    }

    /** As {@link #run(byte[])}, reporting every executed instruction to {@code tracer} (may be null). */
    long run(byte[] memory, ExecutionTracer tracer);
}
