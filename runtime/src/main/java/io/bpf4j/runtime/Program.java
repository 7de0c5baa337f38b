package io.bpf4j.runtime;

import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.maps.BpfMap;
import java.util.List;
import java.util.Objects;

/**
 * A named, well-formed eBPF program and the maps it refers to, ready to be loaded into a
 * {@link BpfRuntime}. A {@code lddw} map reference ({@code src} 1 or 5: the map; 2 or 6: the
 * address of the value of an array map's key 0 plus an offset) names a map by its index in
 * {@link #maps()}.
 */
public record Program(String name, Instructions code, List<BpfMap> maps) {
    public Program {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(code, "code");
        maps = List.copyOf(maps);
    }

    /** Decodes raw little-endian instructions (8 bytes each). */
    public static Program fromBytes(String name, byte[] bytes) {
        return new Program(name, Instructions.decode(bytes), List.of());
    }

    public static Program of(String name, Instructions code) {
        return new Program(name, code, List.of());
    }

    public static Program of(String name, Instructions code, List<BpfMap> maps) {
        return new Program(name, code, maps);
    }
}
