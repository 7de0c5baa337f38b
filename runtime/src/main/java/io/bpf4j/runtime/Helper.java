package io.bpf4j.runtime;

import java.util.Objects;

/** A helper function a program can call by id: its Linux id (or an embedder's own), name and implementation. */
public record Helper(int id, String name, HelperFunction function) {
    public Helper {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(function, "function");
        if (id < 0) {
            throw new IllegalArgumentException("helper id must not be negative: " + id);
        }
    }
}
