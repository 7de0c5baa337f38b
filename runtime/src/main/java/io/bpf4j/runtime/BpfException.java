package io.bpf4j.runtime;

/** Base of every error a program run can end in. Messages name the instruction where it matters. */
public class BpfException extends RuntimeException {
    public BpfException(String message) {
        super(message);
    }

    public BpfException(String message, Throwable cause) {
        super(message, cause);
    }
}
