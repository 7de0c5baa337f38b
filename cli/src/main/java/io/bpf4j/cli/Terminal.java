package io.bpf4j.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The standard streams a command reads and writes. The real process streams in {@link Main#main},
 * captured ones in tests. {@code out} carries results (text, or raw bytes for {@code asm -o -});
 * {@code err} carries errors and traces.
 */
public record Terminal(InputStream in, PrintStream out, PrintStream err) {
    public Terminal {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
    }

    public static Terminal system() {
        return new Terminal(System.in, System.out, System.err);
    }

    PrintWriter outWriter() {
        return new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    }

    PrintWriter errWriter() {
        return new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    }
}
