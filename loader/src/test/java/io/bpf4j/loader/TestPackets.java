package io.bpf4j.loader;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Test frames built header by header: Ethernet, VLAN tags, IPv4 (with options and fragments),
 * IPv6 (with extension headers), TCP, UDP and ICMP. The IP builders fill in their own checksum
 * and that of a TCP or UDP segment they carry directly, so the frames are valid unless a test
 * truncates or corrupts them on purpose.
 */
final class TestPackets {
    static final int ETH_P_IP = 0x0800;
    static final int ETH_P_IPV6 = 0x86dd;
    static final int ETH_P_ARP = 0x0806;
    static final int ETH_P_8021Q = 0x8100;
    static final int ETH_P_8021AD = 0x88a8;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMP = 1;
    static final int ICMPV6 = 58;
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;

    static final byte[] DST_MAC = {2, 0, 0, 0, 0, 2};
    static final byte[] SRC_MAC = {2, 0, 0, 0, 0, 1};

    private TestPackets() {}

    /** An Ethernet frame: destination and source MAC, EtherType, then the parts. */
    static byte[] ethernet(int etherType, byte[]... parts) {
        return ethernetFrom(SRC_MAC, etherType, parts);
    }

    /** An Ethernet frame from a given source MAC. */
    static byte[] ethernetFrom(byte[] sourceMac, int etherType, byte[]... parts) {
        return concat(DST_MAC, sourceMac, u16(etherType), concat(parts));
    }

    /** A VLAN tag (after the outer EtherType 0x8100 or 0x88a8): the TCI and the next EtherType. */
    static byte[] vlanTag(int vlanId, int nextEtherType) {
        return concat(u16(vlanId & 0x0fff), u16(nextEtherType));
    }

    /** An IPv4 packet without options or fragmentation, TTL 64. */
    static byte[] ipv4(String src, String dst, int protocol, byte[] payload) {
        return ipv4(src, dst, protocol, 0, new byte[0], payload);
    }

    /**
     * An IPv4 packet.
     *
     * @param fragment the 16-bit flags and fragment offset field (0x2000 = more fragments)
     * @param options header options, a multiple of 4 bytes
     */
    static byte[] ipv4(String src, String dst, int protocol, int fragment, byte[] options, byte[] payload) {
        if (options.length % 4 != 0) {
            throw new IllegalArgumentException("IPv4 options must fill 32-bit words");
        }
        byte[] s = address(src, 4);
        byte[] d = address(dst, 4);
        int headerLength = 20 + options.length;
        byte[] header = concat(new byte[] {(byte) (0x40 | headerLength / 4), 0}, u16(headerLength + payload.length),
                u16(0x1234), u16(fragment), new byte[] {64, (byte) protocol, 0, 0}, s, d, options);
        putU16(header, 10, checksum(header, 0, header.length, 0));
        byte[] segment = payload.clone();
        if ((fragment & 0x1fff) == 0) {
            fillTransportChecksum(segment, protocol, concat(s, d, new byte[] {0, (byte) protocol}, u16(segment.length)));
        }
        return concat(header, segment);
    }

    /** An IPv6 packet, hop limit 64; {@code nextHeader} is the first header of the payload. */
    static byte[] ipv6(String src, String dst, int nextHeader, byte[] payload) {
        byte[] s = address(src, 16);
        byte[] d = address(dst, 16);
        byte[] segment = payload.clone();
        fillTransportChecksum(segment, nextHeader, concat(s, d, u32(segment.length), new byte[] {0, 0, 0, (byte) nextHeader}));
        return concat(new byte[] {0x60, 0, 0, 0}, u16(payload.length), new byte[] {(byte) nextHeader, 64}, s, d, segment);
    }

    /** An IPv6 extension header of {@code 8 * (lengthUnits + 1)} bytes (hop-by-hop, routing, destination options). */
    static byte[] ipv6Extension(int nextHeader, int lengthUnits) {
        byte[] h = new byte[8 * (lengthUnits + 1)];
        h[0] = (byte) nextHeader;
        h[1] = (byte) lengthUnits;
        return h;
    }

    /** An IPv6 fragment header; {@code offsetUnits} in 8-byte units. */
    static byte[] ipv6Fragment(int nextHeader, int offsetUnits, boolean more) {
        return concat(new byte[] {(byte) nextHeader, 0}, u16(offsetUnits << 3 | (more ? 1 : 0)), u32(0xabcd));
    }

    /** A TCP segment with a 20-byte header (checksum left for the IP builder). */
    static byte[] tcp(int sport, int dport, int flags, byte[] payload) {
        return concat(u16(sport), u16(dport), u32(1000), u32((flags & ACK) != 0 ? 1 : 0),
                new byte[] {0x50, (byte) flags}, u16(65535), u16(0), u16(0), payload);
    }

    /** A UDP datagram (checksum left for the IP builder). */
    static byte[] udp(int sport, int dport, byte[] payload) {
        return concat(u16(sport), u16(dport), u16(8 + payload.length), u16(0), payload);
    }

    /** A UDP datagram with no checksum (zero), which IPv4 allows. */
    static byte[] udpNoChecksum(int sport, int dport, byte[] payload) {
        byte[] d = udp(sport, dport, payload);
        d[6] = (byte) 0xff; // marks "leave alone" for fillTransportChecksum; cleared below
        d[7] = (byte) 0xff;
        return d;
    }

    /** An ICMP echo request (ICMP or ICMPv6: the header is the same). */
    static byte[] icmpEcho(int type, int id, int sequence) {
        byte[] m = concat(new byte[] {(byte) type, 0, 0, 0}, u16(id), u16(sequence), "ping".getBytes());
        putU16(m, 2, checksum(m, 0, m.length, 0));
        return m;
    }

    static byte[] payload(int length) {
        byte[] p = new byte[length];
        for (int i = 0; i < length; i++) {
            p[i] = (byte) (i * 7 + 3);
        }
        return p;
    }

    // ---- checksums ---------------------------------------------------------------------------

    private static void fillTransportChecksum(byte[] segment, int protocol, byte[] pseudoHeader) {
        int at;
        if (protocol == TCP && segment.length >= 20) {
            at = 16;
        } else if (protocol == UDP && segment.length >= 8) {
            at = 6;
            if ((segment[6] & 0xff) == 0xff && (segment[7] & 0xff) == 0xff) {
                segment[6] = 0;
                segment[7] = 0;
                return;
            }
        } else {
            return;
        }
        segment[at] = 0;
        segment[at + 1] = 0;
        int sum = checksum(segment, 0, segment.length, sum(pseudoHeader, 0, pseudoHeader.length, 0));
        if (protocol == UDP && sum == 0) {
            sum = 0xffff;
        }
        putU16(segment, at, sum);
    }

    /** The Internet checksum (ones' complement of the ones' complement sum) over a range, with an initial sum. */
    static int checksum(byte[] b, int offset, int length, int initial) {
        return ~sum(b, offset, length, initial) & 0xffff;
    }

    private static int sum(byte[] b, int offset, int length, int initial) {
        long s = initial;
        for (int i = 0; i < length; i += 2) {
            int hi = b[offset + i] & 0xff;
            int lo = i + 1 < length ? b[offset + i + 1] & 0xff : 0;
            s += hi << 8 | lo;
        }
        while (s >> 16 != 0) {
            s = (s & 0xffff) + (s >> 16);
        }
        return (int) s;
    }

    /** True if an untagged Ethernet/IPv4 frame's IP header checksum and TCP/UDP checksum verify. */
    static boolean ipv4ChecksumsValid(byte[] frame) {
        int ip = 14;
        int ihl = (frame[ip] & 0x0f) * 4;
        if (checksum(frame, ip, ihl, 0) != 0) {
            return false;
        }
        int total = u16(frame, ip + 2);
        int protocol = frame[ip + 9] & 0xff;
        int l4 = ip + ihl;
        int length = total - ihl;
        if (protocol == UDP && u16(frame, l4 + 6) == 0) {
            return true;
        }
        byte[] pseudo = concat(Arrays.copyOfRange(frame, ip + 12, ip + 20), new byte[] {0, (byte) protocol}, u16(length));
        return checksum(frame, l4, length, sum(pseudo, 0, pseudo.length, 0)) == 0;
    }

    // ---- bytes ---------------------------------------------------------------------------------

    static byte[] address(String text, int length) {
        try {
            byte[] a = InetAddress.getByName(text).getAddress();
            if (a.length != length) {
                throw new IllegalArgumentException(text + " is not an IPv" + (length == 4 ? 4 : 6) + " address");
            }
            return a;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static byte[] u16(int v) {
        return new byte[] {(byte) (v >> 8), (byte) v};
    }

    static byte[] u32(int v) {
        return new byte[] {(byte) (v >> 24), (byte) (v >> 16), (byte) (v >> 8), (byte) v};
    }

    static int u16(byte[] b, int offset) {
        return (b[offset] & 0xff) << 8 | b[offset + 1] & 0xff;
    }

    static void putU16(byte[] b, int offset, int v) {
        b[offset] = (byte) (v >> 8);
        b[offset + 1] = (byte) v;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            if (p != null) {
                out.writeBytes(p);
            }
        }
        return out.toByteArray();
    }

    static byte[] truncate(byte[] frame, int length) {
        return Arrays.copyOf(frame, length);
    }
}
