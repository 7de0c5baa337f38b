package io.bpf4j.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.compiler.internal.BytecodeCompilerService;
import io.bpf4j.isa.Assembler;
import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.Program;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Compiled programs do not leak: a long-running service that loads, compiles, runs and drops
 * programs in a loop keeps its memory flat, because each program's hidden class is collected and
 * unloaded with the program. Checked by counting (the JVM's loaded and unloaded class counts, weak
 * references to generated classes) and by the heap and metaspace in use after a full collection,
 * never by timing.
 *
 * <p>The loop runs {@value #DEFAULT_PROGRAMS} programs, the figure the design promises: about 0.3 ms
 * each once the JIT has compiled the class-file library, 1 to 2 ms each before (57 s in all on a
 * busy two-core machine). {@code -Dbpf4j.unloading.programs=N} runs another number.
 */
class UnloadingTest {
    static final int DEFAULT_PROGRAMS = 100_000;
    /** Programs loaded before the baseline is taken: the JIT, the class-file library and the runtime warm up. */
    private static final int WARM_UP = 5_000;
    /** Growth allowed over the loop, whatever its length: 4 MB is under 50 bytes per program at 100,000. */
    private static final long SLACK_BYTES = 4L << 20;

    private static final Instructions CODE = Assembler.assemble("""
            r0 = r2
            r0 += 7
            exit
            """);

    @Test
    void programsLoadedCompiledRunAndDroppedInALoopKeepMemoryFlat() throws InterruptedException {
        int programs = Integer.getInteger("bpf4j.unloading.programs", DEFAULT_PROGRAMS);
        BpfRuntime runtime = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).build();
        ClassLoadingMXBean classLoading = ManagementFactory.getClassLoadingMXBean();
        List<WeakReference<Class<?>>> sampled = new ArrayList<>();
        int[] compiled = new int[1];

        Footprint baseline = null;
        long unloadedAtBaseline = 0;
        for (int i = 0; i < programs; i++) {
            if (i == Math.min(WARM_UP, programs / 10)) {
                baseline = Footprint.afterFullGc();
                unloadedAtBaseline = classLoading.getUnloadedClassCount();
            }
            Program program = Program.of("p" + i, CODE);
            Executable[] exe = new Executable[1];
            boolean sample = i % 1000 == 0;
            BytecodeCompilerService.capture(c -> {
                compiled[0]++;
                if (sample) {
                    sampled.add(new WeakReference<>(c.definedClass()));
                }
            }, () -> exe[0] = runtime.load(program));
            assertThat(exe[0].isCompiled()).isTrue();
            assertThat(exe[0].run(new byte[i % 50])).isEqualTo(i % 50 + 7);
        }
        Footprint end = Footprint.afterFullGc();
        for (int attempt = 0; attempt < 50 && sampled.stream().anyMatch(r -> r.get() != null); attempt++) {
            System.gc();
            Thread.sleep(20);
        }

        assertThat(compiled[0]).as("classes generated").isEqualTo(programs);
        assertThat(sampled.stream().filter(r -> r.get() != null).count()).as("sampled classes still loaded").isZero();
        int measured = programs - Math.min(WARM_UP, programs / 10);
        assertThat(classLoading.getUnloadedClassCount() - unloadedAtBaseline)
                .as("classes unloaded during the %d programs after the baseline", measured)
                .isGreaterThanOrEqualTo(measured - 100);
        assertThat(end.loadedClasses()).as("classes loaded at the end vs at the baseline (%s)", baseline)
                .isLessThanOrEqualTo(baseline.loadedClasses() + 100);
        assertThat(end.heapUsed()).as("heap in use after a full GC, end vs baseline (%s)", baseline)
                .isLessThanOrEqualTo(baseline.heapUsed() + SLACK_BYTES);
        assertThat(end.metaspaceUsed()).as("metaspace in use after a full GC, end vs baseline (%s)", baseline)
                .isLessThanOrEqualTo(baseline.metaspaceUsed() + SLACK_BYTES);
    }

    @Test
    void aProgramInUseKeepsItsClass() throws InterruptedException {
        BpfRuntime runtime = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).build();
        List<WeakReference<Class<?>>> classes = new ArrayList<>();
        Executable[] exe = new Executable[1];
        BytecodeCompilerService.capture(c -> classes.add(new WeakReference<>(c.definedClass())),
                () -> exe[0] = runtime.load(Program.of("kept", CODE)));
        for (int attempt = 0; attempt < 5; attempt++) {
            System.gc();
            Thread.sleep(10);
        }
        assertThat(classes.getFirst().get()).isNotNull();
        assertThat(exe[0].run(new byte[1])).isEqualTo(8);
    }

    /** What the JVM holds after a full collection: heap and metaspace in use, classes loaded. */
    record Footprint(long heapUsed, long metaspaceUsed, int loadedClasses) {
        static Footprint afterFullGc() throws InterruptedException {
            // Twice: the first collection may only unlink what the second frees (hidden classes and their loaders data).
            System.gc();
            Thread.sleep(20);
            System.gc();
            long metaspace = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.NON_HEAP && pool.getName().equals("Metaspace")) {
                    metaspace += pool.getUsage().getUsed();
                }
            }
            return new Footprint(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), metaspace,
                    ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
        }
    }
}
