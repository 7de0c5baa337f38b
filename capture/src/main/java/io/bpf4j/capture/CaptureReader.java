package io.bpf4j.capture;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Reads the packets of a capture file, pcap (either byte order, microsecond or nanosecond
 * timestamps) or pcapng (any number of sections and interfaces, enhanced, simple and obsolete
 * packet blocks), whichever the file's first bytes say it is.
 *
 * <pre>{@code
 * try (CaptureReader capture = CaptureReader.open(Path.of("traffic.pcap"))) {
 *     for (CapturedPacket packet : capture) { ... }
 * }
 * }</pre>
 *
 * Nothing is allocated in proportion to a length field before the bytes are actually there, so a
 * damaged or hostile file costs at most its own size; it ends with a {@link CaptureFormatException}
 * naming the offset.
 */
public abstract sealed class CaptureReader implements Closeable, Iterable<CapturedPacket>
        permits PcapReader, PcapngReader {
    /** No packet of either format may claim more bytes than this (tcpdump's own limit is 256 KiB). */
    public static final int MAX_PACKET_BYTES = 16 << 20;

    final CaptureInput in;
    private final long size;

    CaptureReader(CaptureInput in, long size) {
        this.in = in;
        this.size = size;
    }

    /** Opens a capture file; the format comes from its magic number. */
    public static CaptureReader open(Path file) throws IOException {
        long size = Files.size(file);
        InputStream stream = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            return open(stream, size);
        } catch (IOException | RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    /** Reads a capture from a stream of unknown length (standard input, a socket). */
    public static CaptureReader open(InputStream stream) throws IOException {
        return open(stream, -1);
    }

    private static CaptureReader open(InputStream stream, long size) throws IOException {
        CaptureInput in = new CaptureInput(stream);
        byte[] magic = in.readExactly(4, "the file's magic number");
        int little = (magic[0] & 0xff) | (magic[1] & 0xff) << 8 | (magic[2] & 0xff) << 16 | (magic[3] & 0xff) << 24;
        if (little == PcapngReader.SECTION_HEADER) {
            return new PcapngReader(in, size);
        }
        PcapReader pcap = PcapReader.fromMagic(in, size, little);
        if (pcap != null) {
            return pcap;
        }
        throw new CaptureFormatException(0, String.format(
                "not a capture file: magic number %02x %02x %02x %02x is neither pcap (a1b2c3d4, a1b23c4d) nor pcapng (0a0d0d0a)",
                magic[0], magic[1], magic[2], magic[3]));
    }

    /** "pcap" or "pcapng". */
    public abstract String format();

    /**
     * The next packet, or null at the end of the capture.
     *
     * @throws CaptureFormatException if the file is damaged at this point
     */
    public abstract CapturedPacket next() throws IOException;

    /** The file's size in bytes, or -1 when reading a stream; with {@link #position()} it gives progress. */
    public long size() {
        return size;
    }

    /** Bytes consumed so far. */
    public long position() {
        return in.position();
    }

    /** Iterates the remaining packets; a damaged file surfaces as an {@link UncheckedIOException}. */
    @Override
    public Iterator<CapturedPacket> iterator() {
        return new Iterator<>() {
            private CapturedPacket pending;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (pending == null && !done) {
                    try {
                        pending = CaptureReader.this.next();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    done = pending == null;
                }
                return pending != null;
            }

            @Override
            public CapturedPacket next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                CapturedPacket packet = pending;
                pending = null;
                return packet;
            }
        };
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
