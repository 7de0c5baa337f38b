package io.bpf4j.compiler.internal;

import io.bpf4j.runtime.BudgetExhaustedFault;
import io.bpf4j.runtime.HelperFunction;
import io.bpf4j.runtime.Memory;
import io.bpf4j.runtime.ProgramFault;
import io.bpf4j.runtime.Semantics;
import io.bpf4j.runtime.spi.DecodedProgram;
import io.bpf4j.runtime.spi.EngineRun;

/**
 * What generated code calls for the rare paths: faults (with the interpreter's exact messages,
 * so both engines fail alike), legacy packet loads, and {@code callx} to a helper. Kept out of
 * the generated methods so that they stay small.
 */
public final class CompiledSupport {
    private CompiledSupport() {}

    /** Ends a run at an out-of-bounds legacy packet load: the program returns 0, as in Linux. */
    static final class LegacyLoadExit extends RuntimeException {
        static final LegacyLoadExit INSTANCE = new LegacyLoadExit();

        private LegacyLoadExit() {
            super("legacy packet load out of bounds", null, false, false);
        }
    }

    public static ProgramFault budgetExhausted(int pc, long budget) {
        return new BudgetExhaustedFault(pc, budget);
    }

    public static ProgramFault callTooDeep(int pc) {
        return new ProgramFault(pc, "call nests deeper than " + DecodedProgram.MAX_FRAMES + " frames");
    }

    public static ProgramFault ranPastEnd(int pc) {
        return new ProgramFault(pc, "execution ran past the last instruction without exit");
    }

    public static ProgramFault cannotExecute(int pc, int opcode) {
        return new ProgramFault(pc, String.format("opcode 0x%02x cannot be executed", opcode));
    }

    public static ProgramFault unknownAtomic(int pc, int operation) {
        return new ProgramFault(pc, "unknown atomic operation " + operation);
    }

    public static ProgramFault callxNotInstruction(int pc, long target) {
        return new ProgramFault(pc, String.format("callx to 0x%x, which is not an instruction", target));
    }

    /** LD_ABS / LD_IND: the value in network byte order, or the end of the run when out of bounds. */
    public static long legacyLoad(EngineRun run, Memory memory, long offset, int size, int pc) {
        long packetAddress = run.packetAddress();
        if (packetAddress == 0 || offset < 0 || offset > run.packetLength() - size) {
            throw LegacyLoadExit.INSTANCE;
        }
        long value = memory.load(packetAddress + offset, size, pc);
        return size == 1 ? value : Semantics.byteSwap(value, size * 8);
    }

    /** {@code callx} to a value that is no code address: a helper id, or a fault. */
    public static long callxHelper(DecodedProgram program, EngineRun run, int pc, int depth, int dst, long target,
                                   long r1, long r2, long r3, long r4, long r5) {
        HelperFunction helper = program.helper(target);
        if (helper == null) {
            throw new ProgramFault(pc, "callx r" + dst + " = " + target
                    + " is neither a function address nor a registered helper id");
        }
        run.enterHelper(pc, depth);
        long r0 = helper.call(r1, r2, r3, r4, r5, run);
        keepArguments(run, r1, r2, r3, r4, r5);
        return r0;
    }

    /** {@code callx} to an instruction that is not a known function: interpreted in a new frame. */
    public static long callxInterpreted(DecodedProgram program, EngineRun run, int pc, int depth, long target,
                                        long r1, long r2, long r3, long r4, long r5) {
        int fn = (int) target;
        if (fn < 0 || fn >= program.size() || program.opcode(fn) == -1) {
            throw callxNotInstruction(pc, target);
        }
        if (depth + 1 >= DecodedProgram.MAX_FRAMES) {
            throw callTooDeep(pc);
        }
        long r0 = run.interpretFunction(fn, depth + 1, r1, r2, r3, r4, r5);
        keepArguments(run, r1, r2, r3, r4, r5);
        return r0;
    }

    /** Leaves the caller's r1-r5 where a call returns them: for calls whose callee cannot change them. */
    public static void keepArguments(EngineRun run, long r1, long r2, long r3, long r4, long r5) {
        long[] scratch = run.registerScratch();
        scratch[1] = r1;
        scratch[2] = r2;
        scratch[3] = r3;
        scratch[4] = r4;
        scratch[5] = r5;
    }

    /**
     * The segment of the stack frame whose top is {@code r10}, if the frame is exactly
     * {@link RegionBindings#FRAME_SIZE} writable bytes under r10 with its whole window open (as
     * every frame a run has reached is), else null: then the frame's accesses take the checked path.
     */
    public static java.lang.foreign.MemorySegment frameSegment(Memory memory, long r10) {
        long base = r10 - RegionBindings.FRAME_SIZE;
        if ((r10 & 0xffff_ffffL) != RegionBindings.FRAME_SIZE
                || !memory.isAccessible(base, RegionBindings.FRAME_SIZE, true)) {
            return null;
        }
        java.lang.foreign.MemorySegment segment = memory.segmentOf(base);
        return segment.byteSize() == RegionBindings.FRAME_SIZE && !segment.isReadOnly() ? segment : null;
    }

    /**
     * The id of the first region whose segment is a whole {@code byte[]} (in the runtime's typed
     * runs, the packet: stack frames and map storage are {@code long[]}-backed), or -1 if none.
     */
    public static long byteArrayRegion(Memory memory) {
        for (int id = 1, n = memory.regionCount(); id < n; id++) {
            if (memory.byteArrayOf((long) id << Memory.REGION_SHIFT) != null) {
                return id;
            }
        }
        return -1;
    }

    /**
     * {@code bpf_map_lookup_elem} on an array map (not per-CPU) whose storage is mapped at
     * {@code storage}: the address of the value the u32 key at {@code key} selects, or 0 when the
     * key is out of range. The key is checked as the helper checks it, with the same fault.
     */
    public static long arrayLookup(long storage, Memory memory, long key, int maxEntries, int valueStride, int pc) {
        long offset = memory.checkedOffset(key, Integer.BYTES, false, pc);
        int index = memory.segmentOf(key).get(INT, offset);
        return Integer.compareUnsigned(index, maxEntries) < 0 ? storage + (long) index * valueStride : 0;
    }

    /** The chunk of a split function holding instruction {@code pc}, given each chunk's first instruction. */
    public static int chunkOf(int[] starts, int pc) {
        int i = java.util.Arrays.binarySearch(starts, pc);
        return i >= 0 ? i : -i - 2;
    }

    // The layouts of program memory (little-endian, unaligned), for the segment accesses generated code makes itself.
    public static final java.lang.foreign.ValueLayout.OfByte BYTE = java.lang.foreign.ValueLayout.JAVA_BYTE;
    public static final java.lang.foreign.ValueLayout.OfShort SHORT =
            java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    public static final java.lang.foreign.ValueLayout.OfInt INT =
            java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    public static final java.lang.foreign.ValueLayout.OfLong LONG =
            java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    // Little-endian, unaligned views of a region's byte[] (Memory.byteArrayOf): a load from a
    // byte[] held in a local is a bounds check and a load, cheaper than a MemorySegment access
    // through a segment read from the region table (its liveness, read-only and type checks).
    private static final java.lang.invoke.VarHandle LE16 =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(short[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle LE32 =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle LE64 =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** The byte at {@code offset} of a region's array, zero-extended. */
    public static long arrayLoad8(byte[] array, long offset) {
        return array[(int) offset] & 0xffL;
    }

    /** The little-endian 16-bit value at {@code offset} of a region's array, zero-extended. */
    public static long arrayLoad16(byte[] array, long offset) {
        return (short) LE16.get(array, (int) offset) & 0xffffL;
    }

    /** The little-endian 32-bit value at {@code offset} of a region's array, zero-extended. */
    public static long arrayLoad32(byte[] array, long offset) {
        return (int) LE32.get(array, (int) offset) & 0xffff_ffffL;
    }

    /** The little-endian 64-bit value at {@code offset} of a region's array. */
    public static long arrayLoad64(byte[] array, long offset) {
        return (long) LE64.get(array, (int) offset);
    }

    /** Stores the low byte of {@code value} at {@code offset} of a region's array. */
    public static void arrayStore8(byte[] array, long offset, long value) {
        array[(int) offset] = (byte) value;
    }

    /** Stores the low 16 bits of {@code value}, little-endian, at {@code offset} of a region's array. */
    public static void arrayStore16(byte[] array, long offset, long value) {
        LE16.set(array, (int) offset, (short) value);
    }

    /** Stores the low 32 bits of {@code value}, little-endian, at {@code offset} of a region's array. */
    public static void arrayStore32(byte[] array, long offset, long value) {
        LE32.set(array, (int) offset, (int) value);
    }

    /** Stores {@code value}, little-endian, at {@code offset} of a region's array. */
    public static void arrayStore64(byte[] array, long offset, long value) {
        LE64.set(array, (int) offset, value);
    }
}
