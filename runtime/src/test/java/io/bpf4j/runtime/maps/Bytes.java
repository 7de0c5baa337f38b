package io.bpf4j.runtime.maps;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Little-endian encodings for tests. */
final class Bytes {
    private Bytes() {}

    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static byte[] u32(int v) {
        byte[] b = new byte[4];
        MemorySegment.ofArray(b).set(U32, 0, v);
        return b;
    }

    static byte[] u64(long v) {
        byte[] b = new byte[8];
        MemorySegment.ofArray(b).set(U64, 0, v);
        return b;
    }

    static long asLong(byte[] b) {
        return MemorySegment.ofArray(b).get(U64, 0);
    }

    static int asInt(byte[] b) {
        return MemorySegment.ofArray(b).get(U32, 0);
    }

    static MemorySegment seg(byte[] b) {
        return MemorySegment.ofArray(b);
    }

    static byte[] of(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
