package io.bpf4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Region windows, segment replacement and context regions of {@link Memory}. */
class MemoryRegionTest {
    @Test
    void windowLimitsAccessWithoutMovingBytes() {
        Memory m = new Memory();
        byte[] bytes = new byte[64];
        for (int i = 0; i < 64; i++) {
            bytes[i] = (byte) i;
        }
        long base = m.map("packet", bytes);
        m.setWindow(base + 16, base + 32);
        assertThat(m.load(base + 16, 1, 0)).isEqualTo(16);
        assertThat(m.load(base + 28, 4, 0)).isEqualTo(0x1f1e1d1cL);
        assertThatThrownBy(() -> m.load(base + 15, 1, 3)).isInstanceOf(MemoryAccessFault.class)
                .hasMessageContaining("instruction 3").hasMessageContaining("outside its accessible bytes (offsets 16 to 32, 16 bytes)");
        assertThatThrownBy(() -> m.load(base + 29, 4, 0)).isInstanceOf(MemoryAccessFault.class);
        assertThatThrownBy(() -> m.store(base + 32, 1, 0, 0)).isInstanceOf(MemoryAccessFault.class);
        assertThat(m.windowStart(base + 20)).isEqualTo(base + 16);
        assertThat(m.windowEnd(base)).isEqualTo(base + 32);
        assertThat(m.isAccessible(base + 16, 16, true)).isTrue();
        assertThat(m.isAccessible(base + 16, 17, false)).isFalse();
        assertThatThrownBy(() -> m.read(base + 8, 16, 0)).isInstanceOf(MemoryAccessFault.class);
        // moving the window: the same address still names the same byte
        m.setWindow(base + 8, base + 40);
        assertThat(m.load(base + 16, 1, 0)).isEqualTo(16);
        assertThat(m.load(base + 8, 1, 0)).isEqualTo(8);
        assertThatThrownBy(() -> m.setWindow(base + 8, base + 65)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.setWindow(base + 9, base + 8)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void replacingTheSegmentKeepsAddresses() {
        Memory m = new Memory();
        long base = m.map("packet", new byte[8]);
        m.store(base + 4, 1, 0x42, 0);
        byte[] bigger = new byte[32];
        MemorySegment.copy(m.segmentOf(base), 0, MemorySegment.ofArray(bigger), 0, 8);
        m.replaceSegment(base, MemorySegment.ofArray(bigger));
        m.setWindow(base, base + 32);
        assertThat(m.load(base + 4, 1, 0)).isEqualTo(0x42);
        m.store(base + 20, 4, 7, 0);
        assertThat(bigger[20]).isEqualTo((byte) 7);
        assertThatThrownBy(() -> m.replaceSegment(base, MemorySegment.ofArray(new byte[16])))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void byteArrayOfIsTheWholeByteArrayBehindARegionOrNull() {
        Memory m = new Memory();
        byte[] packet = new byte[64];
        long p = m.map("packet", packet);
        long words = m.map("stack", MemorySegment.ofArray(new long[8]), true);
        long slice = m.map("slice", MemorySegment.ofArray(new byte[64]).asSlice(8, 16), true);
        long prefix = m.map("prefix", MemorySegment.ofArray(new byte[64]).asSlice(0, 16), true);
        long readOnly = m.map("read-only", MemorySegment.ofArray(new byte[8]).asReadOnly(), false);
        long ctx = m.mapContext("context", new ContextAccess() {
            @Override
            public long load(long address, int offset, int size, int pc) {
                return 0;
            }

            @Override
            public void store(long address, int offset, int size, long value, int pc) {}
        });
        assertThat(m.byteArrayOf(p + 40)).isSameAs(packet);
        assertThat(m.byteArrayOf(words)).isNull();
        assertThat(m.byteArrayOf(slice)).isNull();   // offset 0 of the region is not index 0 of the array
        assertThat(m.byteArrayOf(prefix)).isNull();  // the array has bytes outside the region
        assertThat(m.byteArrayOf(readOnly)).isNull();    // a read-only segment does not give its array away
        assertThat(m.byteArrayOf(ctx)).isNull();
        assertThat(m.byteArrayOf(0)).isNull();
        assertThat(m.byteArrayOf(ctx + (1L << Memory.REGION_SHIFT) * 10)).isNull();
        byte[] bigger = new byte[128];
        m.replaceSegment(p, MemorySegment.ofArray(bigger));
        assertThat(m.byteArrayOf(p)).isSameAs(bigger);
        ContextAccess access = m.contextAt(ctx);
        m.truncate(1); // the next run's regions take the same ids
        assertThat(m.byteArrayOf(p)).isNull();
        long nextContext = m.mapContext("next run's context", access);
        assertThat(nextContext).isEqualTo(p);
        assertThat(m.byteArrayOf(nextContext)).isNull();
    }

    @Test
    void contextRegionsDelegateLoadsAndStores() {
        Memory m = new Memory();
        long[] stored = new long[2];
        ContextAccess access = new ContextAccess() {
            @Override
            public long load(long address, int offset, int size, int pc) {
                if (offset == 0 && size == 4) {
                    return 0x1234_5678_9abcL; // a 4-byte load of a pointer field: 64 bits
                }
                throw new MemoryAccessFault(pc, address, size, "offset " + offset + " of the test struct");
            }

            @Override
            public void store(long address, int offset, int size, long value, int pc) {
                stored[0] = offset;
                stored[1] = value;
            }
        };
        long ctx = m.mapContext("context (struct test)", access);
        assertThat(m.load(ctx, 4, 0)).isEqualTo(0x1234_5678_9abcL);
        m.store(ctx + 8, 4, 99, 0);
        assertThat(stored).containsExactly(8, 99);
        assertThatThrownBy(() -> m.load(ctx + 4, 4, 2)).isInstanceOf(MemoryAccessFault.class)
                .hasMessageContaining("offset 4 of the test struct");
        assertThat(m.contextAt(ctx)).isSameAs(access);
        assertThat(m.contextAt(ctx + 4)).isNull();
        assertThat(m.contextOf(ctx + 4)).isSameAs(access);
        // helpers and atomics cannot treat it as memory
        assertThatThrownBy(() -> m.read(ctx, 4, 5)).isInstanceOf(MemoryAccessFault.class)
                .hasMessageContaining("region 'context (struct test)' is a program context");
        assertThatThrownBy(() -> m.checkedOffset(ctx, 1, false, 5)).isInstanceOf(MemoryAccessFault.class);
        assertThatThrownBy(() -> m.atomic(Memory.AtomicOp.ADD, ctx, 8, 1, 5)).isInstanceOf(MemoryAccessFault.class)
                .hasMessageContaining("is a program context");
        assertThat(m.isAccessible(ctx, 1, false)).isFalse();
        assertThatThrownBy(() -> m.setWindow(ctx, ctx)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullAndUnmappedAddressesStillFault() {
        Memory m = new Memory();
        m.map("a", new byte[8]);
        assertThatThrownBy(() -> m.load(0, 1, 0)).hasMessageContaining("null or non-pointer");
        assertThatThrownBy(() -> m.load(8, 1, 0)).hasMessageContaining("null or non-pointer");
        assertThatThrownBy(() -> m.load(5L << 32, 1, 0)).hasMessageContaining("outside every memory region");
        assertThatThrownBy(() -> m.load(-8, 8, 0)).hasMessageContaining("outside every memory region");
        assertThat(m.contextAt(0)).isNull();
        assertThat(m.contextOf(-1)).isNull();
    }
}
