package io.bpf4j.fuzz;

import io.bpf4j.capture.CapturedPacket;
import io.bpf4j.capture.PcapWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small valid captures to seed the capture fuzzer with. */
final class CaptureSamples {
    private CaptureSamples() {}

    static byte[] pcap() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out, 1, 65535, PcapWriter.Precision.MICROSECONDS)) {
            w.write(new CapturedPacket(1_000_000_000L, 60, new byte[60], 1));
            w.write(new CapturedPacket(2_000_000_000L, 100, new byte[42], 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Section header, one Ethernet interface, one enhanced packet of 42 bytes. */
    static byte[] pcapng() {
        ByteBuffer b = ByteBuffer.allocate(28 + 20 + 32 + 44).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).putInt(28);
        b.putInt(1).putInt(20).putShort((short) 1).putShort((short) 0).putInt(65535).putInt(20);
        b.putInt(6).putInt(32 + 44).putInt(0).putInt(0).putInt(1000).putInt(42).putInt(42);
        b.put(new byte[44]).putInt(32 + 44);
        return b.array();
    }
}
