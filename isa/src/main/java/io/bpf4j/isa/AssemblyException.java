package io.bpf4j.isa;

/** Assembly source that cannot be assembled. Names the 1-based line and column of the problem. */
public class AssemblyException extends RuntimeException {
    private final int line;
    private final int column;
    private final String reason;

    public AssemblyException(int line, int column, String reason) {
        super("line " + line + ", column " + column + ": " + reason);
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    /** What is wrong, without the position. */
    public String reason() {
        return reason;
    }

    public AssemblyException(int line, int column, String reason, Throwable cause) {
        super("line " + line + ", column " + column + ": " + reason, cause);
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
}
