package io.bpf4j.runtime;

import io.bpf4j.runtime.maps.BpfMap;

/**
 * Where {@code bpf_perf_event_output} samples go: the host's side of Linux's perf ring buffers.
 * Called on the program's thread, during the helper call.
 */
@FunctionalInterface
public interface PerfEventSink {
    /** Drops every sample. */
    PerfEventSink DISCARD = (map, cpu, data) -> {};

    /**
     * Receives one sample.
     *
     * @param map the map the program named (a perf event array in Linux)
     * @param cpu the map index the sample went to: the flags' index, or the current CPU slot for
     *     {@code BPF_F_CURRENT_CPU}
     * @param data the sample: the program's data, followed by the packet bytes the flags'
     *     {@code BPF_F_CTXLEN_MASK} asked for (XDP and skb programs)
     */
    void output(BpfMap map, int cpu, byte[] data);
}
