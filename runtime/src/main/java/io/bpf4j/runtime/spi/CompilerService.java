package io.bpf4j.runtime.spi;

/**
 * An engine that translates decoded programs into {@link CompiledCode}. The runtime finds one
 * with {@link java.util.ServiceLoader}; without one on the module path, programs are interpreted.
 */
public interface CompilerService {
    /**
     * Compiles a program, charging its generated code to {@code budget}: reserved before the code
     * is defined, released once it is collected.
     *
     * @throws io.bpf4j.runtime.ProgramLoadException if the code would exceed {@code budget}
     * @throws RuntimeException (with a message saying why) if the program cannot be compiled
     */
    CompiledCode compile(DecodedProgram program, io.bpf4j.runtime.ByteAllowance budget);

    /** Compiles a program with no limit on its code. */
    default CompiledCode compile(DecodedProgram program) {
        return compile(program, io.bpf4j.runtime.ByteAllowance.unlimited());
    }
}
