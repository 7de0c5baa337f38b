package io.bpf4j.runtime.types;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A frame buffer that XDP programs run on in place ({@code Executable.runXdpInPlace}), run after
 * run, as a driver's receive buffer is: nothing is copied in or out per run. The buffer is laid
 * out as {@link XdpPacket} describes ({@value XdpPacket#HEADROOM} bytes of headroom, the packet,
 * tailroom up to the page less {@value XdpPacket#SHARED_INFO_SIZE} bytes); a run reads and writes
 * it in place and leaves {@code data_meta}, {@code data} and {@code data_end} where its program's
 * adjust helpers moved them, for the next run or for the caller to read.
 *
 * <p>The frame belongs to its caller: bytes one run leaves anywhere in it (in the headroom after
 * {@code bpf_xdp_adjust_head}, say) are there for the next run on it, as in Linux, where a test
 * run repeated on one buffer sees what the previous repetition left. Use {@link #load} to start
 * afresh with a new packet (it clears the headroom), or {@link XdpPacket} runs, which copy, for
 * runs that must not see each other. One frame serves one run at a time.
 */
public final class XdpFrame {
    private final byte[] buffer;
    private final MemorySegment segment;
    private int meta;
    private int data;
    private int end;
    private int ingressIfindex = 1;
    private int rxQueueIndex;
    private int egressIfindex;
    private Redirect redirect;

    /** An empty frame with room for packets up to {@code maxPacket} bytes (one page for up to 3520 bytes). */
    public XdpFrame(int maxPacket) {
        if (maxPacket < 0) {
            throw new IllegalArgumentException("negative packet size " + maxPacket);
        }
        int needed = XdpPacket.HEADROOM + maxPacket + XdpPacket.SHARED_INFO_SIZE;
        int frame = (needed + XdpPacket.FRAME_SIZE - 1) / XdpPacket.FRAME_SIZE * XdpPacket.FRAME_SIZE;
        this.buffer = new byte[frame - XdpPacket.SHARED_INFO_SIZE];
        this.segment = MemorySegment.ofArray(buffer);
        this.meta = this.data = this.end = XdpPacket.HEADROOM;
    }

    /** A frame holding a copy of {@code packet} (data, metadata and receive queue). */
    public static XdpFrame of(XdpPacket packet) {
        return new XdpFrame(packet.data().length).load(packet);
    }

    /**
     * Starts the frame afresh with a copy of {@code packet}: its metadata and data after a
     * cleared headroom, its interface and queue numbers, no redirect.
     *
     * @throws IllegalArgumentException if the packet does not fit the frame
     */
    public XdpFrame load(XdpPacket packet) {
        int length = packet.data().length;
        if (XdpPacket.HEADROOM + length > buffer.length) {
            throw new IllegalArgumentException("a packet of " + length + " bytes does not fit a frame made for "
                    + (buffer.length - XdpPacket.HEADROOM) + " bytes");
        }
        data = XdpPacket.HEADROOM;
        meta = data - packet.metadata().length;
        end = data + length;
        Arrays.fill(buffer, 0, meta, (byte) 0);
        System.arraycopy(packet.metadata(), 0, buffer, meta, packet.metadata().length);
        System.arraycopy(packet.data(), 0, buffer, data, length);
        ingressIfindex = packet.ingressIfindex();
        rxQueueIndex = packet.rxQueueIndex();
        egressIfindex = packet.egressIfindex();
        redirect = null;
        return this;
    }

    /** A copy of the packet, from {@code data} to {@code data_end}. */
    public byte[] packet() {
        return Arrays.copyOfRange(buffer, data, end);
    }

    /** A copy of the metadata, from {@code data_meta} to {@code data}. */
    public byte[] metadata() {
        return Arrays.copyOfRange(buffer, meta, data);
    }

    /** Bytes from {@code data} to {@code data_end}. */
    public int length() {
        return end - data;
    }

    /** The target of the last run's last successful redirect call, or null. */
    public Redirect redirect() {
        return redirect;
    }

    public int ingressIfindex() {
        return ingressIfindex;
    }

    public int rxQueueIndex() {
        return rxQueueIndex;
    }

    public int egressIfindex() {
        return egressIfindex;
    }

    /** The frame's bytes, for the runtime: the buffer itself. */
    public MemorySegment buffer() {
        return segment;
    }

    /** Offset of {@code data_meta} in {@link #buffer()}. */
    public int metaOffset() {
        return meta;
    }

    /** Offset of {@code data} in {@link #buffer()}. */
    public int dataOffset() {
        return data;
    }

    /** Offset of {@code data_end} in {@link #buffer()}. */
    public int endOffset() {
        return end;
    }

    /**
     * Records where a run left the frame: its pointers (as offsets into {@link #buffer()}) and its
     * redirect. What the runtime calls after a run.
     *
     * @throws IllegalArgumentException unless {@code meta <= data <= end <= buffer size}
     */
    public void leftAt(int meta, int data, int end, Redirect redirect) {
        if (meta < 0 || meta > data || data > end || end > buffer.length) {
            throw new IllegalArgumentException("frame pointers " + meta + " <= " + data + " <= " + end + " <= "
                    + buffer.length + " do not hold");
        }
        this.meta = meta;
        this.data = data;
        this.end = end;
        this.redirect = redirect;
    }

    @Override
    public String toString() {
        return "XdpFrame[" + length() + " bytes, " + (data - meta) + " bytes of metadata]";
    }

}
