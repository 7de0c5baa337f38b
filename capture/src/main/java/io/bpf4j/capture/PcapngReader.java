package io.bpf4j.capture;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The pcapng format: blocks, each with a type and a length at both ends. A section header sets the
 * byte order and starts a new list of interfaces; interface descriptions give each interface's
 * link type, snapshot length and timestamp resolution; packet blocks refer to an interface.
 * Blocks of other types (statistics, name resolution, custom) are skipped.
 */
final class PcapngReader extends CaptureReader {
    static final int SECTION_HEADER = 0x0a0d0d0a;
    private static final int INTERFACE_DESCRIPTION = 1;
    private static final int OBSOLETE_PACKET = 2;
    private static final int SIMPLE_PACKET = 3;
    private static final int ENHANCED_PACKET = 6;
    private static final int BYTE_ORDER_MAGIC = 0x1a2b3c4d;
    private static final int OPTION_TIMESTAMP_RESOLUTION = 9;
    private static final int MAX_INTERFACES = 1 << 16;

    private record Interface(int linkType, long snapLength, int resolution) {
        /** Timestamp units to nanoseconds: resolution 0-127 is 10^-r s, 128-255 is 2^-(r-128) s. */
        long nanos(long units) {
            if (resolution < 128) {
                if (resolution <= 9) {
                    return units * pow10(9 - resolution);
                }
                return Long.divideUnsigned(units, pow10(Math.min(resolution - 9, 18)));
            }
            int shift = resolution - 128;
            return new BigInteger(Long.toUnsignedString(units)).multiply(BigInteger.valueOf(1_000_000_000L))
                    .shiftRight(shift).longValue();
        }

        private static long pow10(int n) {
            long p = 1;
            for (int i = 0; i < n; i++) {
                p *= 10;
            }
            return p;
        }
    }

    private final List<Interface> interfaces = new ArrayList<>();

    PcapngReader(CaptureInput in, long size) throws IOException {
        super(in, size);
        readSectionHeader(0);
    }

    @Override
    public String format() {
        return "pcapng";
    }

    @Override
    public CapturedPacket next() throws IOException {
        while (!in.atEnd()) {
            long start = in.position();
            int type = in.i32("a block type");
            if (type == SECTION_HEADER) {
                readSectionHeader(start);
                continue;
            }
            long length = in.u32("a block length");
            if (length < 12 || length % 4 != 0 || length > MAX_PACKET_BYTES + 64L) {
                throw new CaptureFormatException(start, "block of type " + type + " has an impossible length " + length
                        + " (at least 12, a multiple of 4, at most " + (MAX_PACKET_BYTES + 64) + ")");
            }
            byte[] body = in.readExactly((int) length - 12, "a block of type " + type);
            long trailer = in.u32("a block's trailing length");
            if (trailer != length) {
                throw new CaptureFormatException(start, "block of type " + type + " starts with length " + length
                        + " but ends with " + trailer);
            }
            CapturedPacket packet = switch (type) {
                case INTERFACE_DESCRIPTION -> {
                    readInterface(start, body);
                    yield null;
                }
                case ENHANCED_PACKET -> enhancedPacket(start, body);
                case SIMPLE_PACKET -> simplePacket(start, body);
                case OBSOLETE_PACKET -> obsoletePacket(start, body);
                default -> null;
            };
            if (packet != null) {
                return packet;
            }
        }
        return null;
    }

    private void readSectionHeader(long start) throws IOException {
        // The block type reads the same in both byte orders; the byte-order magic after the length decides.
        byte[] lengthBytes = in.readExactly(4, "the section header length");
        byte[] magic = in.readExactly(4, "the section byte-order magic");
        int little = (magic[0] & 0xff) | (magic[1] & 0xff) << 8 | (magic[2] & 0xff) << 16 | (magic[3] & 0xff) << 24;
        if (little == BYTE_ORDER_MAGIC) {
            in.bigEndian(false);
        } else if (Integer.reverseBytes(little) == BYTE_ORDER_MAGIC) {
            in.bigEndian(true);
        } else {
            throw new CaptureFormatException(start + 8, "pcapng section header has no byte-order magic 1a2b3c4d");
        }
        long length = in.i32(lengthBytes, 0) & 0xffffffffL;
        if (length < 28 || length % 4 != 0 || length > 1 << 20) {
            throw new CaptureFormatException(start, "pcapng section header has an impossible length " + length);
        }
        int major = in.u16("the pcapng version");
        if (major != 1) {
            throw new CaptureFormatException(start + 12, "pcapng version " + major + " is not supported (only 1)");
        }
        // Type, length, magic and major version are read; minor version, section length and options are not needed.
        in.skip(length - 14 - 4, "the section header");
        long trailer = in.u32("the section header's trailing length");
        if (trailer != length) {
            throw new CaptureFormatException(start, "section header starts with length " + length + " but ends with " + trailer);
        }
        interfaces.clear();
    }

    private void readInterface(long start, byte[] body) throws CaptureFormatException {
        if (body.length < 8) {
            throw new CaptureFormatException(start, "interface description block is too short");
        }
        if (interfaces.size() >= MAX_INTERFACES) {
            throw new CaptureFormatException(start, "more than " + MAX_INTERFACES + " interfaces in one section");
        }
        int linkType = in.u16(body, 0);
        long snapLength = in.i32(body, 4) & 0xffffffffL;
        int resolution = 6;
        int at = 8;
        while (at + 4 <= body.length) {
            int code = in.u16(body, at);
            int length = in.u16(body, at + 2);
            if (code == 0) {
                break;
            }
            if (at + 4 + length > body.length) {
                throw new CaptureFormatException(start, "interface option " + code + " runs past the end of its block");
            }
            if (code == OPTION_TIMESTAMP_RESOLUTION && length >= 1) {
                resolution = body[at + 4] & 0xff;
            }
            at += 4 + ((length + 3) & ~3);
        }
        interfaces.add(new Interface(linkType, snapLength, resolution));
    }

    private Interface interfaceOf(long start, long id) throws CaptureFormatException {
        if (id < 0 || id >= interfaces.size()) {
            throw new CaptureFormatException(start, "packet refers to interface " + id + " but the section describes "
                    + interfaces.size());
        }
        return interfaces.get((int) id);
    }

    private CapturedPacket enhancedPacket(long start, byte[] body) throws CaptureFormatException {
        if (body.length < 20) {
            throw new CaptureFormatException(start, "enhanced packet block is too short");
        }
        Interface iface = interfaceOf(start, in.i32(body, 0) & 0xffffffffL);
        long units = (in.i32(body, 4) & 0xffffffffL) << 32 | (in.i32(body, 8) & 0xffffffffL);
        return packet(start, iface, iface.nanos(units), in.i32(body, 12) & 0xffffffffL, in.i32(body, 16) & 0xffffffffL, body, 20);
    }

    private CapturedPacket obsoletePacket(long start, byte[] body) throws CaptureFormatException {
        if (body.length < 20) {
            throw new CaptureFormatException(start, "packet block is too short");
        }
        Interface iface = interfaceOf(start, in.u16(body, 0));
        long units = (in.i32(body, 4) & 0xffffffffL) << 32 | (in.i32(body, 8) & 0xffffffffL);
        return packet(start, iface, iface.nanos(units), in.i32(body, 12) & 0xffffffffL, in.i32(body, 16) & 0xffffffffL, body, 20);
    }

    private CapturedPacket simplePacket(long start, byte[] body) throws CaptureFormatException {
        if (body.length < 4) {
            throw new CaptureFormatException(start, "simple packet block is too short");
        }
        Interface iface = interfaceOf(start, 0);
        long original = in.i32(body, 0) & 0xffffffffL;
        long captured = Math.min(original, body.length - 4);
        if (iface.snapLength() > 0) {
            captured = Math.min(captured, iface.snapLength());
        }
        // Simple packet blocks carry no timestamp.
        return packet(start, iface, 0, captured, original, body, 4);
    }

    private CapturedPacket packet(long start, Interface iface, long nanos, long captured, long original, byte[] body, int dataAt)
            throws CaptureFormatException {
        if (captured > body.length - dataAt) {
            throw new CaptureFormatException(start, "packet claims " + captured + " captured bytes but its block holds "
                    + (body.length - dataAt));
        }
        byte[] data = java.util.Arrays.copyOfRange(body, dataAt, dataAt + (int) captured);
        int originalLength = (int) Math.min(Integer.MAX_VALUE, Math.max(original, captured));
        return new CapturedPacket(nanos, originalLength, data, iface.linkType());
    }
}
