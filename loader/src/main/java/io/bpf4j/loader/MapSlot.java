package io.bpf4j.loader;

/**
 * A statically initialised slot of a program array or map-in-map: {@code .values = { [2] = &prog }}.
 *
 * @param index the slot (the key)
 * @param kind whether the slot holds a program or a map
 * @param target the program's function name, or the map's name
 */
public record MapSlot(int index, Kind kind, String target) {

    public enum Kind {
        /** A program of this object ({@link BpfObject#program(String)}). */
        PROGRAM,
        /** A map of this object ({@link BpfObject#map(String)}). */
        MAP
    }
}
