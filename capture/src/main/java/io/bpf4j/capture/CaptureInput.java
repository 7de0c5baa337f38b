package io.bpf4j.capture;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** A byte stream that knows its position, reads integers in the capture's byte order, and reports short reads precisely. */
final class CaptureInput implements AutoCloseable {
    private final InputStream stream;
    private long position;
    private boolean bigEndian;

    CaptureInput(InputStream stream) {
        this.stream = stream;
    }

    long position() {
        return position;
    }

    void bigEndian(boolean bigEndian) {
        this.bigEndian = bigEndian;
    }

    /** True at a clean end of the stream (nothing more to read), consuming nothing otherwise. */
    boolean atEnd() throws IOException {
        stream.mark(1);
        int b = stream.read();
        if (b < 0) {
            return true;
        }
        stream.reset();
        return false;
    }

    /**
     * Reads exactly {@code length} bytes. {@link InputStream#readNBytes(int)} grows its buffer as
     * bytes arrive, so a bogus length in a short file fails with the bytes present, not with an
     * allocation of the claimed size.
     */
    byte[] readExactly(int length, String what) throws IOException {
        long start = position;
        byte[] bytes = stream.readNBytes(length);
        position += bytes.length;
        if (bytes.length != length) {
            throw new CaptureFormatException(start, "the file ends inside " + what + " (" + length + " bytes expected, "
                    + bytes.length + " present)");
        }
        return bytes;
    }

    /** Skips bytes by reading them: some streams' own skip() moves past the end of a file without saying so. */
    void skip(long length, String what) throws IOException {
        long start = position;
        byte[] scratch = new byte[(int) Math.min(length, 8192)];
        long remaining = length;
        while (remaining > 0) {
            int n = stream.read(scratch, 0, (int) Math.min(remaining, scratch.length));
            if (n < 0) {
                throw new CaptureFormatException(start, "the file ends inside " + what);
            }
            remaining -= n;
            position += n;
        }
    }

    int u16(String what) throws IOException {
        byte[] b = readExactly(2, what);
        return bigEndian ? (b[0] & 0xff) << 8 | (b[1] & 0xff) : (b[1] & 0xff) << 8 | (b[0] & 0xff);
    }

    int i32(String what) throws IOException {
        return i32(readExactly(4, what), 0);
    }

    long u32(String what) throws IOException {
        return i32(what) & 0xffffffffL;
    }

    int i32(byte[] b, int at) {
        int a0 = b[at] & 0xff, a1 = b[at + 1] & 0xff, a2 = b[at + 2] & 0xff, a3 = b[at + 3] & 0xff;
        return bigEndian ? a0 << 24 | a1 << 16 | a2 << 8 | a3 : a3 << 24 | a2 << 16 | a1 << 8 | a0;
    }

    int u16(byte[] b, int at) {
        int a0 = b[at] & 0xff, a1 = b[at + 1] & 0xff;
        return bigEndian ? a0 << 8 | a1 : a1 << 8 | a0;
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
