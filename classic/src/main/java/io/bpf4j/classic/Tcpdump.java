package io.bpf4j.classic;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Compiles tcpdump filter expressions ({@code tcp port 80 and host 10.0.0.1}) to classic programs
 * with the installed {@code tcpdump} ({@code tcpdump -ddd}), so that a filter run by bpf4j is
 * exactly the program tcpdump would run. bpf4j has no expression compiler of its own: the
 * language is libpcap's, and its code generator is the reference.
 */
public final class Tcpdump {
    /** How long tcpdump may take to compile one expression. */
    private static final long TIMEOUT_SECONDS = 30;

    private Tcpdump() {}

    /** The tcpdump executable: {@code $BPF4J_TCPDUMP}, else {@code tcpdump} on the PATH or in /usr/sbin, /usr/bin, /sbin. */
    public static Path executable() {
        String configured = System.getenv("BPF4J_TCPDUMP");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(path == null ? List.of() : List.of(path.split(java.io.File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin", "/usr/local/bin"));
        for (String dir : dirs) {
            Path candidate = Path.of(dir, "tcpdump");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    public static boolean isAvailable() {
        return executable() != null;
    }

    /**
     * Compiles {@code expression} for the link type of {@code capture} (a pcap or pcapng file),
     * exactly as {@code tcpdump -r capture expression} would filter it.
     *
     * @throws FilterCompileException if tcpdump is missing or refuses the expression (with its message)
     */
    public static ClassicProgram compile(String expression, Path capture) {
        Objects.requireNonNull(capture, "capture");
        return run(List.of("-r", capture.toString(), "-ddd", "--", expression));
    }

    /** Compiles {@code expression} for Ethernet ({@code tcpdump -y EN10MB -ddd}). */
    public static ClassicProgram compileEthernet(String expression) {
        return run(List.of("-y", "EN10MB", "-ddd", "--", expression));
    }

    private static ClassicProgram run(List<String> arguments) {
        Path tcpdump = executable();
        if (tcpdump == null) {
            throw new FilterCompileException("compiling a filter expression needs tcpdump, which is not installed"
                    + " (Debian/Ubuntu: apt-get install tcpdump; or set BPF4J_TCPDUMP); or give a classic program with --classic");
        }
        List<String> command = new ArrayList<>();
        command.add(tcpdump.toString());
        command.addAll(arguments);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new FilterCompileException("cannot run " + tcpdump + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> slurp(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> slurp(process.getErrorStream()));
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new FilterCompileException(tcpdump + " did not finish compiling the expression in " + TIMEOUT_SECONDS + " s");
            }
            String stdout = out.get();
            String stderr = err.get().strip();
            if (process.exitValue() != 0) {
                throw new FilterCompileException(stderr.isEmpty() ? tcpdump + " failed with exit code " + process.exitValue()
                        : stderr.lines().reduce((a, b) -> b).orElse(stderr));
            }
            try {
                return ClassicReader.parse(stdout, ClassicFormat.DECIMAL);
            } catch (ClassicFormatException e) {
                throw new FilterCompileException("unexpected output from " + tcpdump + " -ddd: " + e.getMessage(), e);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new FilterCompileException("interrupted while tcpdump compiled the expression", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new FilterCompileException("cannot read tcpdump's output: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static String slurp(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
