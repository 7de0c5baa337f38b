package io.bpf4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * One run, one table: {@link CompilerBenchmark} (interpreter and compiled, JMH) and the Linux
 * kernel's JIT on the same programs and frame ({@code kernel-run} from ../shared/tools, the
 * kernel's own {@code BPF_PROG_TEST_RUN} duration). The kernel column says why where it cannot
 * run (not root, no libbpf-dev, no ../shared). Two bpf4j timings: {@code runXdp} on a copy of the
 * packet with the result copied out (what the "compiled" column has always measured), and
 * {@code runXdpInPlace} on one frame, which copies nothing per run, as the kernel's repeated test
 * run does not.
 *
 * <pre>
 * ./mvnw -pl bench -am package -DskipTests
 * java -cp bench/target/benchmarks.jar io.bpf4j.bench.KernelComparison -f 1 -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 * JMH options are passed through; {@code -Dbpf4j.shared=DIR} points at ../shared.
 */
public final class KernelComparison {
    private KernelComparison() {}

    public static void main(String[] args) throws Exception {
        Options options = new OptionsBuilder()
                .parent(new CommandLineOptions(args))
                .include(CompilerBenchmark.class.getName() + ".run")  // run and runInPlace
                .build();
        Collection<RunResult> results = new Runner(options).run();
        Map<String, Double> jmh = new HashMap<>();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark().substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
            jmh.put(r.getParams().getParam("program") + "/" + r.getParams().getParam("mode") + (method.equals("run") ? "" : "/" + method),
                    r.getPrimaryResult().getScore());
        }
        Map<String, String> kernel = kernelDurations();
        System.out.println();
        System.out.println("| program | what | r0 bpf4j / kernel | interpreter ns/run | compiled ns/run | compiled in place ns/run | kernel JIT ns/run | interpreter / compiled | compiled / kernel | in place / kernel |");
        System.out.println("|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (BenchmarkPrograms.Entry e : BenchmarkPrograms.ALL) {
            Double interpreted = jmh.get(e.object() + "/interpreter");
            Double compiled = jmh.get(e.object() + "/compiled");
            Double inPlace = jmh.get(e.object() + "/compiled/runInPlace");
            String k = kernel.getOrDefault(e.object(), "n/a");
            String vsKernel = ratio(compiled, k);
            String inPlaceVsKernel = ratio(inPlace, k);
            long r0 = BenchmarkPrograms.load(e.object(), io.bpf4j.runtime.BpfRuntime.builder()
                    .executionMode(io.bpf4j.runtime.ExecutionMode.INTERPRETER).build())
                    .runXdp(io.bpf4j.runtime.types.XdpPacket.of(BenchmarkPrograms.frame())).returnValue();
            String r0s = r0 + " / " + kernel.getOrDefault(e.object() + "/retval", "n/a");
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", e.object(), e.what(), r0s,
                    ns(interpreted), ns(compiled), ns(inPlace), k,
                    interpreted != null && compiled != null ? String.format(Locale.ROOT, "%.1f", interpreted / compiled) : "n/a",
                    vsKernel, inPlaceVsKernel);
        }
    }

    /** bpf4j's time over the kernel's, or n/a when either is missing (the kernel column may hold a reason). */
    private static String ratio(Double bpf4j, String kernel) {
        try {
            return bpf4j == null ? "n/a" : String.format(Locale.ROOT, "%.2f", bpf4j / Double.parseDouble(kernel));
        } catch (NumberFormatException notANumber) {
            return "n/a";
        }
    }

    private static String ns(Double value) {
        return value == null ? "n/a" : String.format(Locale.ROOT, "%.1f", value);
    }

    /** Each program's kernel duration_ns, or for every program the reason there is none. */
    private static Map<String, String> kernelDurations() {
        Map<String, String> out = new HashMap<>();
        try {
            Path kernelRun = buildKernelRun();
            Path frame = Files.createTempFile("bpf4j-frame", ".bin");
            Files.write(frame, BenchmarkPrograms.frame());
            for (BenchmarkPrograms.Entry e : BenchmarkPrograms.ALL) {
                Path object = BenchmarkPrograms.objectFile(e.object());
                List<String> command = List.of(kernelRun.toString(), "-p", e.program(), "-d", frame.toString(),
                        "-r", "200000", "-n", "5", "-w", "1", object.toString());
                String output = run(command);
                String duration = output.lines().filter(l -> l.startsWith("duration_ns=")).map(l -> l.substring(12))
                        .findFirst().orElse("failed: " + output.strip().replace('\n', ' '));
                out.put(e.object(), duration);
                out.put(e.object() + "/retval", output.lines().filter(l -> l.startsWith("retval=")).map(l -> l.substring(7).split(" ")[0])
                        .findFirst().orElse("?"));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            String reason = "n/a (" + e.getMessage() + ")";
            for (BenchmarkPrograms.Entry entry : BenchmarkPrograms.ALL) {
                out.put(entry.object(), reason);
            }
        }
        return out;
    }

    private static Path buildKernelRun() throws IOException, InterruptedException {
        Path shared = Path.of(System.getProperty("bpf4j.shared", "../shared"));
        Path tools = shared.resolve("tools");
        if (!Files.isDirectory(tools)) {
            throw new IllegalStateException(tools + " not found (set -Dbpf4j.shared)");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("not root: the kernel's bpf() needs it");
        }
        if (!Files.exists(Path.of("/usr/include/bpf/libbpf.h"))) {
            throw new IllegalStateException("libbpf-dev is not installed");
        }
        Path build = Path.of("bench", "target", "kernel-tools");
        Files.createDirectories(build);
        try (var files = Files.list(tools)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, build.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        run(List.of("make", "-s", "-C", build.toString(), "kernel-run"));
        return build.resolve("kernel-run").toAbsolutePath();
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + text.strip());
        }
        return text;
    }
}
