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

    ProgramFacts(int length, BitSet reachable, BitSet safeAccess) {
        this.length = length;
        this.reachable = (BitSet) reachable.clone();
        this.safeAccess = (BitSet) safeAccess.clone();
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

    /** Number of memory accesses proven safe. */
    public int provenAccessCount() {
        return safeAccess.cardinality();
    }
}
