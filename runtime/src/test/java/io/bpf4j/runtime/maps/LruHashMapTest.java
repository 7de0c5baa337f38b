package io.bpf4j.runtime.maps;

import static io.bpf4j.runtime.maps.Bytes.*;
import static io.bpf4j.runtime.maps.MapFlags.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LruHashMapTest {
    private static final int A = 1, B = 2, C = 3, D = 4, E = 5;

    private static BpfMap lru(int max) {
        return Maps.create(MapDefinition.of(MapType.LRU_HASH, 4, 8, max));
    }

    private static void insert(BpfMap m, int key) {
        m.update(u32(key), u64(key * 100L), BPF_ANY);
    }

    private static void programLookup(BpfMap m, int key) {
        assertThat(m.lookupOffset(seg(u32(key)), 0, 0)).isNotNegative();
    }

    private static int[] keys(BpfMap m) {
        return m.keys().stream().mapToInt(Bytes::asInt).sorted().toArray();
    }

    @Test
    void evictsTheLeastRecentlyUsed() {
        BpfMap m = lru(3);
        insert(m, A);
        insert(m, B);
        insert(m, C);
        programLookup(m, A);
        insert(m, D); // B is least recently used: A was looked up, C is newer
        assertThat(keys(m)).containsExactly(A, C, D);
        programLookup(m, C);
        insert(m, E); // A (used before D was inserted) is now the oldest; C was used
        assertThat(keys(m)).containsExactly(C, D, E);
        assertThat(m.size()).isEqualTo(3);
        assertThat(m.lookupLong(D)).isEqualTo(400);
    }

    @Test
    void withoutUseItIsFirstInFirstOut() {
        BpfMap m = lru(3);
        IntStream.rangeClosed(1, 3).forEach(k -> insert(m, k));
        for (int k = 4; k <= 10; k++) {
            insert(m, k);
            assertThat(keys(m)).containsExactly(k - 2, k - 1, k);
        }
    }

    @Test
    void whenEverythingWasUsedTheOldestGoes() {
        BpfMap m = lru(3);
        insert(m, A);
        insert(m, B);
        insert(m, C);
        programLookup(m, A);
        programLookup(m, B);
        programLookup(m, C);
        insert(m, D);
        assertThat(keys(m)).containsExactly(B, C, D);
    }

    @Test
    void hostLookupsDoNotCountAsUseButUpdatesDo() {
        BpfMap m = lru(3);
        insert(m, A);
        insert(m, B);
        insert(m, C);
        assertThat(m.lookup(u32(A))).isPresent(); // like Linux's syscall lookup: no mark
        insert(m, D);
        assertThat(keys(m)).containsExactly(B, C, D);

        BpfMap n = lru(3);
        insert(n, A);
        insert(n, B);
        insert(n, C);
        n.update(u32(A), u64(1), BPF_EXIST);
        insert(n, D);
        assertThat(keys(n)).containsExactly(A, C, D);
    }

    @Test
    void updatingAnExistingKeyOfAFullMapEvictsNothing() {
        BpfMap m = lru(3);
        insert(m, A);
        insert(m, B);
        insert(m, C);
        for (int i = 0; i < 10; i++) {
            m.update(u32(B), u64(i), BPF_ANY);
            assertThat(m.update(seg(u32(C)), 0, seg(u64(i)), 0, BPF_EXIST, 0)).isZero();
        }
        assertThat(keys(m)).containsExactly(A, B, C);
    }

    @Test
    void flagsStillApplyAndDeletesFreeSlots() {
        BpfMap m = lru(2);
        insert(m, A);
        insert(m, B);
        assertThatThrownBy(() -> m.update(u32(A), u64(0), BPF_NOEXIST)).isInstanceOf(MapException.class)
                .satisfies(e -> assertThat(((MapException) e).errno()).isEqualTo(Errno.EEXIST));
        assertThatThrownBy(() -> m.update(u32(C), u64(0), BPF_EXIST)).isInstanceOf(MapException.class)
                .satisfies(e -> assertThat(((MapException) e).errno()).isEqualTo(Errno.ENOENT));
        assertThat(keys(m)).containsExactly(A, B); // a failed update evicts nothing
        assertThat(m.delete(u32(A))).isTrue();
        insert(m, C); // takes the free slot, no eviction
        assertThat(keys(m)).containsExactly(B, C);
        insert(m, D); // full again: B goes
        assertThat(keys(m)).containsExactly(C, D);
    }

    @Test
    void lruPerCpu() {
        BpfMap m = MapFactory.defaults().withCpuSlots(CpuSlots.of(2))
                .create(MapDefinition.of(MapType.LRU_PERCPU_HASH, 4, 8, 2).withFlags(BPF_F_NO_COMMON_LRU));
        assertThat(m.update(seg(u32(A)), 0, seg(u64(1)), 0, BPF_ANY, 1)).isZero();
        assertThat(m.update(seg(u32(B)), 0, seg(u64(2)), 0, BPF_ANY, 0)).isZero();
        assertThat(m.lookupOffset(seg(u32(A)), 0, 1)).isNotNegative();
        assertThat(m.update(seg(u32(C)), 0, seg(u64(3)), 0, BPF_ANY, 0)).isZero();
        assertThat(keys(m)).containsExactly(A, C);
        assertThat(m.lookupPerCpu(u32(A))).extracting(Bytes::asLong).containsExactly(0L, 1L);
        assertThat(m.lookupPerCpu(u32(C))).extracting(Bytes::asLong).containsExactly(3L, 0L); // the evicted B's 2 is gone
    }
}
