package io.bpf4j.runtime;

import io.bpf4j.runtime.spi.CompiledCode;
import io.bpf4j.runtime.spi.CompilerService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link ExecutionMode#AUTO} for one program: counts its runs and, at the threshold, compiles it on
 * a background thread; the next run after the compiled form is published uses it. Runs never wait
 * for the compiler. If compilation fails (the runtime's compiled-code limit reached, say), the
 * program stays interpreted and the reason is kept ({@link Executable#compilationFailure}).
 */
final class AutoCompilation {
    /** One daemon thread compiles for every runtime: compilations are rare and should not compete with runs. */
    private static final ExecutorService COMPILER_THREAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bpf4j-compiler");
        t.setDaemon(true);
        return t;
    });

    private final CompilerService compiler;
    private final int threshold;
    private final ByteAllowance budget;
    /** Racy on purpose: an approximate count is enough to decide when a program is hot. */
    private int runs;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile String failure;

    AutoCompilation(CompilerService compiler, int threshold, ByteAllowance budget) {
        this.compiler = compiler;
        this.threshold = threshold;
        this.budget = budget;
    }

    void countRun(Interpreter interpreter) {
        if (++runs >= threshold && started.compareAndSet(false, true)) {
            COMPILER_THREAD.execute(() -> {
                try {
                    CompiledCode code = Compilers.compile(compiler, interpreter, budget);
                    interpreter.compiled = code;
                } catch (RuntimeException | LinkageError e) {
                    failure = String.valueOf(e.getMessage());
                }
            });
        }
    }

    /** Why background compilation failed, or null. */
    String failure() {
        return failure;
    }
}
