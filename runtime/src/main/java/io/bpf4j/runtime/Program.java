package io.bpf4j.runtime;

import io.bpf4j.isa.Assembler;
import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.maps.BpfMap;
import java.util.List;
import java.util.Objects;

/**
 * A named, well-formed eBPF program of a {@link ProgramType} and the maps it refers to, ready to
 * be loaded into a {@link BpfRuntime}. A {@code lddw} map reference ({@code src} 1 or 5: the map;
 * 2 or 6: the address of the value of an array map's key 0 plus an offset) names a map by its
 * index in {@link #maps()}. The type is {@link ProgramType#UNSPEC} unless given: such a program
 * runs on plain memory, or as whatever typed run ({@link Executable#runXdp}, ...) it is given.
 */
public record Program(String name, Instructions code, List<BpfMap> maps, ProgramType type) {
    public Program {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(type, "type");
        maps = List.copyOf(maps);
    }

    /** A program of type {@link ProgramType#UNSPEC}. */
    public Program(String name, Instructions code, List<BpfMap> maps) {
        this(name, code, maps, ProgramType.UNSPEC);
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

    public static Program of(ProgramType type, String name, Instructions code) {
        return new Program(name, code, List.of(), type);
    }

    public static Program of(ProgramType type, String name, Instructions code, List<BpfMap> maps) {
        return new Program(name, code, maps, type);
    }

    /**
     * Assembles LLVM-syntax source ({@code r0 = *(u32 *)(r1 + 0)}) into a program named after its
     * type.
     */
    public static Program assemble(ProgramType type, String source) {
        return new Program(type.name().toLowerCase(java.util.Locale.ROOT), Assembler.assemble(source), List.of(), type);
    }

    /** This program with another type. */
    public Program withType(ProgramType newType) {
        return new Program(name, code, maps, newType);
    }
}
