package io.bpf4j.capture;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds pcapng files block by block for tests, in either byte order. */
final class PcapngBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

    PcapngBuilder section(ByteOrder order) {
        this.order = order;
        ByteBuffer body = buffer(16);
        body.putInt(0x1a2b3c4d).putShort((short) 1).putShort((short) 0).putLong(-1L);
        return block(0x0a0d0d0a, body.array());
    }

    PcapngBuilder iface(int linkType, int snapLength, Integer timestampResolution) {
        ByteBuffer body = buffer(timestampResolution == null ? 8 : 20);
        body.putShort((short) linkType).putShort((short) 0).putInt(snapLength);
        if (timestampResolution != null) {
            body.putShort((short) 9).putShort((short) 1).put((byte) (int) timestampResolution).put(new byte[3]);
            body.putShort((short) 0).putShort((short) 0);
        }
        return block(1, body.array());
    }

    PcapngBuilder enhanced(int iface, long timestamp, int originalLength, byte[] data) {
        ByteBuffer body = buffer(20 + pad(data.length));
        body.putInt(iface).putInt((int) (timestamp >>> 32)).putInt((int) timestamp).putInt(data.length).putInt(originalLength);
        body.put(data);
        return block(6, body.array());
    }

    PcapngBuilder simple(int originalLength, byte[] data) {
        ByteBuffer body = buffer(4 + pad(data.length));
        body.putInt(originalLength).put(data);
        return block(3, body.array());
    }

    /** A block of a type readers must skip (interface statistics). */
    PcapngBuilder statistics(int iface) {
        ByteBuffer body = buffer(12);
        body.putInt(iface).putLong(0);
        return block(5, body.array());
    }

    PcapngBuilder block(int type, byte[] body) {
        ByteBuffer block = buffer(12 + body.length);
        block.putInt(type).putInt(12 + body.length).put(body).putInt(12 + body.length);
        out.writeBytes(block.array());
        return this;
    }

    PcapngBuilder raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(order);
    }

    private static int pad(int length) {
        return (length + 3) & ~3;
    }
}
