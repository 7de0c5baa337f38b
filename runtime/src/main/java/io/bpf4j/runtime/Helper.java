package io.bpf4j.runtime;

import java.util.Objects;

/**
 * A helper function a program can call by id: its Linux id (or an embedder's own), name,
 * implementation and prototype (what a verifier checks its arguments against).
 */
public record Helper(int id, String name, HelperFunction function, HelperPrototype prototype) {
    public Helper {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(prototype, "prototype");
        if (id < 0) {
            throw new IllegalArgumentException("helper id must not be negative: " + id);
        }
    }

    /**
     * A helper whose prototype is Linux's for this id ({@link LinuxHelpers}), or
     * {@link HelperPrototype#unknown()} for an id Linux does not define.
     */
    public Helper(int id, String name, HelperFunction function) {
        this(id, name, function, LinuxHelpers.prototypeOf(id));
    }
}
