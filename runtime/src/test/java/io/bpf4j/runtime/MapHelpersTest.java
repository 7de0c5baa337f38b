package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Instruction;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.Errno;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapFlags;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.runtime.maps.Maps;
import io.bpf4j.runtime.maps.RingBufMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Programs that use maps through lddw map references and the map helpers. */
class MapHelpersTest {

    private static Instruction[] mapRef(int dst, int mapIndex) {
        return Instruction.lddw(dst, PSEUDO_MAP_FD, mapIndex);
    }

    private static Instruction[] mapValue(int dst, int mapIndex, int offset) {
        return new Instruction[] {
            new Instruction(LDDW, dst, PSEUDO_MAP_VALUE, 0, mapIndex), new Instruction(0, 0, 0, 0, offset)
        };
    }

    /** key = u32 at r10-4 (set to {@code key}); look it up, add 1 atomically, or insert 1. Returns 1 when found. */
    private static Program counter(BpfMap map, int key) {
        return Program.of("counter", code(
                st(W, R10, -4, key),
                mov64X(R2, R10), add64(R2, -4),
                mapRef(R1, 0),
                call(MapHelpers.MAP_LOOKUP_ELEM),
                jmp(JEQ, R0, 0, 4),
                mov64(R1, 1),
                atomic(DW, R0, R1, 0, ADD),
                mov64(R0, 1),
                exit(),
                st(DW, R10, -16, 1),
                mapRef(R1, 0),
                mov64X(R2, R10), add64(R2, -4),
                mov64X(R3, R10), add64(R3, -16),
                mov64(R4, 0),
                call(MapHelpers.MAP_UPDATE_ELEM),
                exit()), List.of(map));
    }

    @Test
    void hashCounterInsertsThenIncrementsInPlace() {
        BpfMap map = Maps.create(MapDefinition.of(MapType.HASH, 4, 8, 16).withName("counts"));
        Executable exe = RUNTIME.load(counter(map, 7));
        assertThat(exe.run(new byte[0])).isEqualTo(0); // update returned 0
        for (int i = 0; i < 9; i++) {
            assertThat(exe.run(new byte[0])).isEqualTo(1);
        }
        assertThat(map.lookupLong(7)).isEqualTo(10);
        assertThat(map.size()).isEqualTo(1);
    }

    @Test
    void updateErrorsReachTheProgramAsNegativeErrno() {
        BpfMap map = Maps.create(MapDefinition.of(MapType.HASH, 4, 8, 1).withName("full"));
        map.updateLong(1, 5);
        // key 2 does not fit: E2BIG
        assertThat(RUNTIME.load(counter(map, 2)).run(new byte[0])).isEqualTo(-Errno.E2BIG);
        // NOEXIST on an existing key: EEXIST
        Program noexist = Program.of("noexist", code(
                st(W, R10, -4, 1), st(DW, R10, -16, 9),
                mapRef(R1, 0), mov64X(R2, R10), add64(R2, -4), mov64X(R3, R10), add64(R3, -16),
                mov64(R4, (int) MapFlags.BPF_NOEXIST), call(MapHelpers.MAP_UPDATE_ELEM), exit()), List.of(map));
        assertThat(RUNTIME.load(noexist).run(new byte[0])).isEqualTo(-Errno.EEXIST);
        assertThat(map.lookupLong(1)).isEqualTo(5);
    }

    @Test
    void deleteRemovesAndReportsMissingKeys() {
        BpfMap map = Maps.create(MapDefinition.of(MapType.HASH, 4, 8, 4).withName("h"));
        map.updateLong(3, 1);
        Program del = Program.of("del", code(
                st(W, R10, -4, 3), mapRef(R1, 0), mov64X(R2, R10), add64(R2, -4),
                call(MapHelpers.MAP_DELETE_ELEM), exit()), List.of(map));
        Executable exe = RUNTIME.load(del);
        assertThat(exe.run(new byte[0])).isEqualTo(0);
        assertThat(exe.run(new byte[0])).isEqualTo(-Errno.ENOENT);
        assertThat(map.lookup(new byte[] {3, 0, 0, 0})).isEmpty();
    }

    @Test
    void mapValueReferenceAddressesArrayStorageDirectly() {
        BpfMap data = Maps.create(MapDefinition.of(MapType.ARRAY, 4, 16, 1).withName(".data"));
        data.update(new byte[4], ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 40).putLong(8, 2).array(), 0);
        // r0 = *(u64 *)(&data + 8) + *(u64 *)(&data + 0); then store r0 at &data + 0
        Program p = Program.of("globals", code(
                mapValue(R1, 0, 8), ldx(DW, R0, R1, 0),
                mapValue(R2, 0, 0), ldx(DW, R3, R2, 0),
                alu64X(ADD, R0, R3), stx(DW, R2, R0, 0), exit()), List.of(data));
        assertThat(RUNTIME.load(p).run(new byte[0])).isEqualTo(42);
        byte[] value = data.lookup(new byte[4]).orElseThrow();
        assertThat(ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong(0)).isEqualTo(42);
    }

    @Test
    void readOnlyMapsCannotBeWrittenByPrograms() {
        BpfMap rodata = Maps.create(MapDefinition.of(MapType.ARRAY, 4, 8, 1).withName(".rodata")
                .withFlags(MapFlags.BPF_F_RDONLY_PROG));
        Program p = Program.of("write", code(mapValue(R1, 0, 0), st(DW, R1, 0, 1), mov64(R0, 0), exit()), List.of(rodata));
        assertThatThrownBy(() -> RUNTIME.load(p).run(new byte[0]))
                .isInstanceOf(MemoryAccessFault.class).hasMessageContaining("read-only");
    }

    @Test
    void badMapReferencesAreLoadErrors() {
        BpfMap hash = Maps.create(MapDefinition.of(MapType.HASH, 4, 8, 4).withName("h"));
        assertThatThrownBy(() -> RUNTIME.load(Program.of("p", code(mapRef(R1, 1), exit()), List.of(hash))))
                .isInstanceOf(ProgramLoadException.class).hasMessageContaining("map 1");
        assertThatThrownBy(() -> RUNTIME.load(Program.of("p", code(mapValue(R1, 0, 0), exit()), List.of(hash))))
                .isInstanceOf(ProgramLoadException.class).hasMessageContaining("not an array map");
    }

    @Test
    void aNonMapArgumentFaults() {
        Program p = Program.of("p", code(mov64(R1, 5), mov64X(R2, R10), call(MapHelpers.MAP_LOOKUP_ELEM), exit()));
        assertThatThrownBy(() -> RUNTIME.load(p).run(new byte[0]))
                .isInstanceOf(ProgramFault.class).hasMessageContaining("not a map reference");
    }

    @Test
    void queuePushAndPop() {
        BpfMap queue = Maps.create(MapDefinition.of(MapType.QUEUE, 0, 8, 4).withName("q"));
        Program push = Program.of("push", code(st(DW, R10, -8, 11), mapRef(R1, 0), mov64X(R2, R10), add64(R2, -8),
                mov64(R3, 0), call(MapHelpers.MAP_PUSH_ELEM), exit()), List.of(queue));
        Program pop = Program.of("pop", code(mapRef(R1, 0), mov64X(R2, R10), add64(R2, -8),
                call(MapHelpers.MAP_POP_ELEM), jmp(JNE, R0, 0, 1), ldx(DW, R0, R10, -8), exit()), List.of(queue));
        assertThat(RUNTIME.load(push).run(new byte[0])).isZero();
        assertThat(RUNTIME.load(pop).run(new byte[0])).isEqualTo(11);
        assertThat(RUNTIME.load(pop).run(new byte[0])).isEqualTo(-Errno.ENOENT);
    }

    @Test
    void ringBufferReserveWriteSubmitReachesTheHost() {
        RingBufMap ring = (RingBufMap) Maps.create(MapDefinition.of(MapType.RINGBUF, 0, 0, 4096).withName("events"));
        Program p = Program.of("event", code(
                mapRef(R1, 0), mov64(R2, 8), mov64(R3, 0), call(MapHelpers.RINGBUF_RESERVE),
                jmp(JEQ, R0, 0, 5),
                lddw(R1, 0x1122334455667788L), stx(DW, R0, R1, 0),
                mov64X(R1, R0), mov64(R2, 0), call(MapHelpers.RINGBUF_SUBMIT),
                mov64(R0, 0), exit()), List.of(ring));
        RUNTIME.load(p).run(new byte[0]);
        byte[] record = ring.poll().orElseThrow();
        assertThat(ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(0x1122334455667788L);
    }

    @Test
    void perCpuLookupHitsTheCallingThreadsSlot() {
        BpfMap map = Maps.create(MapDefinition.of(MapType.PERCPU_ARRAY, 4, 8, 1).withName("pc"));
        Executable exe = RUNTIME.load(counter(map, 0));
        for (int i = 0; i < 5; i++) {
            exe.run(new byte[0]);
        }
        List<byte[]> values = map.lookupPerCpu(new byte[4]);
        long total = 0;
        int nonZero = 0;
        for (byte[] v : values) {
            long x = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong();
            total += x;
            nonZero += x != 0 ? 1 : 0;
        }
        assertThat(total).isEqualTo(5);
        assertThat(nonZero).isEqualTo(1);
    }

    @Test
    void concurrentProgramsCountExactlyInASharedHashMap() throws Exception {
        BpfMap map = Maps.create(MapDefinition.of(MapType.HASH, 4, 8, 16).withName("counts"));
        map.updateLong(1, 0);
        Executable exe = RUNTIME.load(counter(map, 1));
        int threads = 4;
        int runs = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < runs; i++) {
                        exe.run(new byte[0]);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(map.lookupLong(1)).isEqualTo((long) threads * runs);
    }
}
