package io.bpf4j.runtime;

import io.bpf4j.isa.Instructions;
import java.util.Objects;

/** A named, well-formed eBPF program, ready to be loaded into a {@link BpfRuntime}. */
public record Program(String name, Instructions code) {
    public Program {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(code, "code");
    }

    /** Decodes raw little-endian instructions (8 bytes each). */
    public static Program fromBytes(String name, byte[] bytes) {
        return new Program(name, Instructions.decode(bytes));
    }

    public static Program of(String name, Instructions code) {
        return new Program(name, code);
    }
}
