package io.bpf4j.runtime.types;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.bpf4j.isa.Assembler;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.MemoryAccessFault;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.maps.BpfMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Test utility: typed programs from LLVM-syntax assembly, and packets to run them on. */
final class TypedPrograms {
    private TypedPrograms() {}

    static final BpfRuntime RUNTIME = BpfRuntime.builder().instructionBudget(100_000).build();

    static Executable load(ProgramType type, String assembly, BpfMap... maps) {
        return load(RUNTIME, type, assembly, maps);
    }

    static Executable load(BpfRuntime runtime, ProgramType type, String assembly, BpfMap... maps) {
        return runtime.load(Program.of(type, "test", Assembler.assemble(assembly), List.of(maps)));
    }

    /** Runs {@code run}, which must fault with a MemoryAccessFault; returns it. */
    static MemoryAccessFault accessFault(Runnable run) {
        MemoryAccessFault fault = catchThrowableOfType(MemoryAccessFault.class, run::run);
        if (fault == null) {
            throw new AssertionError("expected a MemoryAccessFault, but the program completed");
        }
        return fault;
    }

    /**
     * Assembly that writes {@code text} and a NUL to the stack at {@code r10 - offset} (offset a
     * multiple of 8, at least the string's length plus one, rounded up), using r1.
     */
    static String stackString(String text, int offset) {
        byte[] bytes = java.util.Arrays.copyOf(text.getBytes(StandardCharsets.ISO_8859_1), (text.length() + 8) / 8 * 8);
        if (bytes.length > offset) {
            throw new IllegalArgumentException("string does not fit");
        }
        StringBuilder out = new StringBuilder();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < bytes.length; i += 8) {
            out.append(String.format("r1 = 0x%x ll%n*(u64 *)(r10 - %d) = r1%n", b.getLong(i), offset - i));
        }
        return out.toString();
    }

    // ------------------------------------------------------------------ packets

    static final byte[] DST_MAC = {0x02, 0, 0, 0, 0, 0x02};
    static final byte[] SRC_MAC = {0x02, 0, 0, 0, 0, 0x01};

    /** An Ethernet frame with the given ethertype and payload. */
    static byte[] ethernet(int ethertype, byte[] payload) {
        return ByteBuffer.allocate(14 + payload.length).put(DST_MAC).put(SRC_MAC).putShort((short) ethertype).put(payload).array();
    }

    /** An IPv4 header (20 bytes, valid checksum) and the payload, protocol {@code proto}. */
    static byte[] ipv4(int proto, byte[] source, byte[] destination, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) 0x1234).putShort((short) 0x4000)
                .put((byte) 64).put((byte) proto).putShort((short) 0).put(source).put(destination).put(payload);
        byte[] packet = b.array();
        int checksum = ~Rfc1071.sum(packet, 0, 20) & 0xffff;
        packet[10] = (byte) (checksum >> 8);
        packet[11] = (byte) checksum;
        return packet;
    }

    /** A TCP segment (20-byte header, no options) with a valid checksum over the IPv4 pseudo-header. */
    static byte[] tcp(byte[] source, byte[] destination, int sport, int dport, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.putShort((short) sport).putShort((short) dport).putInt(1000).putInt(0).put((byte) 0x50).put((byte) 0x18)
                .putShort((short) 0xffff).putShort((short) 0).putShort((short) 0).put(payload);
        byte[] segment = b.array();
        int checksum = ~Rfc1071.transportSum(source, destination, 6, segment) & 0xffff;
        segment[16] = (byte) (checksum >> 8);
        segment[17] = (byte) checksum;
        return segment;
    }

    /** A UDP datagram with a valid checksum, or checksum 0 ("none") if {@code withChecksum} is false. */
    static byte[] udp(byte[] source, byte[] destination, int sport, int dport, byte[] payload, boolean withChecksum) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
        byte[] datagram = b.array();
        if (withChecksum) {
            int checksum = ~Rfc1071.transportSum(source, destination, 17, datagram) & 0xffff;
            if (checksum == 0) {
                checksum = 0xffff;
            }
            datagram[6] = (byte) (checksum >> 8);
            datagram[7] = (byte) checksum;
        }
        return datagram;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    static byte[] range(int from, int to) {
        byte[] b = new byte[to - from];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    /** The little-endian u32 a program loads from these 4 bytes. */
    static long le32(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
    }

    /** RFC 1071 checksums, computed from scratch, for checking what programs leave. */
    static final class Rfc1071 {
        private Rfc1071() {}

        /** The folded 16-bit one's complement sum of big-endian 16-bit words (odd length padded with zero). */
        static int sum(byte[] data, int offset, int length) {
            long sum = 0;
            for (int i = 0; i < length; i += 2) {
                int hi = data[offset + i] & 0xff;
                int lo = i + 1 < length ? data[offset + i + 1] & 0xff : 0;
                sum += hi << 8 | lo;
            }
            while ((sum >>> 16) != 0) {
                sum = (sum & 0xffff) + (sum >>> 16);
            }
            return (int) sum;
        }

        /** The sum over the IPv4 pseudo-header and the transport segment. */
        static int transportSum(byte[] source, byte[] destination, int proto, byte[] segment) {
            byte[] pseudo = ByteBuffer.allocate(12).put(source).put(destination).put((byte) 0).put((byte) proto)
                    .putShort((short) segment.length).array();
            long sum = sum(pseudo, 0, 12) + (long) sum(segment, 0, segment.length);
            while ((sum >>> 16) != 0) {
                sum = (sum & 0xffff) + (sum >>> 16);
            }
            return (int) sum;
        }

        /** Whether the IPv4 header at {@code offset} has a correct checksum. */
        static boolean ipv4HeaderValid(byte[] frame, int offset) {
            return sum(frame, offset, 20) == 0xffff;
        }

        /** Whether the transport segment after the IPv4 header at {@code ipOffset} has a correct checksum. */
        static boolean transportValid(byte[] frame, int ipOffset) {
            byte[] source = java.util.Arrays.copyOfRange(frame, ipOffset + 12, ipOffset + 16);
            byte[] destination = java.util.Arrays.copyOfRange(frame, ipOffset + 16, ipOffset + 20);
            int proto = frame[ipOffset + 9] & 0xff;
            byte[] segment = java.util.Arrays.copyOfRange(frame, ipOffset + 20, frame.length);
            return transportSum(source, destination, proto, segment) == 0xffff;
        }
    }
}
