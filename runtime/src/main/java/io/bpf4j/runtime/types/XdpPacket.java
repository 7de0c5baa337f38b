package io.bpf4j.runtime.types;

import java.util.Objects;

/**
 * A frame for an XDP program: the bytes from the Ethernet header on, optional metadata in front
 * of them (what an earlier program left with {@code bpf_xdp_adjust_meta}), and the receive queue
 * it came in on. The run copies the bytes into a buffer laid out as Linux's test run lays one out:
 * {@value #HEADROOM} bytes of headroom ({@code XDP_PACKET_HEADROOM}) before the data, and the
 * rest of a 4096-byte frame, less the {@value #SHARED_INFO_SIZE} bytes Linux reserves for
 * {@code struct skb_shared_info}, as tailroom. A frame too large for that gets a buffer just big
 * enough, where Linux would use fragments.
 *
 * @param data the frame; Linux's test run rejects frames shorter than an Ethernet header (14
 *     bytes), bpf4j runs them
 * @param metadata bytes just before the data, a multiple of 4 and at most {@link #MAX_METADATA} bytes
 * @param ingressIfindex {@code xdp_md.ingress_ifindex}; 1 (the loopback device, as in Linux's test run) by default
 * @param rxQueueIndex {@code xdp_md.rx_queue_index}; 0 by default
 * @param egressIfindex {@code xdp_md.egress_ifindex}, for programs run by a devmap; 0 by default
 */
public record XdpPacket(byte[] data, byte[] metadata, int ingressIfindex, int rxQueueIndex, int egressIfindex) {
    /** {@code XDP_PACKET_HEADROOM}. */
    public static final int HEADROOM = 256;
    /** Bytes of a frame after the tailroom that Linux keeps for {@code struct skb_shared_info} (x86-64). */
    public static final int SHARED_INFO_SIZE = 320;
    /** Bytes of a frame (one page), as in Linux's test run and most drivers. */
    public static final int FRAME_SIZE = 4096;
    /**
     * Largest metadata: what fits in the headroom after Linux's {@code struct xdp_frame} (40
     * bytes). Linux's own limit ({@code xdp_metalen_invalid}) was 32 bytes and is 255 since the
     * metadata length became a byte of {@code skb_shared_info}, so the headroom is what bounds it.
     */
    public static final int MAX_METADATA = HEADROOM - 40;

    public XdpPacket {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(metadata, "metadata");
        if (metadata.length % 4 != 0 || metadata.length > MAX_METADATA) {
            throw new IllegalArgumentException("XDP metadata must be a multiple of 4 bytes and at most " + MAX_METADATA
                    + " bytes, not " + metadata.length);
        }
    }

    /** A frame received on interface 1, queue 0, without metadata. */
    public static XdpPacket of(byte[] frame) {
        return new XdpPacket(frame, new byte[0], 1, 0, 0);
    }

    public XdpPacket withMetadata(byte[] bytes) {
        return new XdpPacket(data, bytes, ingressIfindex, rxQueueIndex, egressIfindex);
    }

    public XdpPacket withIngress(int ifindex, int rxQueue) {
        return new XdpPacket(data, metadata, ifindex, rxQueue, egressIfindex);
    }

    public XdpPacket withEgressIfindex(int ifindex) {
        return new XdpPacket(data, metadata, ingressIfindex, rxQueueIndex, ifindex);
    }
}
