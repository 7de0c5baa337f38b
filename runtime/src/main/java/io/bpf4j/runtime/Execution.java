package io.bpf4j.runtime;

import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.MapFlags;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.runtime.maps.ProgArrayMap;
import io.bpf4j.runtime.spi.DecodedProgram;
import io.bpf4j.runtime.spi.EngineRun;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of one program run that outlives single instructions: the address space with its
 * stack frames and map regions, and the maps the run can name. It is the {@link HelperContext}
 * helpers see.
 *
 * <p>Region ids 1 to {@link #FRAMES} are the stack frames; then come whatever the run maps: input,
 * context and packet regions, and each map's storage when the run first needs it. Maps are named
 * by handles that index this run's list of maps, so programs with different map lists (a tail
 * call's target) share one run.
 */
final class Execution implements EngineRun {
    /** Bytes of stack per call frame, as in Linux. */
    static final int FRAME_SIZE = 512;
    /** Call frames at most (the main program and 7 nested calls), as in Linux. */
    static final int FRAMES = 8;
    /** High half of a map handle: region id 0xfffffffe is never mapped, so a handle cannot be dereferenced. */
    static final long MAP_HANDLE_TAG = 0xffff_fffeL << Memory.REGION_SHIFT;
    private static final String[] FRAME_NAMES = new String[FRAMES];

    static {
        for (int f = 0; f < FRAMES; f++) {
            FRAME_NAMES[f] = "stack frame " + f;
        }
    }

    final Memory memory = new Memory();
    final long[] frameTop = new long[FRAMES];
    /** Every map this run has named, in the order first met: the program's, then inner maps, tail-call targets' maps. */
    private final List<BpfMap> maps = new ArrayList<>();
    /** Address of each map's storage region, parallel to {@link #maps}; 0 until mapped. */
    private long[] storageAddress = new long[4];

    /** The program executing now (a tail call changes it). */
    Interpreter current;
    /** Index of the instruction executing a helper, for its error messages. */
    int pc;
    /** Call depth of the frame that called the current helper. */
    int depth;
    /** Instructions left in the budget, shared by tail calls and callbacks. */
    long remaining;
    int tailCalls;
    ExecutionTracer tracer;
    long packetAddress;
    int packetLength;
    /** The runtime's host environment, for tracing helpers. */
    HostEnvironment host = HostEnvironment.defaults();
    /** The program-type side of the run, or null for a run on plain memory. */
    RunContext runContext;
    /** A tail call compiled code asked for: the program to run next, with r1 {@link #pendingR1}. */
    Interpreter pendingTailCall;
    /** r0 of a tail call's target run for compiled code in a subprogram (see {@link #tailCall}). */
    long tailCallResult;
    /** How many helper callbacks (bpf_loop, for_each_map_elem) are running: tail calls are not allowed in them. */
    int callbacks;
    long pendingR1;
    private final long[] registerScratch = new long[6];
    /** The last {@link #mapBindings} result, for the program it was made for (callbacks ask again and again). */
    private DecodedProgram boundProgram;
    private long[] boundMaps;

    /**
     * Each thread's stack frames, reused by its runs: creating segments costs more than a short
     * program's whole run. A run that starts while another is active on the same thread (a helper
     * running a program) gets fresh frames.
     */
    private static final ThreadLocal<StackFrames> STACKS = ThreadLocal.withInitial(StackFrames::new);

    private static final class StackFrames {
        // long[]-backed so that atomics on the stack are real atomics (see Memory)
        final long[] words = new long[FRAME_SIZE * FRAMES / Long.BYTES];
        final MemorySegment[] frames = new MemorySegment[FRAMES];
        boolean inUse;

        StackFrames() {
            MemorySegment stack = MemorySegment.ofArray(words);
            for (int f = 0; f < FRAMES; f++) {
                frames[f] = stack.asSlice((long) f * FRAME_SIZE, FRAME_SIZE);
            }
        }
    }

    /** The frames this run borrowed from its thread, or null if it has its own. */
    private StackFrames borrowed;

    Execution(Interpreter program) {
        this.current = program;
        StackFrames stack = STACKS.get();
        if (stack.inUse) {
            stack = new StackFrames();
        } else {
            stack.inUse = true;
            borrowed = stack;
            java.util.Arrays.fill(stack.words, 0); // every run starts with a zeroed stack
        }
        for (int f = 0; f < FRAMES; f++) {
            frameTop[f] = memory.map(FRAME_NAMES[f], stack.frames[f], true) + FRAME_SIZE;
        }
    }

    /** Ends the run: its thread's stack frames may serve the next run. */
    void release() {
        if (borrowed != null) {
            borrowed.inUse = false;
            borrowed = null;
        }
    }

    /** What a program's {@code lddw} map references resolve to in this run, by the program's map index. */
    record MapBindings(long[] handles, long[] storage) {}

    /** Resolves a program's maps: a handle for each, and the storage address of each array map. */
    MapBindings bind(List<BpfMap> programMaps) {
        int n = programMaps.size();
        long[] handles = new long[n];
        long[] storage = new long[n];
        for (int i = 0; i < n; i++) {
            BpfMap map = programMaps.get(i);
            handles[i] = mapHandle(map);
            if (map.type() == MapType.ARRAY) {
                storage[i] = mapStorageAddress(map, 0);
            }
        }
        return new MapBindings(handles, storage);
    }

    /**
     * The program a tail call through prog-array {@code mapHandle} at {@code index} goes to, or
     * null when there is none (index out of range, empty slot, chain too long), as Linux decides.
     */
    Interpreter tailCallTarget(long mapHandle, long index) {
        BpfMap map = map(mapHandle);
        if (!(map instanceof ProgArrayMap array)) {
            throw new ProgramFault(pc, "tail call through map '" + map.name() + "', which is a " + map.type()
                    + ", not a program array");
        }
        if (index < 0 || index >= array.maxEntries() || tailCalls >= Interpreter.MAX_TAIL_CALLS) {
            return null;
        }
        Object target = array.program((int) index);
        if (target == null) {
            return null;
        }
        if (!(target instanceof InterpretedExecutable executable)) {
            throw new ProgramFault(pc, "program array '" + map.name() + "' slot " + index + " holds " + target
                    + ", not a program loaded by a bpf4j runtime");
        }
        tailCalls++;
        current = executable.interpreter();
        return current;
    }

    @Override
    public long callFunction(long codeAddress, long r1, long r2, long r3, long r4, long r5) {
        return current.callback(this, codeAddress, r1, r2, r3, r4, r5);
    }

    private long mapStorage(BpfMap map) {
        boolean writable = (map.flags() & MapFlags.BPF_F_RDONLY_PROG) == 0;
        return memory.map("map '" + map.name() + "'", map.storage(), writable);
    }

    @Override
    public HostEnvironment host() {
        return host;
    }

    @Override
    public RunContext runContext() {
        return runContext;
    }

    @Override
    public void setLegacyPacket(long address, int length) {
        packetAddress = address;
        packetLength = length;
    }

    @Override
    public Memory memory() {
        return memory;
    }

    @Override
    public int pc() {
        return pc;
    }

    @Override
    public BpfMap map(long handle) {
        long index = handle - MAP_HANDLE_TAG;
        if (index < 0 || index >= maps.size()) {
            throw new ProgramFault(pc, String.format("0x%x is not a map reference", handle));
        }
        return maps.get((int) index);
    }

    @Override
    public long mapHandle(BpfMap map) {
        return MAP_HANDLE_TAG | indexOf(map);
    }

    @Override
    public long mapStorageAddress(BpfMap map, long storageOffset) {
        int i = indexOf(map);
        if (storageAddress[i] == 0) {
            storageAddress[i] = mapStorage(map);
        }
        return storageAddress[i] + storageOffset;
    }

    @Override
    public MapPointer mapPointer(long address) {
        long region = address & ~0xffff_ffffL;
        for (int i = 0; i < maps.size(); i++) {
            if (storageAddress[i] == region) {
                return new MapPointer(maps.get(i), address - region);
            }
        }
        return null;
    }

    private int indexOf(BpfMap map) {
        for (int i = 0; i < maps.size(); i++) {
            if (maps.get(i) == map) {
                return i;
            }
        }
        maps.add(map);
        if (maps.size() > storageAddress.length) {
            storageAddress = java.util.Arrays.copyOf(storageAddress, storageAddress.length * 2);
        }
        return maps.size() - 1;
    }

    // ---------------------------------------------------------------- EngineRun, for compiled code

    @Override
    public long frameTop(int depth) {
        return frameTop[depth];
    }

    @Override
    public long[] mapBindings(DecodedProgram program) {
        if (program != boundProgram) {
            MapBindings b = bind(((Interpreter) program).maps());
            int n = b.handles().length;
            long[] all = new long[2 * n];
            for (int i = 0; i < n; i++) {
                all[2 * i] = b.handles()[i];
                all[2 * i + 1] = b.storage()[i];
            }
            boundMaps = all;
            boundProgram = program;
        }
        return boundMaps;
    }

    @Override
    public void enterHelper(int atPc, int atDepth) {
        pc = atPc;
        depth = atDepth;
    }

    @Override
    public long remaining() {
        return remaining;
    }

    @Override
    public void remaining(long instructions) {
        remaining = instructions;
    }

    @Override
    public long packetAddress() {
        return packetAddress;
    }

    @Override
    public int packetLength() {
        return packetLength;
    }

    @Override
    public boolean tailCall(int atPc, int atDepth, long mapHandle, long index, long r1) {
        pc = atPc;
        Interpreter target = tailCallTarget(mapHandle, index);
        if (target == null) {
            return false;
        }
        if (atDepth != 0) {
            // In a subprogram the target replaces only that frame and its r0 goes back to the
            // subprogram's caller (as in Linux): run it here, in the same frame, and hand back its r0.
            tailCallResult = target.runAsTailCallTarget(this, r1, atDepth);
            return true;
        }
        tailCallResult = 0;
        pendingTailCall = target;
        pendingR1 = r1;
        return true;
    }

    @Override
    public long tailCallResult() {
        return tailCallResult;
    }

    @Override
    public long interpretFunction(int atPc, int atDepth, long r1, long r2, long r3, long r4, long r5) {
        return current.interpretFunction(this, atPc, atDepth, r1, r2, r3, r4, r5);
    }

    @Override
    public long[] registerScratch() {
        return registerScratch;
    }
}
