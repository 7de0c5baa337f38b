package io.bpf4j.runtime.maps;

import static io.bpf4j.runtime.maps.Bytes.*;
import static io.bpf4j.runtime.maps.MapFlags.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HashTableMapTest {
    private static void fails(Runnable r, int errno, String messagePart) {
        assertThatThrownBy(r::run).isInstanceOf(MapException.class).hasMessageContaining(messagePart)
                .satisfies(e -> assertThat(((MapException) e).errno()).as(e.getMessage()).isEqualTo(errno));
    }

    private static BpfMap hash(int keySize, int valueSize, int max) {
        return Maps.create(MapDefinition.of(MapType.HASH, keySize, valueSize, max).withName("h"));
    }

    @Test
    void insertLookupUpdateDelete() {
        BpfMap m = hash(8, 8, 16);
        assertThat(m).isInstanceOf(HashTableMap.class);
        assertThat(m.lookup(u64(1))).isEmpty();
        m.updateLong(1L, 100);
        m.updateLong(2L, 200);
        assertThat(m.lookupLong(1L)).isEqualTo(100);
        assertThat(m.size()).isEqualTo(2);
        m.update(u64(1), u64(101), BPF_EXIST);
        assertThat(m.lookupLong(1L)).isEqualTo(101);
        assertThat(m.delete(u64(1))).isTrue();
        assertThat(m.delete(u64(1))).isFalse();
        assertThat(m.lookup(u64(1))).isEmpty();
        fails(() -> m.lookupLong(1L), Errno.ENOENT, "no element with key 0100000000000000");
        assertThat(m.size()).isEqualTo(1);
    }

    @Test
    void flagsAndErrnos() {
        BpfMap m = hash(4, 4, 2);
        m.update(u32(1), u32(1), BPF_NOEXIST);
        fails(() -> m.update(u32(1), u32(2), BPF_NOEXIST), Errno.EEXIST, "BPF_NOEXIST");
        fails(() -> m.update(u32(2), u32(2), BPF_EXIST), Errno.ENOENT, "BPF_EXIST");
        fails(() -> m.update(u32(2), u32(2), 3), Errno.EINVAL, "invalid flags");
        fails(() -> m.update(u32(2), u32(2), -1), Errno.EINVAL, "invalid flags");
        fails(() -> m.update(u32(2), u32(2), BPF_ANY | BPF_F_LOCK), Errno.EINVAL, "invalid flags"); // no spin lock
        m.update(u32(2), u32(2), BPF_ANY);
        fails(() -> m.update(u32(3), u32(3), BPF_ANY), Errno.E2BIG, "the map is full (max_entries 2)");
        fails(() -> m.update(u32(3), u32(3), BPF_EXIST), Errno.ENOENT, "no such element"); // ENOENT before E2BIG
        m.update(u32(2), u32(22), BPF_ANY); // updating an existing key of a full map works
        assertThat(asInt(m.lookup(u32(2)).orElseThrow())).isEqualTo(22);
        assertThat(m.delete(u32(1))).isTrue();
        m.update(u32(3), u32(3), BPF_NOEXIST);
        assertThat(m.keys()).extracting(Bytes::asInt).containsExactlyInAnyOrder(2, 3);

        MemorySegment v = seg(u32(9));
        assertThat(m.update(seg(u32(4)), 0, v, 0, BPF_ANY, 0)).isEqualTo(-Errno.E2BIG);
        assertThat(m.update(seg(u32(3)), 0, v, 0, BPF_NOEXIST, 0)).isEqualTo(-Errno.EEXIST);
        assertThat(m.update(seg(u32(4)), 0, v, 0, BPF_EXIST, 0)).isEqualTo(-Errno.ENOENT);
        assertThat(m.update(seg(u32(3)), 0, v, 0, 7, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(m.delete(seg(u32(4)), 0)).isEqualTo(-Errno.ENOENT);
        assertThat(m.delete(seg(u32(3)), 0)).isZero();
        assertThat(m.lookupOffset(seg(u32(3)), 0, 0)).isEqualTo(-1);
    }

    @Test
    void valuesLiveInStorageAtTheirSlot() {
        BpfMap m = hash(6, 12, 8); // stride 16
        byte[] key = {1, 2, 3, 4, 5, 6};
        m.update(key, new byte[12], BPF_ANY);
        long offset = m.lookupOffset(seg(key), 0, 0);
        assertThat(offset).isNotNegative();
        assertThat(offset % 16).isZero();
        assertThat(offset).isLessThan(m.storage().byteSize());
        m.storage().set(U64, offset + 4, 0x1122334455667788L);
        assertThat(m.lookup(key).orElseThrow()).containsExactly(0, 0, 0, 0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11);
        // Stable while the element exists: an update writes in place.
        m.update(key, new byte[12], BPF_EXIST);
        assertThat(m.lookupOffset(seg(key), 0, 0)).isEqualTo(offset);
    }

    @Test
    void keysOfOddSizesAndAtOffsets() {
        for (int keySize : new int[] {1, 3, 8, 13, 64, 512}) {
            BpfMap m = hash(keySize, 4, 300);
            for (int i = 0; i < 300; i++) {
                byte[] k = new byte[keySize];
                for (int j = 0; j < keySize; j++) {
                    k[j] = (byte) (i * 31 + j * (i % 7));
                }
                k[0] = (byte) i;
                if (keySize > 1) {
                    k[keySize - 1] = (byte) (i >> 8);
                }
                Optional<byte[]> before = m.lookup(k);
                if (keySize == 1 && i >= 256) {
                    continue;
                }
                assertThat(before).as("size %d key %d", keySize, i).isEmpty();
                m.update(k, u32(i), BPF_NOEXIST);
                byte[] program = new byte[keySize + 5];
                System.arraycopy(k, 0, program, 5, keySize);
                long off = m.lookupOffset(seg(program), 5, 0);
                assertThat(m.storage().get(U32, off)).isEqualTo(i);
            }
        }
    }

    @Test
    void iterationVisitsEveryKeyOnce() {
        BpfMap m = Maps.create(MapDefinition.of(MapType.HASH, 4, 4, 100).withFlags(BPF_F_ZERO_SEED));
        for (int i = 0; i < 100; i++) {
            m.update(u32(i * 7), u32(i), BPF_ANY);
        }
        List<Integer> walked = new ArrayList<>();
        Optional<byte[]> k = m.nextKey(null);
        while (k.isPresent()) {
            walked.add(asInt(k.get()));
            k = m.nextKey(k.get());
        }
        assertThat(walked).hasSize(100).doesNotHaveDuplicates();
        assertThat(m.keys()).extracting(Bytes::asInt).containsExactlyElementsOf(walked);
        assertThat(m.nextKey(u32(-5)).map(Bytes::asInt)).hasValue(walked.getFirst()); // absent key: first
        assertThat(m.nextKey(u32(walked.getLast()))).isEmpty();
        Set<Integer> values = new HashSet<>();
        m.forEach((key, value) -> {
            assertThat(asInt(value) * 7).isEqualTo(asInt(key));
            values.add(asInt(value));
        });
        assertThat(values).hasSize(100);
        // With BPF_F_ZERO_SEED the order is reproducible.
        BpfMap again = Maps.create(MapDefinition.of(MapType.HASH, 4, 4, 100).withFlags(BPF_F_ZERO_SEED));
        for (int i = 0; i < 100; i++) {
            again.update(u32(i * 7), u32(i), BPF_ANY);
        }
        assertThat(again.keys()).extracting(Bytes::asInt).containsExactlyElementsOf(walked);
        BpfMap empty = hash(4, 4, 4);
        assertThat(empty.nextKey(null)).isEmpty();
        assertThat(empty.keys()).isEmpty();
    }

    @Test
    void deletedSlotsAreReusedNeverShared() {
        BpfMap m = hash(4, 8, 4);
        Set<Long> offsets = new HashSet<>();
        for (int round = 0; round < 50; round++) {
            offsets.clear();
            for (int i = 0; i < 4; i++) {
                m.update(u32(round * 10 + i), u64(round * 10 + i), BPF_NOEXIST);
            }
            for (int i = 0; i < 4; i++) {
                long off = m.lookupOffset(seg(u32(round * 10 + i)), 0, 0);
                assertThat(offsets.add(off)).isTrue();
                assertThat(m.storage().get(U64, off)).isEqualTo(round * 10 + i);
            }
            assertThat(offsets).allMatch(o -> o >= 0 && o < 32);
            for (int i = 0; i < 4; i++) {
                assertThat(m.delete(u32(round * 10 + i))).isTrue();
            }
        }
        assertThat(m.size()).isZero();
    }

    @Test
    void perCpuHash() {
        BpfMap m = MapFactory.defaults().withCpuSlots(CpuSlots.of(3)).create(MapDefinition.of(MapType.PERCPU_HASH, 4, 8, 4));
        assertThat(m.cpuCount()).isEqualTo(3);
        // Stale data in a reused slot: fill, delete, then insert from a program on CPU 1.
        m.update(u32(1), u64(77), BPF_ANY);
        m.delete(u32(1));
        assertThat(m.update(seg(u32(2)), 0, seg(u64(5)), 0, BPF_NOEXIST, 1)).isZero();
        assertThat(m.lookupPerCpu(u32(2))).extracting(Bytes::asLong).containsExactly(0L, 5L, 0L);
        // An existing element: only the program's CPU changes.
        assertThat(m.update(seg(u32(2)), 0, seg(u64(6)), 0, BPF_EXIST, 2)).isZero();
        assertThat(m.lookupPerCpu(u32(2))).extracting(Bytes::asLong).containsExactly(0L, 5L, 6L);
        assertThat(m.lookupLong(2)).isEqualTo(11);
        m.updateLong(2, 1);
        assertThat(m.lookupLong(2)).isEqualTo(3);
        m.updatePerCpu(u32(3), List.of(u64(1), u64(2), u64(3)), BPF_NOEXIST);
        assertThat(m.lookupPerCpu(u32(3))).extracting(Bytes::asLong).containsExactly(1L, 2L, 3L);
        long o0 = m.lookupOffset(seg(u32(3)), 0, 0);
        long o2 = m.lookupOffset(seg(u32(3)), 0, 2);
        assertThat(m.storage().get(U64, o0)).isEqualTo(1);
        assertThat(m.storage().get(U64, o2)).isEqualTo(3);
        assertThat(Math.abs(o2 - o0)).isGreaterThanOrEqualTo(64); // different cache lines
    }
    @Test
    void keysOfEverySizeDifferingInAnyOneByteAreDistinct() {
        // Keys are hashed and compared word by word with a tail of 1 to 7 bytes (long keys by
        // MemorySegment.mismatch): every byte of every size must count, at any key offset.
        for (int keySize : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 15, 16, 17, 23, 64, 65, 100}) {
            BpfMap m = hash(keySize, 8, 4 * keySize + 4);
            byte[] base = new byte[keySize];
            for (int b = 0; b < keySize; b++) {
                base[b] = (byte) (b * 37 + 1);
            }
            m.update(base, u64(1000), BPF_ANY);
            for (int b = 0; b < keySize; b++) {
                byte[] key = base.clone();
                key[b] ^= (byte) 0x80;
                assertThat(m.lookup(key)).as("size %d, byte %d flipped", keySize, b).isEmpty();
                m.update(key, u64(b), BPF_NOEXIST);
            }
            // program-side lookups, the key at an odd offset in a larger segment
            byte[] buffer = new byte[keySize + 3];
            for (int b = -1; b < keySize; b++) {
                byte[] key = base.clone();
                if (b >= 0) {
                    key[b] ^= (byte) 0x80;
                }
                System.arraycopy(key, 0, buffer, 3, keySize);
                long offset = m.lookupOffset(MemorySegment.ofArray(buffer), 3, 0);
                assertThat(offset).as("size %d, byte %d flipped", keySize, b).isNotNegative();
                assertThat(m.storage().get(U64, offset)).as("size %d, byte %d", keySize, b).isEqualTo(b < 0 ? 1000 : b);
            }
            assertThat(m.size()).isEqualTo(keySize + 1);
        }
    }
}
