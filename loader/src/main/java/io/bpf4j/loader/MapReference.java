package io.bpf4j.loader;

/**
 * A {@code lddw} instruction of a program that loads a map, as relocated by the loader.
 *
 * <p>The loader rewrites the instruction the way the runtime reads it: for {@link Kind#MAP_FD}
 * it sets {@code src} to 1 ({@code BPF_PSEUDO_MAP_FD}) and the first {@code imm} to
 * {@code mapIndex}; for {@link Kind#MAP_VALUE} it sets {@code src} to 2
 * ({@code BPF_PSEUDO_MAP_VALUE}), the first {@code imm} to {@code mapIndex} and the second
 * {@code imm} to {@code offset}. {@code mapIndex} indexes {@link BpfObject#maps()}, so a runtime
 * that gives each program all of its object's maps, in that order, can run the code as it is.
 *
 * @param instructionIndex slot index of the {@code lddw} in the linked program
 * @param mapName name of the map ({@link MapSpec#name()})
 * @param mapIndex index of the map in {@link BpfObject#maps()}
 * @param kind whether the instruction loads the map itself or the address of its value
 * @param offset for {@link Kind#MAP_VALUE}: byte offset into the map's value (the variable's
 *     place in its global data section); 0 otherwise
 */
public record MapReference(int instructionIndex, String mapName, int mapIndex, Kind kind, int offset) {

    public enum Kind {
        /** {@code r1 = map ll}: the map, for helpers ({@code lddw src=1}). */
        MAP_FD,
        /** {@code r1 = &global ll}: an address inside the value of a global data map ({@code lddw src=2}). */
        MAP_VALUE
    }
}
