package io.bpf4j.runtime;

import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.MapFlags;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of one program run that outlives single instructions: the address space with its
 * stack frames and map regions, and the maps the run can name. It is the {@link HelperContext}
 * helpers see.
 *
 * <p>Region layout, fixed so that the interpreter can resolve {@code lddw} map-value addresses
 * once at load: region ids 1 to {@link #FRAMES} are the stack frames, the next ones the program's
 * maps in order, then whatever the run maps (input, context, packet, maps met at run time).
 */
final class Execution implements HelperContext {
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
    /** The program's maps, then maps first met during this run (inner maps of map-in-map lookups). */
    private final List<BpfMap> maps;
    /** Address of each map's storage region, parallel to {@link #maps}; 0 until mapped. */
    private long[] storageAddress;
    int pc;

    Execution(List<BpfMap> programMaps) {
        // long[]-backed so that atomics on the stack are real atomics (see Memory)
        MemorySegment stack = MemorySegment.ofArray(new long[FRAME_SIZE * FRAMES / Long.BYTES]);
        for (int f = 0; f < FRAMES; f++) {
            frameTop[f] = memory.map(FRAME_NAMES[f], stack.asSlice((long) f * FRAME_SIZE, FRAME_SIZE), true) + FRAME_SIZE;
        }
        this.maps = programMaps.isEmpty() ? new ArrayList<>(0) : new ArrayList<>(programMaps);
        this.storageAddress = new long[Math.max(4, maps.size())];
        for (int i = 0; i < programMaps.size(); i++) {
            storageAddress[i] = mapStorage(programMaps.get(i));
        }
    }

    /** Region id the {@code index}-th program map gets in every run. */
    static long programMapStorageAddress(int index) {
        return (long) (1 + FRAMES + index) << Memory.REGION_SHIFT;
    }

    private long mapStorage(BpfMap map) {
        boolean writable = (map.flags() & MapFlags.BPF_F_RDONLY_PROG) == 0;
        return memory.map("map '" + map.name() + "'", map.storage(), writable);
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
}
