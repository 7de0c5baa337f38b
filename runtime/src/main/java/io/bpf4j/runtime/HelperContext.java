package io.bpf4j.runtime;

/** What a helper sees of the program that calls it. */
public interface HelperContext {
    /** The calling program's address space, for pointer arguments. */
    Memory memory();

    /** Index of the call instruction, for error messages. */
    int pc();
}
