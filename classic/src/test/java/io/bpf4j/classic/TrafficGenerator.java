package io.bpf4j.classic;

import io.bpf4j.capture.CapturedPacket;
import io.bpf4j.capture.PcapWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded varied Ethernet traffic for filter comparisons: IPv4 and IPv6 with TCP (varied flags),
 * UDP, ICMP and ICMPv6, ARP, GRE and unknown protocols, other ethertypes, 802.1Q and QinQ tags,
 * IPv4 options and fragments, IPv6 hop-by-hop headers, broadcast and multicast addresses, runt
 * frames, and lengths from 10 to about 1500 bytes.
 */
final class TrafficGenerator {
    static final String[] V4 = {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.6", "192.168.1.7", "192.168.1.200",
        "172.16.5.4", "172.31.255.1", "8.8.8.8"};
    static final String[] V6 = {"fe80::1", "fe80::2", "2001:db8::1", "2001:db8::2"};
    static final byte[][] MACS = {mac("020000000001"), mac("020000000002"), mac("020000000003"), mac("020000000004")};
    static final int[] PORTS = {22, 53, 80, 443, 8080, 123, 67, 68, 1024, 1500, 2000, 5353};

    private final Random random;

    TrafficGenerator(long seed) {
        this.random = new Random(seed);
    }

    /** Writes {@code count} packets, microseconds apart, to a pcap file. */
    static List<CapturedPacket> write(Path file, long seed, int count) throws IOException {
        TrafficGenerator g = new TrafficGenerator(seed);
        List<CapturedPacket> packets = new ArrayList<>();
        try (PcapWriter w = PcapWriter.create(file, 1)) {
            for (int i = 0; i < count; i++) {
                CapturedPacket p = CapturedPacket.ethernet(1_700_000_000_000_000_000L + i * 1_000_000L + g.random.nextInt(1000) * 1000L,
                        g.frame());
                w.write(p);
                packets.add(p);
            }
        }
        return packets;
    }

    byte[] frame() {
        int kind = random.nextInt(100);
        if (kind < 2) {
            byte[] runt = new byte[6 + random.nextInt(8)];
            random.nextBytes(runt);
            return runt;
        }
        byte[] dst = switch (random.nextInt(10)) {
            case 0 -> mac("ffffffffffff");
            case 1 -> mac("01005e0000fb");
            case 2 -> mac("333300000001");
            default -> pick(MACS);
        };
        byte[] src = pick(MACS);
        int ethertype;
        byte[] payload;
        if (kind < 55) {
            ethertype = 0x0800;
            payload = ipv4();
        } else if (kind < 78) {
            ethertype = 0x86dd;
            payload = ipv6();
        } else if (kind < 88) {
            ethertype = 0x0806;
            payload = arp(src);
        } else if (kind < 94) {
            ethertype = random.nextBoolean() ? 0x88cc : 0x9000;
            payload = bytes(46 + random.nextInt(60));
        } else {
            ethertype = 0x0800;
            payload = ipv4();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(dst);
        out.writeBytes(src);
        int tags = random.nextInt(10) < 2 ? 1 + (random.nextInt(4) == 0 ? 1 : 0) : 0;
        for (int t = 0; t < tags; t++) {
            int tpid = tags == 2 && t == 0 ? 0x88a8 : 0x8100;
            int vid = new int[] {100, 200, 300, 4000}[random.nextInt(4)];
            u16(out, tpid);
            u16(out, (random.nextInt(8) << 13) | vid);
        }
        u16(out, ethertype);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private byte[] ipv4() {
        int proto;
        byte[] l4;
        int r = random.nextInt(100);
        if (r < 45) {
            proto = 6;
            l4 = tcp();
        } else if (r < 75) {
            proto = 17;
            l4 = udp();
        } else if (r < 90) {
            proto = 1;
            l4 = icmp();
        } else {
            proto = new int[] {47, 2, 89, 132}[random.nextInt(4)];
            l4 = bytes(8 + random.nextInt(40));
        }
        int optionWords = random.nextInt(20) == 0 ? 1 + random.nextInt(3) : 0;
        int ihl = 5 + optionWords;
        int fragment = 0;
        int f = random.nextInt(12);
        if (f == 0) {
            fragment = 0x2000; // MF, first fragment
        } else if (f == 1) {
            fragment = 1 + random.nextInt(100); // a later fragment
        } else if (f == 2) {
            fragment = 0x4000; // DF
        }
        String dst = random.nextInt(15) == 0 ? (random.nextBoolean() ? "224.0.0.251" : "255.255.255.255") : pick(V4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x40 | ihl);
        out.write(random.nextInt(4) << 2);
        u16(out, ihl * 4 + l4.length);
        u16(out, random.nextInt(0x10000));
        u16(out, fragment);
        out.write(new int[] {1, 32, 64, 128, 255}[random.nextInt(5)]);
        out.write(proto);
        u16(out, 0);
        out.writeBytes(v4(pick(V4)));
        out.writeBytes(v4(dst));
        for (int i = 0; i < optionWords; i++) {
            out.writeBytes(new byte[] {1, 1, 1, 1}); // NOPs
        }
        out.writeBytes(l4);
        return out.toByteArray();
    }

    private byte[] ipv6() {
        int next;
        byte[] l4;
        int r = random.nextInt(100);
        if (r < 45) {
            next = 6;
            l4 = tcp();
        } else if (r < 75) {
            next = 17;
            l4 = udp();
        } else {
            next = 58;
            l4 = icmp();
        }
        boolean hopByHop = random.nextInt(10) == 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u16(out, 0x6000);
        u16(out, 0);
        u16(out, l4.length + (hopByHop ? 8 : 0));
        out.write(hopByHop ? 0 : next);
        out.write(64);
        out.writeBytes(v6(pick(V6)));
        out.writeBytes(v6(random.nextInt(12) == 0 ? "ff02::1" : pick(V6)));
        if (hopByHop) {
            out.writeBytes(new byte[] {(byte) next, 0, 1, 4, 0, 0, 0, 0});
        }
        out.writeBytes(l4);
        return out.toByteArray();
    }

    private byte[] tcp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u16(out, port());
        u16(out, port());
        u32(out, random.nextInt());
        u32(out, random.nextInt());
        int options = random.nextInt(4) == 0 ? 3 : 0;
        out.write((5 + options) << 4);
        int[] flags = {0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14, 0x01, 0x29};
        out.write(flags[random.nextInt(flags.length)]);
        u16(out, random.nextInt(0x10000));
        u16(out, 0);
        u16(out, 0);
        for (int i = 0; i < options; i++) {
            out.writeBytes(new byte[] {1, 1, 1, 1});
        }
        out.writeBytes(bytes(payloadLength()));
        return out.toByteArray();
    }

    private byte[] udp() {
        byte[] payload = bytes(payloadLength());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u16(out, port());
        u16(out, port());
        u16(out, 8 + payload.length);
        u16(out, 0);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private byte[] icmp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new int[] {0, 3, 8, 11, 128, 129, 135}[random.nextInt(7)]);
        out.write(random.nextInt(4));
        u16(out, 0);
        u32(out, random.nextInt());
        out.writeBytes(bytes(random.nextInt(64)));
        return out.toByteArray();
    }

    private byte[] arp(byte[] senderMac) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        u16(out, 1);
        u16(out, 0x0800);
        out.write(6);
        out.write(4);
        u16(out, 1 + random.nextInt(2));
        out.writeBytes(senderMac);
        out.writeBytes(v4(pick(V4)));
        out.writeBytes(new byte[6]);
        out.writeBytes(v4(pick(V4)));
        return out.toByteArray();
    }

    private int port() {
        return random.nextInt(3) == 0 ? 1024 + random.nextInt(64000) : PORTS[random.nextInt(PORTS.length)];
    }

    private int payloadLength() {
        return switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(40);
            case 2 -> 100 + random.nextInt(400);
            default -> 900 + random.nextInt(500);
        };
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private <T> T pick(T[] options) {
        return options[random.nextInt(options.length)];
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    private static void u32(ByteArrayOutputStream out, int v) {
        u16(out, v >>> 16);
        u16(out, v);
    }

    static byte[] mac(String hex) {
        return Frames.hex(hex);
    }

    static byte[] v4(String address) {
        try {
            return java.net.InetAddress.getByName(address).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
    }

    static byte[] v6(String address) {
        return v4(address);
    }
}
