package io.bpf4j.runtime;

import io.bpf4j.runtime.spi.CompiledCode;
import io.bpf4j.runtime.spi.CompilerService;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Finds the bytecode compiler through {@link ServiceLoader} (the runtime does not depend on it)
 * and applies an {@link ExecutionMode} to a freshly decoded program.
 */
final class Compilers {
    private Compilers() {}

    private static final class Holder {
        static final Optional<CompilerService> SERVICE =
                ServiceLoader.load(CompilerService.class, Compilers.class.getClassLoader()).findFirst();
    }

    /** The compiler on the module path (or class path), if any. */
    static Optional<CompilerService> service() {
        return Holder.SERVICE;
    }

    /**
     * Readies {@code interpreter} for {@code mode}: compiles now (COMPILED) or arms background
     * compilation (AUTO), charging the code to {@code budget}.
     */
    static void prepare(Interpreter interpreter, String name, ExecutionMode mode, int compileThreshold,
            ByteAllowance budget) {
        interpreter.name = name;
        switch (mode) {
            case INTERPRETER -> { }
            case COMPILED -> {
                CompilerService compiler = service().orElseThrow(() -> new ProgramLoadException(0,
                        "execution mode COMPILED needs the bytecode compiler (module io.bpf4j.compiler, artifact"
                                + " bpf4j-compiler) on the module path or class path; use INTERPRETER or AUTO without it"));
                interpreter.compiled = compile(compiler, interpreter, budget);
            }
            case AUTO -> service().ifPresent(compiler ->
                    interpreter.autoCompilation = new AutoCompilation(compiler, compileThreshold, budget));
        }
    }

    static CompiledCode compile(CompilerService compiler, Interpreter interpreter, ByteAllowance budget) {
        try {
            return compiler.compile(interpreter, budget);
        } catch (ProgramLoadException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ProgramLoadException(0, "cannot compile program '" + interpreter.name + "': " + e.getMessage());
        }
    }
}
