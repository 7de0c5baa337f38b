package io.bpf4j.classic;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compiles tcpdump filter expressions with whatever is installed: the tcpdump program
 * ({@link Tcpdump}) if there is one, else libpcap itself ({@link Libpcap}); with a clear message
 * when neither is.
 */
public final class FilterExpressions {
    /** tcpdump's default snapshot length, what it compiles for when a file does not say. */
    public static final int DEFAULT_SNAP_LENGTH = 262_144;

    private FilterExpressions() {}

    /** Compiles {@code expression} as {@code tcpdump -r capture expression} would. */
    public static ClassicProgram compile(String expression, Path capture) {
        if (Tcpdump.isAvailable()) {
            return Tcpdump.compile(expression, capture);
        }
        int[] header = pcapHeader(capture);
        return Libpcap.compile(expression, header[0], header[1]);
    }

    /** Link type and snapshot length of a pcap file; Ethernet and tcpdump's default for pcapng and others. */
    static int[] pcapHeader(Path capture) {
        byte[] b = new byte[24];
        try (InputStream in = Files.newInputStream(capture)) {
            if (in.readNBytes(b, 0, 24) < 24) {
                return new int[] {1, DEFAULT_SNAP_LENGTH};
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + capture + ": " + e.getMessage(), e);
        }
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int magic = h.getInt(0);
        if (Integer.reverseBytes(magic) == 0xa1b2c3d4 || Integer.reverseBytes(magic) == 0xa1b23c4d) {
            h.order(ByteOrder.BIG_ENDIAN);
        } else if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            return new int[] {1, DEFAULT_SNAP_LENGTH};
        }
        return new int[] {h.getInt(20) & 0x0fffffff, h.getInt(16)};
    }
}
