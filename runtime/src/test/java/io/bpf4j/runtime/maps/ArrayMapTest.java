package io.bpf4j.runtime.maps;

import static io.bpf4j.runtime.maps.Bytes.*;
import static io.bpf4j.runtime.maps.MapFlags.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArrayMapTest {
    private final MapFactory factory = MapFactory.defaults().withCpuSlots(CpuSlots.of(4));

    private static void fails(Runnable r, int errno, String messagePart) {
        assertThatThrownBy(r::run).isInstanceOf(MapException.class).hasMessageContaining(messagePart)
                .satisfies(e -> assertThat(((MapException) e).errno()).as(e.getMessage()).isEqualTo(errno));
    }

    @Test
    void valuesExistZeroedAndUpdateInPlace() {
        BpfMap m = Maps.create(MapDefinition.of(MapType.ARRAY, 4, 8, 4).withName("counters"));
        assertThat(m).isInstanceOf(ArrayMap.class);
        assertThat(m.lookup(u32(3))).hasValueSatisfying(v -> assertThat(v).containsOnly(0));
        assertThat(m.lookupLong(3)).isZero();
        m.updateLong(3, 42);
        assertThat(m.lookupLong(3)).isEqualTo(42);
        m.update(u32(3), u64(7), BPF_EXIST);
        m.update(u32(3), u64(8), BPF_ANY);
        // Linux refuses BPF_F_LOCK for values without a bpf_spin_lock, which is all of bpf4j's
        assertThatThrownBy(() -> m.update(u32(3), u64(9), BPF_ANY | BPF_F_LOCK)).isInstanceOf(MapException.class)
                .satisfies(e -> assertThat(((MapException) e).errno()).isEqualTo(Errno.EINVAL));
        assertThat(asLong(m.lookup(u32(3)).orElseThrow())).isEqualTo(8);
        assertThat(m.size()).isEqualTo(4);
        assertThat(m.lookup(u32(4))).isEmpty();
        assertThat(m.lookup(u32(-1))).isEmpty();
    }

    @Test
    void everyErrnoPath() {
        BpfMap m = Maps.create(MapDefinition.of(MapType.ARRAY, 4, 8, 4).withName("a"));
        fails(() -> m.update(u32(0), u64(1), BPF_NOEXIST), Errno.EEXIST, "every element of an array exists");
        fails(() -> m.update(u32(4), u64(1), BPF_ANY), Errno.E2BIG, "not below max_entries 4");
        fails(() -> m.update(u32(0), u64(1), 3), Errno.EINVAL, "invalid flags");
        fails(() -> m.delete(u32(0)), Errno.EINVAL, "cannot be deleted");
        fails(() -> m.lookup(u64(0)), Errno.EINVAL, "the key has 8 bytes, key_size is 4");
        fails(() -> m.update(u32(0), u32(1), BPF_ANY), Errno.EINVAL, "the value has 4 bytes, value_size is 8");
        fails(() -> m.lookupLong(0L), Errno.EINVAL, "lookupLong(long) needs 8");
        fails(() -> m.lookup(null), Errno.EINVAL, "null");
        assertThat(m.toString()).contains("map 'a' (ARRAY)");

        MemorySegment key = seg(u32(0));
        MemorySegment value = seg(u64(5));
        assertThat(m.update(key, 0, value, 0, BPF_NOEXIST, 0)).isEqualTo(-Errno.EEXIST);
        assertThat(m.update(seg(u32(9)), 0, value, 0, BPF_ANY, 0)).isEqualTo(-Errno.E2BIG);
        assertThat(m.update(key, 0, value, 0, 4 | 3, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(m.delete(key, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(m.push(value, 0, 0)).isEqualTo(-Errno.ENOTSUPP);
        assertThat(m.lookupOffset(seg(u32(4)), 0, 0)).isEqualTo(-1);
    }

    @Test
    void accessFlags() {
        BpfMap ro = Maps.create(MapDefinition.of(MapType.ARRAY, 4, 8, 1).withFlags(BPF_F_RDONLY));
        fails(() -> ro.updateLong(0, 1), Errno.EPERM, "BPF_F_RDONLY");
        assertThat(ro.lookupLong(0)).isZero();
        BpfMap wo = Maps.create(MapDefinition.of(MapType.ARRAY, 4, 8, 1).withFlags(BPF_F_WRONLY));
        wo.updateLong(0, 1);
        fails(() -> wo.lookupLong(0), Errno.EPERM, "BPF_F_WRONLY");
    }

    @Test
    void programSideSeesTheSameStorage() {
        BpfMap m = Maps.create(MapDefinition.of(MapType.ARRAY, 4, 5, 10)); // stride 8
        assertThat(m.valueStride()).isEqualTo(8);
        assertThat(m.storage().byteSize()).isEqualTo(80);
        // Keys may sit at any offset of a program's memory.
        byte[] stack = new byte[16];
        seg(stack).set(U32, 6, 7);
        long offset = m.lookupOffset(seg(stack), 6, 0);
        assertThat(offset).isEqualTo(56);
        m.storage().set(U32, offset, 0xdeadbeef);
        m.storage().set(java.lang.foreign.ValueLayout.JAVA_BYTE, offset + 4, (byte) 9);
        assertThat(m.lookup(u32(7)).orElseThrow()).containsExactly(0xef, 0xbe, 0xad, 0xde, 9);
        byte[] value = {0, 1, 2, 3, 4, 5, 6, 7};
        assertThat(m.update(seg(u32(7)), 0, seg(value), 3, BPF_EXIST, 0)).isZero();
        assertThat(m.lookup(u32(7)).orElseThrow()).containsExactly(3, 4, 5, 6, 7);
    }

    @Test
    void iterationIsLinuxs() {
        BpfMap m = Maps.create(MapDefinition.of(MapType.ARRAY, 4, 4, 3));
        assertThat(m.nextKey(null).map(Bytes::asInt)).hasValue(0);
        assertThat(m.nextKey(u32(0)).map(Bytes::asInt)).hasValue(1);
        assertThat(m.nextKey(u32(2))).isEmpty();
        assertThat(m.nextKey(u32(99)).map(Bytes::asInt)).hasValue(0);
        assertThat(m.keys()).extracting(Bytes::asInt).containsExactly(0, 1, 2);
        m.updateLong(1, 5);
        StringBuilder seen = new StringBuilder();
        m.forEach((k, v) -> seen.append(asInt(k)).append('=').append(asInt(v)).append(' '));
        assertThat(seen.toString()).isEqualTo("0=0 1=5 2=0 ");
        byte[] next = new byte[4];
        assertThat(m.getNextKey(seg(u32(1)), 0, seg(next), 0)).isZero();
        assertThat(asInt(next)).isEqualTo(2);
        assertThat(m.getNextKey(seg(u32(2)), 0, seg(next), 0)).isEqualTo(-Errno.ENOENT);
    }

    @Test
    void perCpuArrayHasAValuePerSlot() {
        BpfMap m = factory.create(MapDefinition.of(MapType.PERCPU_ARRAY, 4, 4, 2));
        assertThat(m.cpuCount()).isEqualTo(4);
        MemorySegment key = seg(u32(1));
        long[] offsets = new long[4];
        for (int cpu = 0; cpu < 4; cpu++) {
            offsets[cpu] = m.lookupOffset(key, 0, cpu);
            assertThat(offsets[cpu] % 8).isZero();
        }
        assertThat(offsets).doesNotHaveDuplicates();
        assertThatThrownBy(() -> m.lookupOffset(key, 0, 4)).isInstanceOf(IndexOutOfBoundsException.class);

        // A program's update sets its own slot.
        assertThat(m.update(key, 0, seg(u32(5)), 0, BPF_ANY, 2)).isZero();
        assertThat(m.lookupPerCpu(u32(1))).extracting(Bytes::asInt).containsExactly(0, 0, 5, 0);
        assertThat(m.lookupLong(1)).isEqualTo(5);
        // The host's single value goes to every slot; the syscall layout pads each to 8 bytes.
        m.update(u32(1), u32(3), BPF_ANY);
        assertThat(m.lookupPerCpu(u32(1))).extracting(Bytes::asInt).containsExactly(3, 3, 3, 3);
        assertThat(m.lookupLong(1)).isEqualTo(12);
        byte[] blob = m.lookup(u32(1)).orElseThrow();
        assertThat(blob).hasSize(32);
        assertThat(MemorySegment.ofArray(blob).get(U32, 8)).isEqualTo(3);
        // Host updates per slot, as a list or as the syscall layout.
        m.updatePerCpu(u32(1), List.of(u32(1), u32(2), u32(3), u32(4)), BPF_ANY);
        assertThat(m.lookupPerCpu(u32(1))).extracting(Bytes::asInt).containsExactly(1, 2, 3, 4);
        byte[] layout = new byte[32];
        for (int c = 0; c < 4; c++) {
            MemorySegment.ofArray(layout).set(U32, c * 8, 10 + c);
        }
        m.update(u32(1), layout, BPF_ANY);
        assertThat(m.lookupPerCpu(u32(1))).extracting(Bytes::asInt).containsExactly(10, 11, 12, 13);
        assertThat(m.storage().get(U32, m.lookupOffset(key, 0, 3))).isEqualTo(13);
        fails(() -> m.updatePerCpu(u32(1), List.of(u32(1)), BPF_ANY), Errno.EINVAL, "1 values for 4 CPU slots");
        fails(() -> m.update(u32(1), new byte[12], BPF_ANY), Errno.EINVAL, "or 32 for all 4 CPU slots");
        assertThat(m.lookupPerCpu(u32(7))).isEmpty();
    }
}
