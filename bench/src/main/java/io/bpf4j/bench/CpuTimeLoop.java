package io.bpf4j.bench;

import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.types.XdpFrame;
import io.bpf4j.runtime.types.XdpPacket;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A steadier before/after measure than JMH's wall clock on a shared machine: the CPU time of this
 * thread per compiled in-place run ({@code runXdpInPlace}) of each {@link BenchmarkPrograms}
 * program, the median of several rounds after a warm-up. Time another thread steals is not
 * counted, so two builds can be compared on a busy machine.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.bpf4j.bench.CpuTimeLoop [program...]
 * </pre>
 * {@code -Dbpf4j.runs=N} runs per round (100000), {@code -Dbpf4j.rounds=N} measured rounds (15),
 * {@code -Dbpf4j.warmup=N} warm-up rounds (30); many rounds make it a loop to profile
 * ({@code perf record} with {@code -XX:+DumpPerfMapAtExit}).
 */
public final class CpuTimeLoop {
    private CpuTimeLoop() {}

    public static void main(String[] args) {
        List<String> programs = args.length > 0 ? List.of(args)
                : BenchmarkPrograms.ALL.stream().map(BenchmarkPrograms.Entry::object).toList();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (String name : programs) {
            BpfRuntime runtime = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).build();
            Executable executable = BenchmarkPrograms.load(name, runtime);
            XdpFrame frame = XdpFrame.of(XdpPacket.of(BenchmarkPrograms.frame()));
            long sink = 0;
            int runs = Integer.getInteger("bpf4j.runs", 100_000);
            double[] rounds = new double[Integer.getInteger("bpf4j.rounds", 15)];
            for (int round = -Integer.getInteger("bpf4j.warmup", 30); round < rounds.length; round++) {
                long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < runs; i++) {
                    sink += executable.runXdpInPlace(frame);
                }
                long ns = threads.getCurrentThreadCpuTime() - start;
                if (round >= 0) {
                    rounds[round] = (double) ns / runs;
                }
            }
            Arrays.sort(rounds);
            System.out.printf(Locale.ROOT, "%-10s %9.1f ns/run (CPU, median of %d rounds; 10th percentile %.1f, min %.1f) [%d]%n",
                    name, rounds[rounds.length / 2], rounds.length, rounds[rounds.length / 10], rounds[0], sink & 1);
        }
    }
}
