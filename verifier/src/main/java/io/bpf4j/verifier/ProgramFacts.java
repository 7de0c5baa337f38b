package io.bpf4j.verifier;

import java.util.BitSet;

/**
 * What verification proved about each instruction, for the interpreter and the compiler: which
 * instructions are reachable and which memory accesses are proven inside their object on every
 * path (so their run-time region check may be skipped).
 */
public final class ProgramFacts {
    private final int length;
    private final BitSet reachable;
    private final BitSet safeAccess;
    private final BitSet directAccess;

    ProgramFacts(int length, BitSet reachable, BitSet safeAccess, BitSet directAccess) {
        this.length = length;
        this.reachable = (BitSet) reachable.clone();
        this.safeAccess = (BitSet) safeAccess.clone();
        this.directAccess = (BitSet) directAccess.clone();
    }

    /** Instruction slots of the program. */
    public int length() {
        return length;
    }

    /** Whether some path of the program reaches instruction {@code index}. */
    public boolean isReachable(int index) {
        return reachable.get(index);
    }

    /** Whether the load or store at {@code index} was proven within its object on every path reaching it. */
    public boolean isAccessProvenSafe(int index) {
        return safeAccess.get(index);
    }

    /**
     * The accesses a runtime may perform without its run-time region check, as
     * {@code BpfRuntime.load(program, provenSafeAccesses)} takes them: those proven, on every
     * path, to stay within memory the runtime holds as one region with bytes (loads from the stack
     * at a fixed offset, from map values, from the packet and its metadata; stores to the stack at
     * a fixed offset). Context accesses keep their checks: the runtime translates them.
     */
    public BitSet provenSafeAccesses() {
        return (BitSet) directAccess.clone();
    }

    /** Number of memory accesses proven safe. */
    public int provenAccessCount() {
        return safeAccess.cardinality();
    }
}
