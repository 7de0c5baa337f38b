package io.bpf4j.loader;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The test objects: prebuilt ones from {@code src/test/resources/objects} (built by
 * {@code src/test/c/Makefile}) and the same sources compiled now with clang-19, when it and
 * libbpf's headers are installed.
 */
final class TestObjects {
    private TestObjects() {}

    /** The C sources under src/test/c, by base name. */
    static final List<String> NAMES = List.of("xdp_maps", "socket_legacy", "global_data", "calls", "tail_calls",
            "special_maps", "multi", "flow_parser", "lru_collector", "lpm_router", "ringbuf_events", "tc_nat",
            "percpu_stats", "atomic_counters", "skb_context", "xdp_tunnel", "queue_maps", "blocklist", "map_errors",
            "helper_errors", "tail_chain", "freplace_target", "freplace_policy");

    /**
     * Objects bpf4j's verifier rejects although Linux accepts them, loaded unverified by the tests
     * that run them (ObjectVerdictsTest in the cli module keeps the same list). None at present.
     */
    static final java.util.Set<String> VERIFIER_GAPS = java.util.Set.of();

    /** How the tests load {@code name}: verified, unless it is one of the {@link #VERIFIER_GAPS}. */
    static Verification verification(String name) {
        return VERIFIER_GAPS.contains(name) ? Verification.SKIPPED : Verification.REQUIRED;
    }

    /** Where the objects come from. */
    enum Source {
        PREBUILT,
        CLANG
    }

    private static final Map<String, byte[]> COMPILED = new ConcurrentHashMap<>();
    private static Path compileDir;

    static byte[] bytes(Source source, String name) {
        return source == Source.PREBUILT ? prebuilt(name) : compiled(name);
    }

    static BpfObject parse(Source source, String name) {
        return BpfObject.parse(bytes(source, name), name);
    }

    static byte[] prebuilt(String name) {
        try (InputStream in = TestObjects.class.getResourceAsStream("/objects/" + name + ".o")) {
            if (in == null) {
                throw new IllegalStateException("missing test resource objects/" + name + ".o (run make -C loader/src/test/c)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tool on the PATH, if installed. */
    static Optional<Path> tool(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        for (String dir : new String[] {"/usr/sbin", "/usr/local/sbin", "/sbin"}) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** A tool on the PATH; skips the calling test when it is not installed. */
    static Path assumeTool(String name) {
        Optional<Path> t = tool(name);
        Assumptions.assumeTrue(t.isPresent(), name + " is not installed: test skipped");
        return t.get();
    }

    /** The C sources directory (tests run in the module directory). */
    static Path sourceDir() {
        Path dir = Path.of("src/test/c");
        Assumptions.assumeTrue(Files.isDirectory(dir), "src/test/c not found from " + Path.of("").toAbsolutePath());
        return dir;
    }

    /** {@code name}.c compiled with clang-19 -O2 -g -target bpf; skips if clang-19 or the libbpf headers are missing. */
    static byte[] compiled(String name) {
        Optional<Path> found = tool("clang-19");
        Assumptions.assumeTrue(found.isPresent(),
                "clang-19 is not installed: objects compiled now skipped (the prebuilt ones are still tested)");
        Path clang = found.get();
        Assumptions.assumeTrue(Files.exists(Path.of("/usr/include/bpf/bpf_helpers.h")),
                "/usr/include/bpf/bpf_helpers.h is missing (install libbpf-dev): clang-compiled objects skipped");
        return COMPILED.computeIfAbsent(name, n -> compile(clang, sourceDir().resolve(n + ".c")));
    }

    private static synchronized Path compileDir() throws IOException {
        if (compileDir == null) {
            compileDir = Files.createTempDirectory("bpf4j-loader-objects");
            compileDir.toFile().deleteOnExit();
        }
        return compileDir;
    }

    /** Compiles one C file with the Makefile's flags; the object's name is the file's. */
    static byte[] compile(Path clang, Path source) {
        try {
            Path dir = compileDir();
            String base = source.getFileName().toString().replaceFirst("\\.c$", "");
            Path out = dir.resolve(base + ".o");
            List<String> cmd = new ArrayList<>(List.of(clang.toString(), "-O2", "-g", "-target", "bpf"));
            Path arch = Path.of("/usr/include/" + System.getProperty("os.arch").replace("amd64", "x86_64") + "-linux-gnu");
            if (Files.isDirectory(arch)) {
                cmd.add("-I" + arch);
            }
            cmd.addAll(List.of("-c", source.toAbsolutePath().toString(), "-o", out.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + output);
            }
            out.toFile().deleteOnExit();
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a tool on a file and returns its standard output. */
    static String run(Path tool, List<String> args, byte[] object) {
        try {
            Path file = Files.createTempFile("bpf4j-loader", ".o");
            try {
                Files.write(file, object);
                List<String> cmd = new ArrayList<>();
                cmd.add(tool.toString());
                cmd.addAll(args);
                cmd.add(file.toString());
                Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", cmd) + " failed");
                }
                return output;
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
