package io.bpf4j.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The fallback fuzzer for JDK 25, where Jazzer 0.24's agent cannot instrument class files of
 * major version 69 (so its coverage guidance sees nothing): each target also runs on a seeded,
 * deterministic stream of mutated inputs (bit flips, byte overwrites with interesting values,
 * truncation, duplication and splicing of seed inputs). A failing input is written to
 * {@code target/fuzz-findings/<target>/} so it can be added to the target's regression inputs.
 */
final class SeededFuzzing {
    /** Runs per target in a normal test run; {@code -Dbpf4j.fuzz.runs=N} raises it for long runs. */
    static final int RUNS = Integer.getInteger("bpf4j.fuzz.runs", 2_000);
    static final long SEED = Long.getLong("bpf4j.fuzz.seed", 0x5eed_b4f4L);

    private static final byte[] INTERESTING = {0, 1, -1, 0x7f, (byte) 0x80, 0x10, 0x20, 0x40, 8, 4, 2};

    private SeededFuzzing() {}

    /** Regression inputs committed for a Jazzer target: src/test/resources/io/bpf4j/fuzz/<Class>Inputs/<method>/. */
    static List<byte[]> regressionInputs(Class<?> target, String method) {
        Path dir = Path.of("src/test/resources/io/bpf4j/fuzz", target.getSimpleName() + "Inputs", method);
        return files(dir);
    }

    static List<byte[]> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<byte[]> out = new ArrayList<>();
            for (Path p : s.sorted().toList()) {
                if (Files.isRegularFile(p)) {
                    out.add(Files.readAllBytes(p));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Feeds {@code runs} inputs derived from {@code seeds} to {@code target}; a failure names the input. */
    static int run(String name, List<byte[]> seeds, int runs, Consumer<byte[]> target) {
        SplittableRandom random = new SplittableRandom(SEED ^ name.hashCode());
        List<byte[]> pool = new ArrayList<>(seeds);
        if (pool.isEmpty()) {
            pool.add(new byte[0]);
        }
        for (int i = 0; i < runs; i++) {
            byte[] input = i < seeds.size() ? seeds.get(i) : mutate(random, pool);
            try {
                target.accept(input);
            } catch (Throwable t) {
                Path saved = save(name, input);
                throw new AssertionError(name + " failed on input " + i + " (saved to " + saved + ", "
                        + input.length + " bytes: " + HexFormat.of().formatHex(input, 0, Math.min(input.length, 256))
                        + "): " + t, t);
            }
        }
        return runs;
    }

    static byte[] mutate(SplittableRandom r, List<byte[]> pool) {
        byte[] b = pool.get(r.nextInt(pool.size())).clone();
        int rounds = 1 + r.nextInt(8);
        for (int k = 0; k < rounds; k++) {
            switch (r.nextInt(7)) {
                case 0 -> { if (b.length > 0) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8)); }
                case 1 -> { if (b.length > 0) b[r.nextInt(b.length)] = INTERESTING[r.nextInt(INTERESTING.length)]; }
                case 2 -> { if (b.length > 0) b[r.nextInt(b.length)] = (byte) r.nextInt(256); }
                case 3 -> { if (b.length > 0) b = java.util.Arrays.copyOf(b, r.nextInt(b.length)); }
                case 4 -> {
                    if (b.length > 0 && b.length < 1 << 20) {
                        int from = r.nextInt(b.length), len = 1 + r.nextInt(Math.min(64, b.length - from));
                        byte[] n = new byte[b.length + len];
                        int at = r.nextInt(b.length + 1);
                        System.arraycopy(b, 0, n, 0, at);
                        System.arraycopy(b, from, n, at, len);
                        System.arraycopy(b, at, n, at + len, b.length - at);
                        b = n;
                    }
                }
                case 5 -> {
                    byte[] other = pool.get(r.nextInt(pool.size()));
                    if (other.length > 0 && b.length > 0) {
                        int from = r.nextInt(other.length), at = r.nextInt(b.length);
                        int len = Math.min(other.length - from, b.length - at);
                        System.arraycopy(other, from, b, at, Math.min(len, 1 + r.nextInt(32)));
                    }
                }
                default -> {
                    // Little-endian 32-bit field overwritten with a boundary value: sizes, counts, offsets.
                    if (b.length >= 4) {
                        int at = r.nextInt(b.length - 3);
                        int v = switch (r.nextInt(6)) {
                            case 0 -> 0; case 1 -> -1; case 2 -> Integer.MAX_VALUE; case 3 -> Integer.MIN_VALUE;
                            case 4 -> b.length + r.nextInt(16) - 8; default -> 1 << r.nextInt(31);
                        };
                        b[at] = (byte) v; b[at + 1] = (byte) (v >> 8); b[at + 2] = (byte) (v >> 16); b[at + 3] = (byte) (v >> 24);
                    }
                }
            }
        }
        return b;
    }

    private static Path save(String name, byte[] input) {
        try {
            Path dir = Path.of("target", "fuzz-findings", name);
            Files.createDirectories(dir);
            Path file = dir.resolve(Integer.toHexString(java.util.Arrays.hashCode(input)));
            Files.write(file, input);
            return file;
        } catch (IOException e) {
            return Path.of("(not saved: " + e.getMessage() + ")");
        }
    }
}
