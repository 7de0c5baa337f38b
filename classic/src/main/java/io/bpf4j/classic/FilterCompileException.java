package io.bpf4j.classic;

/** A filter expression that could not be compiled: no compiler installed, or the compiler's own error. */
public class FilterCompileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FilterCompileException(String message) {
        super(message);
    }

    public FilterCompileException(String message, Throwable cause) {
        super(message, cause);
    }
}
