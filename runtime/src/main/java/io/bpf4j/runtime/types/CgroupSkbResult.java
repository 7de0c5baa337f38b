package io.bpf4j.runtime.types;

/**
 * What a CGROUP_SKB run produced: bit 0 of r0 allows (1) or drops (0) the packet; on egress,
 * bit 1 asks for congestion notification.
 *
 * @param returnValue r0 at exit
 * @param skb the packet and its metadata after the run (mark, priority, cb, tstamp may be written)
 */
public record CgroupSkbResult(long returnValue, SkBuff skb) {
    public boolean allowed() {
        return (returnValue & 1) != 0;
    }

    /** Bit 1 of the return value: on egress, notify congestion. */
    public boolean congestionNotification() {
        return (returnValue & 2) != 0;
    }
}
