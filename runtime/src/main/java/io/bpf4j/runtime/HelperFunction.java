package io.bpf4j.runtime;

/**
 * The Java implementation of a helper: registers r1-r5 arrive as the arguments, the result goes
 * to r0. Pointer arguments are program addresses; read and write through {@code memory}, which
 * checks them against the caller's regions.
 */
@FunctionalInterface
public interface HelperFunction {
    long call(long r1, long r2, long r3, long r4, long r5, HelperContext context);
}
