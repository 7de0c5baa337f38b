package io.bpf4j.runtime;

import io.bpf4j.runtime.maps.BpfMap;

/** What a helper sees of the program run that calls it. */
public interface HelperContext {
    /** The calling program's address space, for pointer arguments. */
    Memory memory();

    /** Index of the call instruction, for error messages. */
    int pc();

    /**
     * The map a map argument refers to ({@code lddw rX, map} or a map-in-map lookup result).
     *
     * @throws ProgramFault if {@code handle} is not a map reference
     */
    BpfMap map(long handle);

    /** The value a program holds to refer to {@code map} (what {@link #map(long)} accepts). */
    long mapHandle(BpfMap map);

    /** The program address of byte {@code storageOffset} of the map's {@link BpfMap#storage() storage}. */
    long mapStorageAddress(BpfMap map, long storageOffset);

    /**
     * The map whose storage {@code address} points into, with the offset in that storage, or
     * null if it points elsewhere.
     */
    MapPointer mapPointer(long address);

    /**
     * Calls a function of the running program, given by its code address (the value of
     * {@code lddw rX, func}: what bpf_loop and for_each_map_elem receive), with arguments r1-r5 in
     * a new stack frame, and returns its r0.
     */
    long callFunction(long codeAddress, long r1, long r2, long r3, long r4, long r5);

    /** The host environment of the runtime the program runs in (tracing helpers' view of the system). */
    default HostEnvironment host() {
        return HostEnvironment.defaults();
    }

    /**
     * The program-type side of this run (the XDP buffer, the skb, ...), or null for a run on
     * plain memory ({@link Executable#run(byte[])}).
     */
    default RunContext runContext() {
        return null;
    }

    /**
     * Tells the engine where legacy packet loads (LD_ABS, LD_IND) read from now on: for helpers
     * that move or resize an skb's data (vlan push and pop, change_tail, change_proto).
     */
    default void setLegacyPacket(long address, int length) {}

    /** A pointer into a map's storage, as {@link #mapPointer(long)} resolves it. */
    record MapPointer(BpfMap map, long storageOffset) {}
}
