package io.bpf4j.capture;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a pcap file as libpcap's {@code pcap_dump} does (little-endian, one link type), so tcpdump,
 * Wireshark and bpf4j read it back. Microsecond timestamps by default, as tcpdump writes them.
 */
public final class PcapWriter implements Closeable {
    /** tcpdump's default snapshot length. */
    public static final int DEFAULT_SNAP_LENGTH = 262_144;

    /** Timestamp precision of the file; nanosecond files use a different magic number. */
    public enum Precision { MICROSECONDS, NANOSECONDS }

    private final OutputStream out;
    private final int linkType;
    private final Precision precision;
    private final ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    private long packets;

    public PcapWriter(OutputStream out, int linkType, int snapLength, Precision precision) throws IOException {
        if (snapLength <= 0) {
            throw new IllegalArgumentException("snapshot length must be positive: " + snapLength);
        }
        this.out = out;
        this.linkType = linkType;
        this.precision = precision;
        header.clear();
        header.putInt(precision == Precision.NANOSECONDS ? PcapReader.NANOSECONDS : PcapReader.MICROSECONDS)
                .putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(snapLength).putInt(linkType);
        out.write(header.array(), 0, 24);
    }

    /** Creates (or replaces) {@code file} with microsecond timestamps and tcpdump's snapshot length. */
    public static PcapWriter create(Path file, int linkType) throws IOException {
        return create(file, linkType, DEFAULT_SNAP_LENGTH, Precision.MICROSECONDS);
    }

    public static PcapWriter create(Path file, int linkType, int snapLength, Precision precision) throws IOException {
        OutputStream stream = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        try {
            return new PcapWriter(stream, linkType, snapLength, precision);
        } catch (IOException | RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    /**
     * Appends a packet.
     *
     * @throws IllegalArgumentException if its link type is not the file's: a pcap file has one
     */
    public void write(CapturedPacket packet) throws IOException {
        if (packet.linkType() != linkType) {
            throw new IllegalArgumentException("packet has link type " + packet.linkType() + " but the file was created for "
                    + linkType);
        }
        long seconds = Math.floorDiv(packet.timestampNanos(), 1_000_000_000L);
        long nanos = Math.floorMod(packet.timestampNanos(), 1_000_000_000L);
        long fraction = precision == Precision.NANOSECONDS ? nanos : nanos / 1_000;
        header.clear();
        header.putInt((int) seconds).putInt((int) fraction).putInt(packet.data().length).putInt(packet.originalLength());
        out.write(header.array(), 0, 16);
        out.write(packet.data());
        packets++;
    }

    /** Packets written so far. */
    public long packets() {
        return packets;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
