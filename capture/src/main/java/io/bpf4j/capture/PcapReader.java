package io.bpf4j.capture;

import java.io.IOException;

/** The classic libpcap format: a 24-byte file header, then a 16-byte header before each packet. */
final class PcapReader extends CaptureReader {
    static final int MICROSECONDS = 0xa1b2c3d4;
    static final int NANOSECONDS = 0xa1b23c4d;

    private final boolean nanosecond;
    private final int linkType;
    private final long snapLength;

    private PcapReader(CaptureInput in, long size, boolean nanosecond) throws IOException {
        super(in, size);
        this.nanosecond = nanosecond;
        in.u16("the pcap version");
        in.u16("the pcap version");
        in.i32("the pcap time zone");
        in.i32("the pcap timestamp accuracy");
        this.snapLength = in.u32("the pcap snapshot length");
        // The upper bits of the link-type field carry FCS information, not the type itself.
        this.linkType = in.i32("the pcap link type") & 0xffff;
    }

    /** A reader if {@code magic} (read little-endian) is one of pcap's four magic numbers, else null. */
    static PcapReader fromMagic(CaptureInput in, long size, int magic) throws IOException {
        if (magic == MICROSECONDS || magic == NANOSECONDS) {
            return new PcapReader(in, size, magic == NANOSECONDS);
        }
        int swapped = Integer.reverseBytes(magic);
        if (swapped == MICROSECONDS || swapped == NANOSECONDS) {
            in.bigEndian(true);
            return new PcapReader(in, size, swapped == NANOSECONDS);
        }
        return null;
    }

    @Override
    public String format() {
        return "pcap";
    }

    /** The snapshot length the file header declares. */
    long snapLength() {
        return snapLength;
    }

    @Override
    public CapturedPacket next() throws IOException {
        if (in.atEnd()) {
            return null;
        }
        long start = in.position();
        byte[] header = in.readExactly(16, "a packet header");
        long seconds = in.i32(header, 0) & 0xffffffffL;
        long fraction = in.i32(header, 4) & 0xffffffffL;
        long captured = in.i32(header, 8) & 0xffffffffL;
        long original = in.i32(header, 12) & 0xffffffffL;
        if (captured > MAX_PACKET_BYTES) {
            throw new CaptureFormatException(start, "a packet claims " + captured + " captured bytes, more than the "
                    + MAX_PACKET_BYTES + " any capture may hold per packet");
        }
        byte[] data = in.readExactly((int) captured, "a packet's data");
        long nanos = seconds * 1_000_000_000L + (nanosecond ? fraction : fraction * 1_000L);
        // Some writers record an original length shorter than what they captured; the capture is the truth.
        int originalLength = (int) Math.min(Integer.MAX_VALUE, Math.max(original, captured));
        return new CapturedPacket(nanos, originalLength, data, linkType);
    }
}
