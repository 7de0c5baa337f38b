package io.bpf4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Assembler;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.runtime.maps.Maps;
import io.bpf4j.runtime.maps.ProgArrayMap;
import io.bpf4j.runtime.types.XdpFrame;
import io.bpf4j.runtime.types.XdpPacket;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * In-place XDP runs of one program on a thread keep its maps' storage regions and binding from
 * run to run (see Execution's keptMaps): each run reaches exactly the map bytes a run that mapped
 * its maps afresh would reach, and no other run (another program, a tail call's target before
 * the caller needed the map, a run inside a run, a run after a fault) reaches a map its own
 * program does not name, not even by a forged address.
 *
 * <p>Region ids of an in-place XDP run: 1 to 8 the stack frames, 9 the packet, 10 the context,
 * then one per map of the program's list (each map once, in order), then the maps the run adds
 * (a tail call's target's).
 */
class KeptMapRegionsTest {
    private static final long FIRST_MAP_REGION = 11L << 32;
    private static final String OUTSIDE = "outside every memory region";

    private final BpfMap counts = hash("counts", 41);
    private final BpfMap other = hash("other", 7);
    private final XdpFrame frame = XdpFrame.of(XdpPacket.of(new byte[60]));

    private static BpfMap hash(String name, long valueOfKey0) {
        BpfMap map = Maps.create(MapDefinition.of(MapType.HASH, 4, 8, 16).withName(name));
        map.updateLong(0, valueOfKey0);
        return map;
    }

    private static Executable xdp(BpfRuntime runtime, String assembly, List<BpfMap> maps) {
        return runtime.load(Program.of(ProgramType.XDP, "prog", Assembler.assemble(assembly), maps));
    }

    private static Executable xdp(String assembly, List<BpfMap> maps) {
        return xdp(Programs.RUNTIME, assembly, maps);
    }

    /** Looks up key 0 of map {@code index} into r0, and returns 0 if it is absent. */
    private static String lookup(int index) {
        return """
                *(u32 *)(r10 - 4) = 0
                r2 = r10
                r2 += -4
                ld_pseudo r1, 1, %d
                call 1
                if r0 != 0 goto found%d
                exit
                found%d:
                """.formatted(index, index, index);
    }

    /** Adds 1 to key 0's value of map 0 and returns the new value. */
    private static final String COUNT = lookup(0) + """
            r1 = *(u64 *)(r0 + 0)
            r1 += 1
            *(u64 *)(r0 + 0) = r1
            r0 = r1
            exit""";

    /** Returns the 8 bytes at {@code address}, an address the program is not given. */
    private static String forgedLoad(long address) {
        return "r1 = 0x" + Long.toHexString(address) + " ll\nr0 = *(u64 *)(r1 + 0)\nexit";
    }

    @Test
    void theSameProgramSeesItsMapsRunAfterRun() {
        Executable count = xdp(COUNT, List.of(counts));
        for (int i = 1; i <= 5; i++) {
            assertThat(count.runXdpInPlace(frame)).isEqualTo(41 + i);
        }
        counts.updateLong(0, 100); // the host changes the map between runs
        assertThat(count.runXdpInPlace(frame)).isEqualTo(101);
        assertThat(counts.lookupLong(0)).isEqualTo(101);
    }

    @Test
    void anotherProgramCannotReachTheMapsTheLastRunKept() {
        Executable count = xdp(COUNT, List.of(counts));
        Executable noMaps = xdp(forgedLoad(FIRST_MAP_REGION), List.of());
        Executable otherMaps = xdp(forgedLoad(FIRST_MAP_REGION), List.of(other));
        Executable beyondOtherMaps = xdp(forgedLoad(FIRST_MAP_REGION + (1L << 32)), List.of(other));
        for (int i = 1; i <= 2; i++) {
            assertThat(count.runXdpInPlace(frame)).isEqualTo(41 + i);
            assertThatThrownBy(() -> noMaps.runXdpInPlace(frame)).isInstanceOf(MemoryAccessFault.class)
                    .hasMessageContaining(OUTSIDE);
            assertThat(count.runXdpInPlace(frame)).isEqualTo(42 + i);
            // its own map's region is there, but hidden: the program has not looked the map up
            assertThatThrownBy(() -> otherMaps.runXdpInPlace(frame)).isInstanceOf(MemoryAccessFault.class)
                    .hasMessageContaining(OUTSIDE);
            assertThatThrownBy(() -> beyondOtherMaps.runXdpInPlace(frame)).isInstanceOf(MemoryAccessFault.class)
                    .hasMessageContaining(OUTSIDE);
            assertThat(count.runXdpInPlace(frame)).isEqualTo(43 + i);
            counts.updateLong(0, 41 + i);
            // a plain run (no XDP regions kept) and a copying XDP run
            assertThatThrownBy(() -> RUNTIME_PLAIN.load(Program.of("forger", Assembler.assemble(forgedLoad(FIRST_MAP_REGION))))
                    .run(new byte[0])).isInstanceOf(MemoryAccessFault.class).hasMessageContaining(OUTSIDE);
            assertThatThrownBy(() -> noMaps.runXdp(XdpPacket.of(new byte[60]))).isInstanceOf(MemoryAccessFault.class)
                    .hasMessageContaining(OUTSIDE);
        }
    }

    private static final BpfRuntime RUNTIME_PLAIN = Programs.RUNTIME;

    @Test
    void aKeptRegionIsHiddenUntilTheRunLooksItsMapUp() {
        // Two programs with one map list share the kept regions: the one that looks the map up
        // reaches its region, the one that does not, run after it, does not.
        List<BpfMap> maps = List.of(counts);
        Executable looksUp = xdp(lookup(0) + forgedLoad(FIRST_MAP_REGION), maps);
        Executable onlyForges = xdp(forgedLoad(FIRST_MAP_REGION), maps);
        for (int i = 0; i < 3; i++) {
            assertThat(looksUp.runXdpInPlace(frame)).isEqualTo(41);
            assertThatThrownBy(() -> onlyForges.runXdpInPlace(frame)).isInstanceOf(MemoryAccessFault.class)
                    .hasMessageContaining(OUTSIDE);
            assertThatThrownBy(() -> onlyForges.runXdpInPlace(frame)).isInstanceOf(MemoryAccessFault.class)
                    .hasMessageContaining(OUTSIDE);
        }
    }

    @Test
    void aMapNamedTwiceIsOneMap() {
        List<BpfMap> maps = List.of(counts, other, counts);
        Executable viaThird = xdp(lookup(2) + """
                r1 = *(u64 *)(r0 + 0)
                r1 += 1
                *(u64 *)(r0 + 0) = r1
                r0 = r1
                exit""", maps);
        Executable viaFirst = xdp(COUNT, maps);
        assertThat(viaThird.runXdpInPlace(frame)).isEqualTo(42);
        assertThat(viaFirst.runXdpInPlace(frame)).isEqualTo(43);
        assertThat(viaThird.runXdpInPlace(frame)).isEqualTo(44);
        assertThat(other.lookupLong(0)).isEqualTo(7);
    }

    @Test
    void arrayMapsAreBoundAtTheStartOfEachRun() {
        BpfMap array = Maps.create(MapDefinition.of(MapType.ARRAY, 4, 8, 2).withName("array"));
        array.updateLong(0, 5);
        // the value at offset 0 of map 1 (src 2: a map value)
        Executable readsArray = xdp("""
                ld_pseudo r1, 2, 1
                r0 = *(u64 *)(r1 + 0)
                r0 += 1
                *(u64 *)(r1 + 0) = r0
                exit""", List.of(counts, array));
        Executable forgesArray = xdp(forgedLoad(FIRST_MAP_REGION + (1L << 32)), List.of(counts, array));
        Executable forgesHash = xdp(forgedLoad(FIRST_MAP_REGION), List.of(counts, array));
        for (int i = 1; i <= 3; i++) {
            assertThat(readsArray.runXdpInPlace(frame)).isEqualTo(5 + i);
            // an array map's storage is bound at the start (as it always was); a hash map's is not
            assertThat(forgesArray.runXdpInPlace(frame)).isEqualTo(5 + i);
            assertThatThrownBy(() -> forgesHash.runXdpInPlace(frame)).isInstanceOf(MemoryAccessFault.class)
                    .hasMessageContaining(OUTSIDE);
        }
    }

    @Test
    void aTailCallsTargetReachesOnlyTheMapsTheRunHasNeeded() {
        ProgArrayMap jumps = (ProgArrayMap) Maps.create(MapDefinition.of(MapType.PROG_ARRAY, 4, 4, 1).withName("jumps"));
        List<BpfMap> callerMaps = List.of(jumps, counts); // kept regions: 11 jumps, 12 counts
        long countsRegion = FIRST_MAP_REGION + (1L << 32);
        long targetsOwn = FIRST_MAP_REGION + (2L << 32); // the target's map: the first region after them
        String tailCall = """
                ld_pseudo r2, 1, 0
                r3 = 0
                call 12
                r0 = 99
                exit""";
        Executable caller = xdp(tailCall, callerMaps);
        Executable callerThatLooksUp = xdp("r6 = r1\n" + lookup(1) + "r1 = r6\n" + tailCall, callerMaps);
        // The target looks up its own map, then reads the caller's map's region.
        jumps.setProgram(0, xdp(lookup(0) + forgedLoad(countsRegion), List.of(other)));
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> caller.runXdpInPlace(frame)).isInstanceOf(MemoryAccessFault.class)
                    .hasMessageContaining(OUTSIDE);
            assertThat(callerThatLooksUp.runXdpInPlace(frame)).isEqualTo(41);
        }
        // The target's map is not kept: the caller's next run cannot reach it
        jumps.setProgram(0, xdp(lookup(0) + forgedLoad(targetsOwn), List.of(other)));
        assertThat(caller.runXdpInPlace(frame)).isEqualTo(7);
        jumps.clearProgram(0);
        Executable forgesTargetsMap = xdp(forgedLoad(targetsOwn), callerMaps);
        assertThatThrownBy(() -> forgesTargetsMap.runXdpInPlace(frame)).isInstanceOf(MemoryAccessFault.class)
                .hasMessageContaining(OUTSIDE);
        assertThat(caller.runXdpInPlace(frame)).isEqualTo(99);
    }

    @Test
    void aRunInsideARunHasOnlyItsOwnMaps() {
        Object[] innerFault = new Object[1];
        Executable[] inner = new Executable[1];
        XdpFrame innerFrame = XdpFrame.of(XdpPacket.of(new byte[100]));
        BpfRuntime runtime = BpfRuntime.builder()
                .helper(1001, "run_inner", (r1, r2, r3, r4, r5, ctx) -> {
                    try {
                        return inner[0].runXdpInPlace(innerFrame);
                    } catch (MemoryAccessFault e) {
                        innerFault[0] = e;
                        return 1000;
                    }
                })
                .build();
        Executable outer = xdp(runtime, lookup(0) + """
                r6 = *(u64 *)(r0 + 0)
                call 1001
                r0 += r6
                exit""", List.of(counts));
        inner[0] = xdp(runtime, forgedLoad(FIRST_MAP_REGION), List.of());
        for (int i = 0; i < 2; i++) {
            innerFault[0] = null;
            assertThat(outer.runXdpInPlace(frame)).isEqualTo(1041);
            assertThat(innerFault[0]).isInstanceOf(MemoryAccessFault.class).asString().contains(OUTSIDE);
        }
        // An inner program with its own map reaches its own map, not the outer one's.
        inner[0] = xdp(runtime, lookup(0) + "r0 = *(u64 *)(r0 + 0)\nexit", List.of(other));
        assertThat(outer.runXdpInPlace(frame)).isEqualTo(48);
        assertThat(inner[0].runXdpInPlace(frame)).isEqualTo(7);
        assertThat(outer.runXdpInPlace(frame)).isEqualTo(48);
    }

    @Test
    void aRunAfterAFaultSeesWhatAFreshRunWould() {
        List<BpfMap> maps = List.of(counts);
        // Looks the map up (revealing its region), then reads far beyond its storage.
        Executable faults = xdp(lookup(0) + forgedLoad(FIRST_MAP_REGION + 0x10000), maps);
        Executable onlyForges = xdp(forgedLoad(FIRST_MAP_REGION), maps);
        Executable count = xdp(COUNT, maps);
        Executable noMaps = xdp(forgedLoad(FIRST_MAP_REGION), List.of());
        for (int i = 1; i <= 2; i++) {
            assertThatThrownBy(() -> faults.runXdpInPlace(frame)).isInstanceOf(MemoryAccessFault.class)
                    .hasMessageContaining("map 'counts'");
            assertThatThrownBy(() -> onlyForges.runXdpInPlace(frame)).isInstanceOf(MemoryAccessFault.class)
                    .hasMessageContaining(OUTSIDE);
            assertThatThrownBy(() -> faults.runXdpInPlace(frame)).isInstanceOf(MemoryAccessFault.class);
            assertThatThrownBy(() -> noMaps.runXdpInPlace(frame)).isInstanceOf(MemoryAccessFault.class)
                    .hasMessageContaining(OUTSIDE);
            assertThat(count.runXdpInPlace(frame)).isEqualTo(41 + i);
        }
    }

    @Test
    void programsWithOtherMapsTakingTurnsEachSeeTheirOwn() {
        // A map list replaced between runs (a program reloaded with other maps): the new list's
        // maps, in their own regions, never the old list's.
        Executable first = xdp(lookup(0) + "r0 = *(u64 *)(r0 + 0)\nexit", List.of(counts));
        Executable second = xdp(lookup(0) + "r0 = *(u64 *)(r0 + 0)\nexit", List.of(other));
        Executable both = xdp(lookup(1) + "r0 = *(u64 *)(r0 + 0)\nexit", List.of(other, counts));
        for (int i = 0; i < 3; i++) {
            assertThat(first.runXdpInPlace(frame)).isEqualTo(41);
            assertThat(second.runXdpInPlace(frame)).isEqualTo(7);
            assertThat(both.runXdpInPlace(frame)).isEqualTo(41);
            assertThat(second.runXdpInPlace(frame)).isEqualTo(7);
        }
    }
    @Test
    void theThreadsStateDoesNotKeepADroppedProgramsLargeMaps() throws InterruptedException {
        BpfRuntime runtime = BpfRuntime.builder().maxMapMemory(20_000_000).build();
        for (int i = 0; i < 3; i++) {
            runOnceAndDrop(runtime);
        }
        // Their storage is more than a run state keeps mapped: nothing holds them now.
        for (int attempt = 0; attempt < 200 && runtime.maps().memoryBudget().used() > 0; attempt++) {
            System.gc();
            Thread.sleep(10);
        }
        assertThat(runtime.maps().memoryBudget().used()).isZero();
    }

    private void runOnceAndDrop(BpfRuntime runtime) {
        int entries = (int) (Execution.KEPT_STORAGE_LIMIT / 8) + 1;
        BpfMap map = runtime.maps().create(MapDefinition.of(MapType.HASH, 4, 8, entries).withName("dropped"));
        map.updateLong(0, 41);
        assertThat(xdp(runtime, COUNT, List.of(map)).runXdpInPlace(frame)).isEqualTo(42);
    }
    @Test
    void aProgramWithLargeMapsHasThemMappedAfreshEachRun() {
        // Not kept: the regions are mapped in the order the run needs them, after the XDP regions.
        BpfMap large = Maps.create(MapDefinition.of(MapType.HASH, 4, 8, (int) (Execution.KEPT_STORAGE_LIMIT / 8) + 1)
                .withName("large"));
        large.updateLong(0, 5);
        List<BpfMap> maps = List.of(counts, large);
        Executable both = xdp(lookup(1) + "r6 = *(u64 *)(r0 + 0)\n" + lookup(0) + "r0 = *(u64 *)(r0 + 0)\nr0 += r6\nexit", maps);
        Executable onlyForges = xdp(forgedLoad(FIRST_MAP_REGION), maps);
        for (int i = 0; i < 2; i++) {
            assertThat(both.runXdpInPlace(frame)).isEqualTo(46);
            assertThatThrownBy(() -> onlyForges.runXdpInPlace(frame)).isInstanceOf(MemoryAccessFault.class)
                    .hasMessageContaining(OUTSIDE);
        }
    }
}
