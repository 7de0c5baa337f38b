package io.bpf4j.runtime.internal;

/** A run context with a packet: what {@code bpf_perf_event_output} appends with {@code BPF_F_CTXLEN_MASK}. */
interface PacketAccess {
    /** Bytes from {@code data} to {@code data_end}. */
    int packetLength();

    /** A copy of {@code length} bytes of the packet from {@code offset} (bounds checked by the caller). */
    byte[] packetBytes(int offset, int length);
}
