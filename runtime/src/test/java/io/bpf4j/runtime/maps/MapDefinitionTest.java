package io.bpf4j.runtime.maps;

import static io.bpf4j.runtime.maps.MapFlags.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MapDefinitionTest {
    private static void rejected(MapDefinition d, int errno, String messagePart) {
        assertThatThrownBy(() -> Maps.create(d))
                .isInstanceOf(MapDefinitionException.class)
                .hasMessageContaining(messagePart)
                .satisfies(e -> assertThat(((MapException) e).errno()).as(e.getMessage()).isEqualTo(errno));
    }

    private static MapDefinition def(MapType t, int k, int v, int max) {
        return MapDefinition.of(t, k, v, max);
    }

    @Test
    void everyImplementedTypeCanBeCreated() {
        MapDefinition inner = def(MapType.ARRAY, 4, 8, 4);
        MapDefinition[] defs = {
            def(MapType.ARRAY, 4, 8, 4), def(MapType.PERCPU_ARRAY, 4, 8, 4), def(MapType.PROG_ARRAY, 4, 4, 4),
            def(MapType.HASH, 8, 8, 4), def(MapType.PERCPU_HASH, 8, 8, 4), def(MapType.LRU_HASH, 8, 8, 4),
            def(MapType.LRU_PERCPU_HASH, 8, 8, 4), def(MapType.LPM_TRIE, 8, 8, 4).withFlags(BPF_F_NO_PREALLOC),
            def(MapType.QUEUE, 0, 8, 4), def(MapType.STACK, 0, 8, 4), def(MapType.RINGBUF, 0, 0, 4096),
            def(MapType.ARRAY_OF_MAPS, 4, 4, 4).withInnerMap(inner), def(MapType.HASH_OF_MAPS, 8, 4, 4).withInnerMap(inner),
        };
        for (MapDefinition d : defs) {
            BpfMap m = Maps.create(d.withName("m"));
            assertThat(m.type()).isEqualTo(d.type());
            assertThat(m.name()).isEqualTo("m");
            assertThat(m.storage().maxByteAlignment()).isGreaterThanOrEqualTo(8);
        }
    }

    @Test
    void typeIdsAreLinuxs() {
        assertThat(MapType.fromId(1)).isEqualTo(MapType.HASH);
        assertThat(MapType.fromId(11)).isEqualTo(MapType.LPM_TRIE);
        assertThat(MapType.fromId(27)).isEqualTo(MapType.RINGBUF);
        assertThat(MapType.RINGBUF.id()).isEqualTo(27);
        assertThat(MapType.QUEUE.id()).isEqualTo(22);
        assertThatThrownBy(() -> MapType.fromId(99)).isInstanceOf(MapDefinitionException.class)
                .hasMessageContaining("unknown map type id 99");
        assertThatThrownBy(() -> MapType.fromId(0)).hasMessageContaining("UNSPEC");
        rejected(def(MapType.PERF_EVENT_ARRAY, 4, 4, 4), Errno.ENOTSUPP, "PERF_EVENT_ARRAY (4) is not supported");
    }

    @Test
    void arrayRules() {
        rejected(def(MapType.ARRAY, 8, 8, 4), Errno.EINVAL, "key_size is 8, a ARRAY map's must be 4");
        rejected(def(MapType.ARRAY, 4, 0, 4), Errno.EINVAL, "value_size is 0");
        rejected(def(MapType.ARRAY, 4, 8, 0), Errno.EINVAL, "max_entries is 0");
        rejected(def(MapType.ARRAY, 4, MapDefinition.MAX_VALUE_SIZE + 1, 1), Errno.E2BIG, "value_size 4194305 is over the limit");
        rejected(def(MapType.PERCPU_ARRAY, 4, 32 * 1024 + 1, 1), Errno.E2BIG, "per-CPU");
        rejected(def(MapType.PERCPU_ARRAY, 4, 8, 1).withFlags(BPF_F_MMAPABLE), Errno.EINVAL, "MMAPABLE");
        rejected(def(MapType.ARRAY, 4, 8, 1).withFlags(BPF_F_ZERO_SEED), Errno.EINVAL, "map_flags 0x40");
        rejected(def(MapType.ARRAY, 4, 8, 1).withFlags(BPF_F_RDONLY | BPF_F_WRONLY), Errno.EINVAL, "exclude");
        rejected(def(MapType.ARRAY, 4, 8, 1).withInnerMap(def(MapType.ARRAY, 4, 8, 1)), Errno.EINVAL, "inner map");
        Maps.create(def(MapType.ARRAY, 4, 8, 1).withFlags(BPF_F_MMAPABLE | BPF_F_RDONLY_PROG | BPF_F_NUMA_NODE));
    }

    @Test
    void hashRules() {
        rejected(def(MapType.HASH, 0, 8, 4), Errno.EINVAL, "key_size is 0");
        rejected(def(MapType.HASH, 513, 8, 4), Errno.E2BIG, "key_size 513 is over the limit of 512");
        rejected(def(MapType.HASH, 8, 0, 4), Errno.EINVAL, "value_size is 0");
        rejected(def(MapType.HASH, 8, 8, 0), Errno.EINVAL, "max_entries is 0");
        rejected(def(MapType.HASH, 8, 8, 4).withFlags(BPF_F_NO_COMMON_LRU), Errno.EINVAL, "only for LRU");
        rejected(def(MapType.LRU_HASH, 8, 8, 4).withFlags(BPF_F_NO_PREALLOC), Errno.ENOTSUPP, "preallocated");
        rejected(def(MapType.PERCPU_HASH, 8, 40000, 4), Errno.E2BIG, "per-CPU");
        Maps.create(def(MapType.HASH, 512, 8, 4).withFlags(BPF_F_NO_PREALLOC | BPF_F_ZERO_SEED));
        Maps.create(def(MapType.LRU_HASH, 8, 8, 4).withFlags(BPF_F_NO_COMMON_LRU));
    }

    @Test
    void lpmRules() {
        rejected(def(MapType.LPM_TRIE, 8, 8, 4), Errno.EINVAL, "needs BPF_F_NO_PREALLOC");
        rejected(def(MapType.LPM_TRIE, 4, 8, 4).withFlags(BPF_F_NO_PREALLOC), Errno.EINVAL, "4 (prefixlen) plus 1 to 256");
        rejected(def(MapType.LPM_TRIE, 261, 8, 4).withFlags(BPF_F_NO_PREALLOC), Errno.EINVAL, "key_size 261");
        rejected(def(MapType.LPM_TRIE, 8, 0, 4).withFlags(BPF_F_NO_PREALLOC), Errno.EINVAL, "value_size 0");
        Maps.create(def(MapType.LPM_TRIE, 260, 1, 4).withFlags(BPF_F_NO_PREALLOC));
    }

    @Test
    void queueStackRingbufProgArrayRules() {
        rejected(def(MapType.QUEUE, 4, 8, 4), Errno.EINVAL, "key_size is 4, a QUEUE map's must be 0");
        rejected(def(MapType.STACK, 0, 0, 4), Errno.EINVAL, "value_size is 0");
        rejected(def(MapType.STACK, 0, 8, 4).withFlags(BPF_F_NO_PREALLOC), Errno.EINVAL, "map_flags 0x1");
        rejected(def(MapType.RINGBUF, 0, 0, 4096 * 3), Errno.EINVAL, "power of 2");
        rejected(def(MapType.RINGBUF, 0, 0, 2048), Errno.EINVAL, "multiple of 4096");
        rejected(def(MapType.RINGBUF, 4, 0, 4096), Errno.EINVAL, "must be 0");
        rejected(def(MapType.PROG_ARRAY, 4, 8, 4), Errno.EINVAL, "value_size is 8");
        rejected(def(MapType.PROG_ARRAY, 4, 4, 4).withFlags(BPF_F_RDONLY_PROG), Errno.EINVAL, "map_flags 0x80");
    }

    @Test
    void mapInMapRules() {
        MapDefinition inner = def(MapType.HASH, 8, 8, 4);
        rejected(def(MapType.ARRAY_OF_MAPS, 4, 4, 4), Errno.EINVAL, "needs an inner map definition");
        rejected(def(MapType.HASH_OF_MAPS, 4, 8, 4).withInnerMap(inner), Errno.EINVAL, "must be 4 (a map reference)");
        rejected(def(MapType.ARRAY_OF_MAPS, 4, 4, 4).withInnerMap(def(MapType.ARRAY_OF_MAPS, 4, 4, 4).withInnerMap(inner)),
                Errno.EINVAL, "do not nest");
        rejected(def(MapType.ARRAY_OF_MAPS, 4, 4, 4).withInnerMap(def(MapType.PROG_ARRAY, 4, 4, 4)), Errno.ENOTSUPP, "program array");
        rejected(def(MapType.ARRAY_OF_MAPS, 4, 4, 4).withInnerMap(def(MapType.HASH, 0, 4, 4)), Errno.EINVAL,
                "inner map definition: map (HASH): key_size is 0");
    }

    @Test
    void absurdDefinitionsAreRejectedWithoutAllocating() {
        // max_entries 2^31 (an unsigned u32) with 1 MiB values: 2^51 bytes.
        rejected(def(MapType.ARRAY, 4, 1 << 20, (int) (1L << 31)), Errno.E2BIG, "max_entries 2147483648 is 2^31 or more");
        rejected(def(MapType.HASH, 8, 1 << 20, 1 << 30), Errno.E2BIG, "over the limit of 1073741824 bytes per map");
        rejected(def(MapType.ARRAY, 4, 8, Integer.MAX_VALUE), Errno.E2BIG, "over the limit");
        rejected(def(MapType.LPM_TRIE, 20, 1 << 20, Integer.MAX_VALUE).withFlags(BPF_F_NO_PREALLOC), Errno.E2BIG, "over the limit");
        rejected(def(MapType.QUEUE, 0, 1 << 22, 1 << 20), Errno.E2BIG, "over the limit");
        rejected(def(MapType.RINGBUF, 0, 0, 1 << 30), Errno.E2BIG, "over the limit");
        rejected(def(MapType.PROG_ARRAY, 4, 4, Integer.MAX_VALUE), Errno.E2BIG, "over the limit");

        MapFactory unlimited = MapFactory.defaults().withMaxMapBytes(Long.MAX_VALUE);
        assertThatThrownBy(() -> unlimited.create(def(MapType.ARRAY, 4, 16, 1 << 28)))
                .isInstanceOf(MapDefinitionException.class).hasMessageContaining("2 GiB")
                .satisfies(e -> assertThat(((MapException) e).errno()).isEqualTo(Errno.E2BIG));
        MapFactory huge = MapFactory.defaults().withCpuSlots(CpuSlots.of(4096));
        assertThatThrownBy(() -> huge.create(def(MapType.PERCPU_ARRAY, 4, 8, 1 << 16)))
                .hasMessageContaining("on 4096 CPU slots");
    }

    @Test
    void theCapIsConfigurableAndCountsEverything() {
        MapFactory small = MapFactory.defaults().withMaxMapBytes(1 << 20);
        assertThat(small.requiredBytes(def(MapType.ARRAY, 4, 8, 1000))).isEqualTo(8000);
        small.create(def(MapType.ARRAY, 4, 8, 1 << 17)); // exactly 1 MiB
        assertThatThrownBy(() -> small.create(def(MapType.ARRAY, 4, 8, (1 << 17) + 1))).isInstanceOf(MapDefinitionException.class);
        // A hash map's keys and index count too.
        assertThat(small.requiredBytes(def(MapType.HASH, 64, 8, 1000))).isGreaterThan(64 * 1000 + 8 * 1000);
        assertThat(MapFactory.defaults().withCpuSlots(CpuSlots.of(4)).requiredBytes(def(MapType.PERCPU_ARRAY, 4, 8, 16)))
                .isEqualTo(4 * 128);
    }
}
