package io.bpf4j.capture;

import java.util.Objects;

/**
 * One packet of a capture: when it was seen, how long it was on the wire, the bytes captured (at
 * most the capture's snapshot length, so possibly fewer than {@code originalLength}) and the
 * link-layer type that says how to read them ({@link LinkType}).
 */
public record CapturedPacket(long timestampNanos, int originalLength, byte[] data, int linkType) {
    public CapturedPacket {
        Objects.requireNonNull(data, "data");
        if (originalLength < data.length) {
            throw new IllegalArgumentException(
                    "original length " + originalLength + " is shorter than the " + data.length + " captured bytes");
        }
    }

    /** A whole (untruncated) Ethernet frame captured at {@code timestampNanos}. */
    public static CapturedPacket ethernet(long timestampNanos, byte[] frame) {
        return new CapturedPacket(timestampNanos, frame.length, frame, LinkType.ETHERNET);
    }
}
