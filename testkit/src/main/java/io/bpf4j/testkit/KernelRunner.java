package io.bpf4j.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The shared {@code kernel-run} tool (../shared/tools): runs eBPF in the real Linux kernel and
 * reports its verdict, return value and map contents, for tests that compare bpf4j with Linux.
 * Built once per module into {@code target/kernel-tools}. Tests skip, saying why, where the
 * shared data, root, {@code bpf()}, gcc/make or libbpf are missing.
 */
public final class KernelRunner {
    private static final Path BUILD_DIR = Path.of("target", "kernel-tools");
    private static KernelRunner instance;
    private static String unavailable;

    private final Path kernelRun;

    private KernelRunner(Path kernelRun) {
        this.kernelRun = kernelRun;
    }

    /** The runner, or skips the calling test with the reason it cannot run. */
    public static synchronized KernelRunner require() {
        if (instance == null && unavailable == null) {
            try {
                instance = build();
            } catch (IOException | InterruptedException | RuntimeException e) {
                unavailable = "kernel comparison skipped: " + e.getMessage();
            }
        }
        Assumptions.assumeTrue(instance != null, () -> unavailable);
        return instance;
    }

    private static KernelRunner build() throws IOException, InterruptedException {
        Path tools = SharedData.directory().map(d -> d.resolve("tools"))
                .filter(Files::isDirectory)
                .orElseThrow(() -> new IllegalStateException("../shared/tools not found"));
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("not root (the kernel's bpf() needs it)");
        }
        if (!Files.exists(Path.of("/usr/include/bpf/libbpf.h"))) {
            throw new IllegalStateException("libbpf-dev is not installed (apt-get install libbpf-dev libelf-dev zlib1g-dev)");
        }
        Files.createDirectories(BUILD_DIR);
        try (var files = Files.list(tools)) {
            for (Path f : files.toList()) {
                if (Files.isRegularFile(f)) {
                    Files.copy(f, BUILD_DIR.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        String out = exec(List.of("make", "-s", "-C", BUILD_DIR.toString()), 300);
        Path kernelRun = BUILD_DIR.resolve("kernel-run").toAbsolutePath();
        if (!Files.isExecutable(kernelRun)) {
            throw new IllegalStateException("building kernel-run failed: " + out);
        }
        return new KernelRunner(kernelRun);
    }

    /**
     * Runs {@code kernel-run -j ARGS... OBJECT} and returns its JSON report.
     *
     * @throws IllegalStateException if the tool fails
     */
    public JsonNode run(Path object, String... args) {
        List<String> command = new ArrayList<>();
        command.add(kernelRun.toString());
        command.add("-j");
        command.addAll(List.of(args));
        command.add(object.toAbsolutePath().toString());
        try {
            String out = exec(command, 120);
            int start = out.indexOf('{');
            if (start < 0) {
                throw new IllegalStateException("kernel-run printed no JSON: " + out);
            }
            return new ObjectMapper().readTree(out.substring(start));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("kernel-run failed: " + e.getMessage(), e);
        }
    }

    private static String exec(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " timed out");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + text.strip());
        }
        return text;
    }
}
