package io.bpf4j.compiler.internal;

import io.bpf4j.runtime.spi.CompiledCode;
import io.bpf4j.runtime.spi.CompilerService;
import io.bpf4j.runtime.spi.DecodedProgram;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.function.Consumer;

/**
 * The compiler as the runtime finds it: generates a class per program and defines it as a hidden
 * class of this package, weakly tied to its class loader, so that it is unloaded once the program
 * is no longer reachable.
 */
public final class BytecodeCompilerService implements CompilerService {
    /** What {@link #capture} hands over: a generated class file and the hidden class defined from it. */
    public record Compiled(byte[] classFile, Class<?> definedClass) {}

    /** Set while {@link #capture} runs: receives each generated class (for dumps and tests). */
    private static final ThreadLocal<Consumer<Compiled>> CAPTURE = new ThreadLocal<>();

    @Override
    public CompiledCode compile(DecodedProgram program) {
        ClassGenerator generator = new ClassGenerator(program, className(program.name()));
        byte[] bytes = generator.generate();
        CompiledCode code = define(bytes, generator.classData());
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

    /** A binary class name in this package, from the program's name (letters and digits kept). */
    static String className(String programName) {
        StringBuilder sb = new StringBuilder(BytecodeCompilerService.class.getPackageName()).append(".Bpf_");
        programName.codePoints().limit(40).forEach(c -> sb.append(Character.isLetterOrDigit(c) && c < 128 ? (char) c : '_'));
        return sb.toString();
    }
}
