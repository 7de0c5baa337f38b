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
    /**
     * Whether compiled code at depth 0 made a tail call that found its target: then
     * {@link #current} is the program to run next, with r1 {@link #pendingR1}. (A flag, not a
     * reference: see {@link #release}.)
     */
    boolean tailCallPending;
    /** r0 of a tail call's target run for compiled code in a subprogram (see {@link #tailCall}). */
    long tailCallResult;
    /** How many helper callbacks (bpf_loop, for_each_map_elem) are running: tail calls are not allowed in them. */
    int callbacks;
    long pendingR1;
    private final long[] registerScratch = new long[6];
    /**
     * The last {@link #mapBindings} result for {@link #current}, which callbacks ask for again and
     * again: index {@link #boundIndex} of {@link #bindingArrays}, valid while {@link #tailCalls}
     * is {@link #boundAt} (current changes only by a tail call). Numbers, not references: see
     * {@link #release}.
     */
    private int boundIndex;
    private int boundAt = -1;
    /**
     * Arrays for {@link #mapBindings}, reused run after run: the k-th binding a run makes goes to
     * the k-th array, so no array is rewritten while a run may still hold it (a program bound
     * again later in the run, after a tail call, gets the next array).
     */
    private long[][] bindingArrays = new long[2][8];
    /** How many of {@link #bindingArrays} this run has used. */
    private int bindings;
    private static final long[] NO_MAPS = new long[0];
    /** The XDP context of this state's in-place runs, reused run after run (see {@link #inPlaceXdp}). */
    private io.bpf4j.runtime.internal.XdpContext inPlaceXdp;

    /**
     * Each thread's run state, reused by its runs: creating an address space and stack frames
     * costs more than a short program's whole run. A run that starts while another is active on
     * the same thread (a helper running a program) gets a state of its own.
     */
    private static final ThreadLocal<Execution> POOL = ThreadLocal.withInitial(Execution::new);

    // long[]-backed so that atomics on the stack are real atomics (see Memory)
    private final long[] stackWords = new long[FRAME_SIZE * FRAMES / Long.BYTES];
    /**
     * Frames 0 to this one are open (accessible) in this run; the deeper ones have an empty
     * window until the run reaches their depth ({@link #frameTopOf}), so that no address, not
     * even a forged one, reaches them before. Only open frames can have been written, so only
     * they need zeroing before the next run.
     */
    private int openFrames;
    /** Whether a run is using this state now. */
    private boolean inUse;
    /**
     * Whether the stack may hold bytes a run wrote, to be zeroed before the next run: false only
     * while every program that ran on this state since the last zeroing was
     * {@link Interpreter#stackUntouched} (set at the start of a run and at each tail call).
     */
    private boolean stackWritten;
    /** Whether a run asked for {@link #registerScratch} since it was last zeroed. */
    private boolean registerScratchUsed;
    /** Region of an in-place XDP run's frame buffer: the first after the stack frames. */
    static final int XDP_PACKET_REGION = FRAMES + 1;
    /** Region of an in-place XDP run's context ({@link #inPlaceXdp}). */
    static final int XDP_CONTEXT_REGION = FRAMES + 2;
    /**
     * Whether regions {@link #XDP_PACKET_REGION} and {@link #XDP_CONTEXT_REGION} are those of
     * {@link #inPlaceXdp}: mapped by an in-place XDP run (this one or, with the packet's window
     * closed, the last one), kept for the next such run. Only an in-place XDP run keeps them
     * (see {@link #reset}).
     */
    private boolean xdpRegionsKept;
    /**
     * The map list of the entry program whose map storage regions this state keeps between its
     * in-place XDP runs, or null. Mapping every map's storage and binding the program's maps
     * again cost an in-place run of a short program more than the rest of its run, so the regions
     * and the binding stay from one run of that program to the next:
     * <ul>
     * <li>{@link #maps} starts with that program's maps (each once, in order), {@link #keptCount}
     *     of them, as {@link #bind} would have named them, and keeps them between runs;
     * <li>regions {@link #XDP_CONTEXT_REGION}{@code + 1} to {@link #keptRegions}{@code - 1}
     *     are their storage, at {@link #keptAddress}, mapped {@link Memory#hide hidden}: a run
     *     reveals map {@code i}'s region only where the old code mapped it, when the run first
     *     needs its storage ({@link #mapStorageAddress}; array maps at the start, as {@link #bind}
     *     did), and {@link #release} hides the revealed ones again. So a run reaches exactly the
     *     map bytes it reached when each run mapped its maps afresh (only the region ids differ),
     *     and a forged address into a hidden region faults as one outside every region;
     * <li>{@code bindingArrays[0]} holds the program's binding, which no other run rewrites
     *     while it is kept (a kept run starts at binding 1).
     * </ul>
     * Keyed by the map list, not the program: the binding and the regions depend on nothing else
     * (programs loaded from one {@link Program} share it), and the state refers to no program
     * between runs. Any run that is not an in-place XDP run of a program with this very list
     * drops them first ({@link #reset}): its address space is then as it always was. A kept
     * region never goes stale: a map's storage segment is fixed for its lifetime
     * ({@link BpfMap#storage}), and a program's map list cannot change (a reloaded program,
     * {@link InterpretedExecutable#replaceCode}, is another list unless it names the same maps).
     *
     * <p>The kept maps stay referenced by the thread's state until its next run of another
     * program, so they are not collected (nor their bytes given back to the runtime's map memory
     * budget) before, even when nothing else holds them. Holding them weakly and storing them
     * again each run cost most of what keeping saves, so instead only programs whose maps'
     * storage is at most {@link #KEPT_STORAGE_LIMIT} bytes in all have their maps kept: what a
     * thread's state holds on to is bounded.
     */
    private List<BpfMap> keptMaps;
    /** Most bytes of map storage a run state keeps mapped between runs (see {@link #keptMaps}). */
    static final long KEPT_STORAGE_LIMIT = 1 << 20;

    private static long storageBytes(List<BpfMap> programMaps) {
        long bytes = 0;
        for (int i = 0; i < programMaps.size(); i++) {
            bytes += programMaps.get(i).storage().byteSize();
        }
        return bytes;
    }

    /** How many of {@link #maps} are {@link #keptMaps}'s; 0 when none are kept. */
    private int keptCount;
    /** Region count with the kept map regions: the first region of a map the run adds is this one. */
    private int keptRegions;
    /** Address of kept map {@code i}'s storage region, parallel to {@link #maps}. */
    private long[] keptAddress = new long[4];

    private Execution() {
        MemorySegment stack = MemorySegment.ofArray(stackWords);
        for (int f = 0; f < FRAMES; f++) {
            long address = memory.map(FRAME_NAMES[f], stack.asSlice((long) f * FRAME_SIZE, FRAME_SIZE), true);
            if (address != frameAddress(f)) {
                throw new IllegalStateException("stack frame " + f + " mapped at 0x" + Long.toHexString(address));
            }
            if (f > 0) {
                memory.window(f + 1, 0, 0);
            }
        }
    }

    /** Address of the first byte of stack frame {@code f}: the frames are regions 1 to {@link #FRAMES}. */
    private static long frameAddress(int f) {
        return (long) (f + 1) << Memory.REGION_SHIFT;
    }

    /**
     * The run state for a run of {@code program} on this thread: the thread's own if it is free,
     * else a fresh one. Nothing of an earlier run shows through: every stack frame the earlier run
     * opened is zeroed and closed again, only the stack frames are mapped, no map is named.
     * {@link #release} must follow.
     */
    static Execution start(Interpreter program) {
        return start(program, false);
    }

    /**
     * As {@link #start(Interpreter)}, for an in-place XDP run ({@link #enterInPlaceXdp} follows):
     * the thread's state may keep the packet and context regions of its last in-place XDP run.
     */
    static Execution startInPlaceXdp(Interpreter program) {
        return start(program, true);
    }

    private static Execution start(Interpreter program, boolean inPlaceXdp) {
        Execution e = POOL.get();
        if (e.inUse) {
            e = new Execution();
        } else {
            e.reset(program, inPlaceXdp);
        }
        e.inUse = true;
        e.current = program;
        e.stackWritten |= !program.stackUntouched;
        return e;
    }

    private void reset(Interpreter program, boolean inPlaceXdp) {
        if (stackWritten) {
            java.util.Arrays.fill(stackWords, 0, (openFrames + 1) * (FRAME_SIZE / Long.BYTES), 0);
            stackWritten = false;
        }
        for (int f = 1; f <= openFrames; f++) {
            memory.window(f + 1, 0, 0);
        }
        openFrames = 0;
        if (!inPlaceXdp) {
            // Any other run: the kept regions of an in-place XDP run go, so that no address of this
            // run, not even a forged one, reaches that run's frame or context.
            xdpRegionsKept = false;
            runContext = null;
        }
        if (keptMaps != null && !(xdpRegionsKept && keptMaps == program.maps())) {
            // Not an in-place XDP run of the program whose maps are kept: their regions go (the
            // truncation below), so that no address of this run, not even a forged one, reaches
            // a map its program does not name.
            dropKeptMaps();
        }
        int regions = keptMaps != null ? keptRegions : xdpRegionsKept ? FRAMES + 3 : FRAMES + 1;
        if (memory.regionCount() != regions) {
            memory.truncate(regions); // release() does it; a run abandoned without it did not
        }
        if (xdpRegionsKept) {
            memory.window(XDP_PACKET_REGION, 0, 0); // closed until enterInPlaceXdp opens it
        }
        pc = 0;
        depth = 0;
        remaining = 0;
        tailCalls = 0;
        tailCallPending = false;
        boundAt = -1;
        bindings = 0;
        packetAddress = 0;
        packetLength = 0;
        tailCallResult = 0;
        callbacks = 0;
        pendingR1 = 0;
        if (registerScratchUsed) {
            java.util.Arrays.fill(registerScratch, 0);
            registerScratchUsed = false;
        }
    }

    /**
     * Ends the run: drops what it referred to (so that nothing stays reachable through the
     * thread's state) and frees the state for the thread's next run.
     */
    void release() {
        // Only null is stored here: storing a reference into this long-lived object costs a GC
        // barrier (a memory fence, with G1), several per run. The host environment and this
        // state's own in-place XDP context stay (set again, if another, by the next run).
        current = null;
        tracer = null;
        if (runContext != inPlaceXdp) {
            runContext = null;
        }
        tailCallPending = false;
        boundAt = -1;
        bindings = 0;
        if (xdpRegionsKept) {
            // An in-place XDP run: its packet and context regions stay mapped for the thread's next
            // one (mapping regions costs more than an empty program's whole run), the packet's
            // window closed; every other run drops them first (reset). So do the kept map regions
            // (see keptMaps), hidden again; regions of maps the run added after them go.
            memory.truncate(keptMaps != null ? keptRegions : FRAMES + 3);
            memory.window(XDP_PACKET_REGION, 0, 0);
        } else {
            memory.truncate(FRAMES + 1);
        }
        for (int i = 0; i < maps.size(); i++) {
            if (i < keptCount && storageAddress[i] == keptAddress[i] && storageAddress[i] != 0) {
                memory.hide(storageAddress[i]);
            }
            storageAddress[i] = 0;
        }
        if (keptCount == 0) {
            maps.clear();
        } else {
            while (maps.size() > keptCount) {
                maps.removeLast();
            }
        }
        inUse = false;
    }

    /** r10 of frame {@code depth}, opening the frames up to it if the run had not reached that depth yet. */
    long frameTopOf(int depth) {
        if (depth > openFrames) {
            for (int f = openFrames + 1; f <= depth; f++) {
                memory.window(f + 1, 0, FRAME_SIZE);
            }
            openFrames = depth;
        }
        return frameAddress(depth) + FRAME_SIZE;
    }

    /**
     * Resolves a program's maps for its {@code lddw} map references: the handle of map {@code i}
     * at index {@code 2 * i}, the storage address of array map {@code i} at {@code 2 * i + 1}.
     */
    private long[] bind(List<BpfMap> programMaps, long[] all) {
        int n = programMaps.size();
        for (int i = 0; i < n; i++) {
            BpfMap map = programMaps.get(i);
            all[2 * i] = mapHandle(map);
            all[2 * i + 1] = map.type() == MapType.ARRAY ? mapStorageAddress(map, 0) : 0;
        }
        return all;
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
        Interpreter next = executable.interpreter();
        stackWritten |= !next.stackUntouched;
        current = next;
        return next;
    }

    @Override
    public long callFunction(long codeAddress, long r1, long r2, long r3, long r4, long r5) {
        return current.callback(this, codeAddress, r1, r2, r3, r4, r5);
    }

    private long mapStorage(BpfMap map) {
        boolean writable = (map.flags() & MapFlags.BPF_F_RDONLY_PROG) == 0;
        return memory.mapNamed(mapRegionNames, map.storage(), writable);
    }

    /** Names this run's map storage regions, only when a message needs it (no name is made per region). */
    private final Memory.RegionNamer mapRegionNames = regionAddress -> {
        for (int i = 0; i < maps.size(); i++) {
            if (storageAddress[i] == regionAddress) {
                return "map '" + maps.get(i).name() + "'";
            }
        }
        return "map storage";
    };

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
        long address = storageAddress[i];
        if (address == 0) {
            if (i < keptCount) {
                address = keptAddress[i];
                memory.reveal(address); // the run needs it now: where the region used to be mapped
            } else {
                address = mapStorage(map);
            }
            storageAddress[i] = address;
        }
        return address + storageOffset;
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
        return frameTopOf(depth);
    }

    @Override
    public long[] mapBindings(DecodedProgram program) {
        if (program == current && boundAt == tailCalls) {
            return bindingArrays[boundIndex];
        }
        List<BpfMap> programMaps = ((Interpreter) program).maps();
        if (programMaps.isEmpty()) {
            return NO_MAPS; // nothing to remember (and no reference to store)
        }
        long[] all = bind(programMaps, nextBindingArray(2 * programMaps.size()));
        if (program == current) {
            boundIndex = bindings - 1;
            boundAt = tailCalls;
        }
        return all;
    }

    /** The next of {@link #bindingArrays} for this run, of at least {@code length} longs. */
    private long[] nextBindingArray(int length) {
        if (bindings == bindingArrays.length) {
            bindingArrays = java.util.Arrays.copyOf(bindingArrays, bindings * 2);
        }
        long[] array = bindingArrays[bindings];
        if (array == null || array.length < length) {
            array = bindingArrays[bindings] = new long[Math.max(8, length)];
        }
        bindings++;
        return array;
    }

    /**
     * The context of this state's in-place XDP runs: one object serves run after run, set up
     * afresh by each ({@link io.bpf4j.runtime.internal.XdpContext#inPlace}), so that such a run
     * allocates nothing. A nested run (a helper running a program) has a state, and so a context,
     * of its own.
     */
    io.bpf4j.runtime.internal.XdpContext inPlaceXdp() {
        io.bpf4j.runtime.internal.XdpContext context = inPlaceXdp;
        if (context == null) {
            context = inPlaceXdp = new io.bpf4j.runtime.internal.XdpContext();
        }
        return context;
    }

    /**
     * Maps the frame and context of an in-place XDP run started with {@link #startInPlaceXdp},
     * whose context is {@link #inPlaceXdp} set up for the run, and returns the context pointer
     * (r1). The regions of the thread's last in-place XDP run are reused when they are still
     * mapped: the packet region is pointed at this run's frame if it is another, and its window
     * opened at the frame's pointers.
     */
    long enterInPlaceXdp(io.bpf4j.runtime.internal.XdpContext context) {
        if (context != inPlaceXdp || !inUse) {
            throw new IllegalStateException("not an in-place XDP run of this state");
        }
        if (xdpRegionsKept) {
            memory.repoint(XDP_PACKET_REGION, context.frameBuffer());
            context.enterMapped(memory, (long) XDP_PACKET_REGION << Memory.REGION_SHIFT);
            enterKeptMaps();
            return (long) XDP_CONTEXT_REGION << Memory.REGION_SHIFT;
        }
        if (memory.regionCount() != XDP_PACKET_REGION) {
            throw new IllegalStateException("in-place XDP regions must be the first after the stack frames");
        }
        long r1 = context.mapRegions(memory);
        xdpRegionsKept = true;
        enterKeptMaps();
        return r1;
    }

    /**
     * For an in-place XDP run, its XDP regions in place: makes the entry program's maps the kept
     * ones ({@link #keptMaps}) if they are not yet, and sets up the run as {@link #bind} would
     * have at its start: the program's binding is the kept one, its array maps' regions revealed.
     */
    private void enterKeptMaps() {
        List<BpfMap> programMaps = current.maps();
        if (programMaps.isEmpty()) {
            return;
        }
        if (keptMaps != programMaps) {
            if (storageBytes(programMaps) > KEPT_STORAGE_LIMIT) {
                return; // mapped by the run as it goes, and unmapped at its end
            }
            keepMaps(programMaps); // reset dropped any other program's
        }
        for (int i = 0; i < keptCount; i++) {
            if (maps.get(i).type() == MapType.ARRAY) {
                memory.reveal(keptAddress[i]);
                storageAddress[i] = keptAddress[i];
            }
        }
        bindings = 1;
        boundIndex = 0;
        boundAt = tailCalls;
    }

    /** Maps the storage of {@code programMaps} hidden after the XDP regions, and binds them in {@code bindingArrays[0]}. */
    private void keepMaps(List<BpfMap> programMaps) {
        if (!maps.isEmpty() || bindings != 0 || memory.regionCount() != XDP_CONTEXT_REGION + 1) {
            throw new IllegalStateException("kept map regions must be the first after the XDP regions");
        }
        int n = programMaps.size();
        for (int i = 0; i < n; i++) {
            indexOf(programMaps.get(i));
        }
        if (keptAddress.length < maps.size()) {
            keptAddress = java.util.Arrays.copyOf(keptAddress, storageAddress.length);
        }
        for (int i = 0; i < maps.size(); i++) {
            BpfMap map = maps.get(i);
            keptAddress[i] = memory.mapHidden(mapRegionNames, map.storage(), (map.flags() & MapFlags.BPF_F_RDONLY_PROG) == 0);
        }
        long[] binding = nextBindingArray(2 * n); // bindingArrays[0]
        for (int i = 0; i < n; i++) {
            BpfMap map = programMaps.get(i);
            int index = indexOf(map);
            binding[2 * i] = MAP_HANDLE_TAG | index;
            binding[2 * i + 1] = map.type() == MapType.ARRAY ? keptAddress[index] : 0;
        }
        keptMaps = programMaps;
        keptCount = maps.size();
        keptRegions = memory.regionCount();
    }

    /** Forgets the kept map regions ({@link #keptMaps}); the caller unmaps them. */
    private void dropKeptMaps() {
        keptMaps = null;
        keptCount = 0;
        maps.clear();
    }

    /**
     * The frame of this state's copying XDP runs, loaded with {@code packet}: one page reused run
     * after run (its headroom cleared by {@link io.bpf4j.runtime.types.XdpFrame#load}, the only part a
     * program can reach without writing it first), or a frame of its own for a packet too large
     * for a page.
     */
    io.bpf4j.runtime.types.XdpFrame copyFrame(io.bpf4j.runtime.types.XdpPacket packet) {
        if (packet.data().length > ONE_PAGE_PACKET) {
            return io.bpf4j.runtime.types.XdpFrame.of(packet);
        }
        io.bpf4j.runtime.types.XdpFrame frame = copyFrame;
        if (frame == null) {
            frame = copyFrame = new io.bpf4j.runtime.types.XdpFrame(ONE_PAGE_PACKET);
        }
        return frame.load(packet);
    }

    /** The largest packet a one-page frame holds. */
    private static final int ONE_PAGE_PACKET = io.bpf4j.runtime.types.XdpPacket.FRAME_SIZE
            - io.bpf4j.runtime.types.XdpPacket.HEADROOM - io.bpf4j.runtime.types.XdpPacket.SHARED_INFO_SIZE;
    private io.bpf4j.runtime.types.XdpFrame copyFrame;

    @Override
    public boolean provenSafeHolds(DecodedProgram program) {
        ProgramType verified = ((Interpreter) program).verifiedType;
        return verified != null && runContext instanceof io.bpf4j.runtime.internal.BuiltInContext builtIn
                && builtIn.type() == verified;
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
        tailCallPending = true;
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
        registerScratchUsed = true;
        return registerScratch;
    }
}
