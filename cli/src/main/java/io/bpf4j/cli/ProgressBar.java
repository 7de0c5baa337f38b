package io.bpf4j.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr for long captures, redrawn at most ten times a second with a
 * carriage return. Only drawn when stderr is a terminal (a redirected stderr gets no control
 * characters) and the input is big enough to take a while.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream err;
    private final long total;
    private final boolean enabled;
    private long lastDraw;
    private boolean drawn;

    ProgressBar(PrintStream err, long total, boolean enabled) {
        this.err = err;
        this.total = total;
        this.enabled = enabled && total > 0;
        this.lastDraw = System.nanoTime();
    }

    /** Whether to draw at all: on a terminal, for inputs of a megabyte or more. */
    static boolean wanted(long inputBytes) {
        return System.console() != null && System.console().isTerminal() && inputBytes >= (1 << 20);
    }

    void update(long done, long packets) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        err.print("\r" + line(done, total, packets));
        err.flush();
        drawn = true;
    }

    void finish() {
        if (drawn) {
            err.print("\r" + " ".repeat(WIDTH + 40) + "\r");
            err.flush();
        }
    }

    /** {@code [#########.....................]  30%  12345 packets}. */
    static String line(long done, long total, long packets) {
        int percent = (int) Math.min(100, done * 100 / Math.max(1, total));
        int filled = percent * WIDTH / 100;
        return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + String.format("%3d%%", percent) + "  "
                + packets + " packets";
    }
}
