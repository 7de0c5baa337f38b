package io.bpf4j.runtime.types;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The context of a PERF_EVENT program: Linux's {@code struct bpf_perf_event_data}, the sampled
 * task's registers followed by the sample period and address (184 bytes on x86-64).
 */
public record PerfEventData(PtRegs regs, long samplePeriod, long addr) {
    public static final int SIZE = PtRegs.SIZE + 16;

    public PerfEventData {
        Objects.requireNonNull(regs, "regs");
    }

    public byte[] toBytes() {
        return ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN).put(regs.toBytes()).putLong(samplePeriod)
                .putLong(addr).array();
    }
}
