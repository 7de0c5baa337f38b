package io.bpf4j.runtime.spi;

import io.bpf4j.runtime.HelperFunction;
import io.bpf4j.runtime.maps.BpfMap;
import java.util.BitSet;

/**
 * A program as the runtime decoded it for execution: what a compiler translates. Indices are
 * instruction slots, as in the program. Helper calls are resolved; map references are resolved to
 * indices into the program's maps; the second slot of a {@code lddw} has opcode -1.
 */
public interface DecodedProgram {
    /** {@code lddw rX, map}: {@link #imm} is the index of the map among the program's. */
    int LDDW_MAP = 0x100;
    /** {@code lddw rX, map value}: {@link #imm} is {@code offset << 32 | map index}. */
    int LDDW_MAP_VALUE = 0x101;
    /** {@code call 12} (bpf_tail_call), which the engine carries out itself. */
    int TAIL_CALL = 0x102;
    /** Call frames at most, as in Linux. */
    int MAX_FRAMES = 8;
    /**
     * High half of the value {@code lddw rX, func} produces (its {@link #imm}): low half is the
     * function's instruction index.
     */
    long CODE_ADDRESS_TAG = 0xffff_ffffL << 32;

    /** A name for the program (for generated class names and messages). */
    String name();

    /** Number of instruction slots. */
    int size();

    /** The opcode, or one of the synthetic opcodes above, or -1 for the second slot of a lddw. */
    int opcode(int pc);

    int dst(int pc);

    int src(int pc);

    /** The 16-bit offset, sign-extended. */
    int offset(int pc);

    /** The sign-extended immediate, or the resolved 64-bit value of a lddw. */
    long imm(int pc);

    /** The helper a {@code call} instruction calls, or null if the instruction is no helper call. */
    HelperFunction helperAt(int pc);

    /** The helper registered under {@code id} (for {@code callx} to a helper id), or null. */
    HelperFunction helper(long id);

    /** Instructions one run may execute, or 0 for no limit. */
    long instructionBudget();

    /**
     * Memory accesses (loads, stores, atomics) a verifier proved to stay within a region with
     * bytes (not a context) and, for stores, writable, so that no run-time check is needed; the
     * compiler may then access the region's memory directly, in runs where
     * {@link EngineRun#provenSafeHolds} says the proof applies. Empty when nothing was proven.
     */
    BitSet provenSafeAccesses();

    /**
     * The map that {@code lddw} map references with index {@code index} name (what
     * {@link EngineRun#mapBindings} binds at {@code 2 * index}), or null if the engine does not
     * say: for compilers that carry out operations on a known map themselves.
     */
    default BpfMap mapAt(int index) {
        return null;
    }

    /**
     * Whether the call at {@code pc} calls the runtime's own {@code bpf_map_lookup_elem} (not a
     * helper an embedder registered under its id), whose semantics a compiler may then inline.
     */
    default boolean callsMapLookup(int pc) {
        return false;
    }
}
