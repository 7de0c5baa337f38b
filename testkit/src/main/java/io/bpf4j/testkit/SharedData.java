package io.bpf4j.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the read-only shared data ({@code ../shared} beside the checkout: the conformance suite,
 * the verifier cases, the kernel tools). Tests that need it skip, with a message saying so, where
 * it is absent.
 */
public final class SharedData {
    private SharedData() {}

    /** The shared directory: system property {@code bpf4j.shared}, else {@code ../shared} or {@code ../../shared}. */
    public static Optional<Path> directory() {
        String configured = System.getProperty("bpf4j.shared");
        if (configured != null && Files.isDirectory(Path.of(configured))) {
            return Optional.of(Path.of(configured).toAbsolutePath().normalize());
        }
        for (String candidate : new String[] {"../shared", "../../shared"}) {
            Path p = Path.of(candidate);
            if (Files.isDirectory(p.resolve("conformance"))) {
                return Optional.of(p.toAbsolutePath().normalize());
            }
        }
        return Optional.empty();
    }

    /** The shared directory, or skips the calling test with a clear message. */
    public static Path require(String purpose) {
        Optional<Path> dir = directory();
        Assumptions.assumeTrue(dir.isPresent(),
                "../shared not found (set -Dbpf4j.shared=DIR): " + purpose + " skipped");
        return dir.get();
    }

    /** The conformance suite directory ({@code shared/conformance}), or skips. */
    public static Path conformance() {
        Path dir = require("conformance tests").resolve("conformance");
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("corpus.json")),
                dir + "/corpus.json not found: conformance tests skipped");
        return dir;
    }
}
