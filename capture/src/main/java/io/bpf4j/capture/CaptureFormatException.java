package io.bpf4j.capture;

import java.io.IOException;

/** A capture file that is not pcap or pcapng, or is damaged: names the byte offset where reading failed. */
public final class CaptureFormatException extends IOException {
    private final long offset;

    public CaptureFormatException(long offset, String reason) {
        super("at byte " + offset + ": " + reason);
        this.offset = offset;
    }

    /** Where in the file the problem is. */
    public long offset() {
        return offset;
    }
}
