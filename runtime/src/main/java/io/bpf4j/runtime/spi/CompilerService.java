package io.bpf4j.runtime.spi;

/**
 * An engine that translates decoded programs into {@link CompiledCode}. The runtime finds one
 * with {@link java.util.ServiceLoader}; without one on the module path, programs are interpreted.
 */
public interface CompilerService {
    /**
     * Compiles a program.
     *
     * @throws RuntimeException (with a message saying why) if the program cannot be compiled
     */
    CompiledCode compile(DecodedProgram program);
}
