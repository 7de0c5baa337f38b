package io.bpf4j.bench;

import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.types.XdpFrame;
import io.bpf4j.runtime.types.XdpPacket;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The interpreter and the bytecode compiler side by side on the programs of
 * {@link BenchmarkPrograms} (clang-compiled XDP programs on a 1500-byte frame): ns per run,
 * the same unit as the kernel's {@code BPF_PROG_TEST_RUN} duration. {@link KernelComparison}
 * runs this and the kernel and prints one table.
 *
 * <pre>
 * ./mvnw -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar CompilerBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class CompilerBenchmark {
    @Param({"parse", "flows", "checksum", "calls", "tailcall", "alu", "empty"})
    public String program;

    @Param({"interpreter", "compiled"})
    public String mode;

    private Executable executable;
    private XdpPacket packet;
    private XdpFrame frame;

    @Setup(Level.Trial)
    public void setup() {
        BpfRuntime runtime = BpfRuntime.builder()
                .executionMode(ExecutionMode.valueOf(mode.toUpperCase(Locale.ROOT)))
                .build();
        executable = BenchmarkPrograms.load(program, runtime);
        packet = XdpPacket.of(BenchmarkPrograms.frame());
        frame = XdpFrame.of(packet);
        long r0 = executable.runXdp(packet).returnValue();
        System.out.printf("%n[setup] %s (%s): r0 = %d, compiled: %s%n", program, mode, r0, executable.isCompiled());
    }

    /** A run on a copy of the packet, with the packet copied out into the result: runXdp as most callers use it. */
    @Benchmark
    public long run() {
        return executable.runXdp(packet).returnValue();
    }

    /**
     * A run in place on one frame, as the kernel's {@code BPF_PROG_TEST_RUN} repeats a program on
     * one buffer: nothing copied per run. (None of these programs writes the packet, so every run
     * sees the same frame.)
     */
    @Benchmark
    public long runInPlace() {
        return executable.runXdpInPlace(frame);
    }
}
