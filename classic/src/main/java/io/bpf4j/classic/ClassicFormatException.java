package io.bpf4j.classic;

/**
 * A classic program that cannot be read: bad syntax, an unknown mnemonic, a truncated binary.
 * {@link #line()} and {@link #column()} locate text errors (1-based; 0 when not about a place).
 */
public class ClassicFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;
    private final String reason;

    public ClassicFormatException(String reason) {
        this(0, 0, reason);
    }

    public ClassicFormatException(int line, int column, String reason) {
        super(line > 0 ? line + ":" + column + ": " + reason : reason);
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The message without the place. */
    public String reason() {
        return reason;
    }
}
