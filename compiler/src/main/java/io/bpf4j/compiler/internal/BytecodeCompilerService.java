package io.bpf4j.compiler.internal;

import io.bpf4j.runtime.spi.CompiledCode;
import io.bpf4j.runtime.ByteAllowance;
import io.bpf4j.runtime.ProgramLoadException;
import io.bpf4j.runtime.spi.CompilerService;
import io.bpf4j.runtime.spi.DecodedProgram;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.function.Consumer;

/**
 * The compiler as the runtime finds it: generates a class per program and defines it as a hidden
 * class of this package, weakly tied to its class loader, so that it is unloaded once the program
 * is no longer reachable. The class's size is charged to the runtime's {@link ByteAllowance}
 * before it is defined, and given back when the class is collected.
 */
public final class BytecodeCompilerService implements CompilerService {
    /** What {@link #capture} hands over: a generated class file and the hidden class defined from it. */
    public record Compiled(byte[] classFile, Class<?> definedClass) {}

    /** Set while {@link #capture} runs: receives each generated class (for dumps and tests). */
    private static final ThreadLocal<Consumer<Compiled>> CAPTURE = new ThreadLocal<>();

    /** Set while {@link #splittingEverything} runs: the chunk size every function is split into. */
    private static final ThreadLocal<Integer> FORCED_CHUNK = new ThreadLocal<>();

    @Override
    public CompiledCode compile(DecodedProgram program, ByteAllowance budget) {
        Integer chunk = FORCED_CHUNK.get();
        ClassGenerator generator = new ClassGenerator(program, className(program.name()), chunk == null ? 0 : chunk);
        byte[] bytes = generator.generate();
        long size = bytes.length;
        if (!budget.tryReserve(size)) {
            throw new ProgramLoadException(0, "cannot compile program '" + program.name() + "': its class of " + size
                    + " bytes would bring this runtime's compiled code to " + (budget.used() + size) + " bytes, over its"
                    + " limit of " + budget.limit() + " (BpfRuntime.Builder.maxCompiledCodeBytes); drop programs this"
                    + " runtime compiled, raise the limit, or run interpreted");
        }
        CompiledCode code;
        try {
            code = define(bytes, generator.classData());
        } catch (RuntimeException | Error e) {
            budget.release(size);
            throw e;
        }
        // On the class, not the instance: the budget is given back when the class itself can go.
        budget.releaseWhenCollected(code.getClass(), size);
        Consumer<Compiled> capture = CAPTURE.get();
        if (capture != null) {
            capture.accept(new Compiled(bytes, code.getClass()));
        }
        return code;
    }

    static CompiledCode define(byte[] bytes, List<Object> classData) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, classData, true);
            return (CompiledCode) lookup.findConstructor(lookup.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define the compiled class: " + e, e);
        }
    }

    /** Runs {@code action}, handing every class compiled on this thread meanwhile to {@code sink}. */
    public static void capture(Consumer<Compiled> sink, Runnable action) {
        Consumer<Compiled> previous = CAPTURE.get();
        CAPTURE.set(sink);
        try {
            action.run();
        } finally {
            CAPTURE.set(previous);
        }
    }

    /**
     * Runs {@code action} with every function compiled on this thread split into chunks of about
     * {@code chunkBytes} of bytecode, as only huge functions are otherwise: so that tests cover
     * splitting with small programs.
     */
    public static void splittingEverything(int chunkBytes, Runnable action) {
        Integer previous = FORCED_CHUNK.get();
        FORCED_CHUNK.set(chunkBytes);
        try {
            action.run();
        } finally {
            FORCED_CHUNK.set(previous);
        }
    }

    /** Set while {@link #assumingProvenSafe} runs. */
    private static final ThreadLocal<java.util.BitSet> ASSUMED_SAFE = new ThreadLocal<>();

    /**
     * Runs {@code action} compiling as if a verifier had proven the accesses at {@code pcs} safe:
     * for testing the unchecked access path until the verifier supplies real facts.
     */
    public static void assumingProvenSafe(java.util.BitSet pcs, Runnable action) {
        java.util.BitSet previous = ASSUMED_SAFE.get();
        ASSUMED_SAFE.set(pcs);
        try {
            action.run();
        } finally {
            ASSUMED_SAFE.set(previous);
        }
    }

    static java.util.BitSet assumedSafe() {
        return ASSUMED_SAFE.get();
    }

    /** A binary class name in this package, from the program's name (letters and digits kept). */
    static String className(String programName) {
        StringBuilder sb = new StringBuilder(BytecodeCompilerService.class.getPackageName()).append(".Bpf_");
        programName.codePoints().limit(40).forEach(c -> sb.append(Character.isLetterOrDigit(c) && c < 128 ? (char) c : '_'));
        return sb.toString();
    }
}
