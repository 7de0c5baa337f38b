import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes examples/traffic.pcap: a deterministic mix of the traffic the example programs care about,
 * so that every branch of them is taken: IPv4 and IPv6, TCP and UDP to open and closed ports, DNS
 * queries and long responses, small and large ICMP echoes, ARP, 802.1Q and QinQ tags, a non-first
 * IPv4 fragment, a frame cut short, and more IPv4 sources than the firewall's LRU table holds.
 *
 *   java examples/traffic/GenerateTraffic.java examples/traffic.pcap
 */
public final class GenerateTraffic {
    private static final byte[] SRC_MAC = {0x02, 0, 0, 0, 0, 1};
    private static final byte[] DST_MAC = {0x02, 0, 0, 0, 0, 2};
    private static final int TCP = 6, UDP = 17, ICMP = 1;

    private final List<byte[]> frames = new ArrayList<>();
    private final Random random = new Random(20261123);

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "examples/traffic.pcap");
        GenerateTraffic traffic = new GenerateTraffic();
        traffic.generate();
        Files.write(out, traffic.pcap());
        System.out.println("wrote " + traffic.frames.size() + " packets to " + out);
    }

    private void generate() {
        int[] ports = {80, 443, 22, 23, 445, 3389, 8080, 53};
        for (int i = 0; i < 120; i++) {
            // 80 distinct sources, the first ten much busier than the rest.
            int host = i % 3 == 0 ? 1 + random.nextInt(10) : 11 + random.nextInt(70);
            byte[] source = {10, 0, (byte) (host / 250), (byte) (host % 250)};
            byte[] destination = {(byte) 192, (byte) 168, 1, 10};
            int port = ports[random.nextInt(ports.length)];
            int payload = random.nextInt(200);
            if (random.nextBoolean()) {
                frames.add(ethernet(0x0800, ipv4(source, destination, TCP, 0, tcp(40000 + i, port, payload))));
            } else {
                frames.add(ethernet(0x0800, ipv4(source, destination, UDP, 0, udp(40000 + i, port, payload))));
            }
        }
        byte[] client = {10, 0, 0, 5};
        byte[] resolver = {10, 0, 0, 53};
        for (int i = 0; i < 10; i++) {
            frames.add(ethernet(0x0800, ipv4(client, resolver, UDP, 0, udp(50000 + i, 53, 30 + i))));
            frames.add(ethernet(0x0800, ipv4(resolver, client, UDP, 0, udp(53, 50000 + i, i % 2 == 0 ? 100 : 900))));
        }
        byte[] client6 = address6(0x20010db8, 5);
        byte[] resolver6 = address6(0x20010db8, 0x53);
        for (int i = 0; i < 6; i++) {
            frames.add(ethernet(0x86dd, ipv6(client6, resolver6, UDP, udp(51000 + i, 53, 40))));
            frames.add(ethernet(0x86dd, ipv6(resolver6, client6, TCP, tcp(443, 52000 + i, 300))));
        }
        for (int size : new int[] {56, 56, 1400, 1400, 64}) {
            frames.add(ethernet(0x0800, ipv4(client, resolver, ICMP, 0, icmpEcho(size))));
        }
        for (int i = 0; i < 4; i++) {
            frames.add(ethernet(0x0806, arp(i)));
        }
        frames.add(vlan(new int[] {100}, 0x0800, ipv4(client, resolver, TCP, 0, tcp(1234, 22, 10))));
        frames.add(vlan(new int[] {100}, 0x0800, ipv4(client, resolver, TCP, 0, tcp(1234, 23, 10))));
        frames.add(vlan(new int[] {10, 200}, 0x0800, ipv4(client, resolver, UDP, 0, udp(1234, 53, 20))));
        // A later fragment of a datagram: no transport header follows the IP header.
        frames.add(ethernet(0x0800, ipv4(client, resolver, UDP, 185, new byte[64])));
        // A frame cut short in its IPv4 header.
        byte[] whole = ethernet(0x0800, ipv4(client, resolver, TCP, 0, tcp(1, 2, 0)));
        frames.add(java.util.Arrays.copyOf(whole, 24));
    }

    private static byte[] ethernet(int etherType, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
        b.put(DST_MAC).put(SRC_MAC).putShort((short) etherType).put(payload);
        return b.array();
    }

    private static byte[] vlan(int[] tags, int etherType, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 4 * tags.length + payload.length);
        b.put(DST_MAC).put(SRC_MAC);
        for (int i = 0; i < tags.length; i++) {
            b.putShort((short) (i == 0 && tags.length > 1 ? 0x88a8 : 0x8100)).putShort((short) tags[i]);
        }
        b.putShort((short) etherType).put(payload);
        return b.array();
    }

    private static byte[] ipv4(byte[] source, byte[] destination, int protocol, int fragmentOffset, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) 0x1234)
                .putShort((short) fragmentOffset).put((byte) 64).put((byte) protocol).putShort((short) 0)
                .put(source).put(destination);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += (b.get(i) & 0xff) << 8 | (b.get(i + 1) & 0xff);
        }
        while (sum > 0xffff) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        b.putShort(10, (short) ~sum);
        b.put(20, payload);
        return b.array();
    }

    private static byte[] ipv6(byte[] source, byte[] destination, int nextHeader, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + payload.length);
        b.putInt(0x60000000).putShort((short) payload.length).put((byte) nextHeader).put((byte) 64)
                .put(source).put(destination).put(payload);
        return b.array();
    }

    private static byte[] address6(int prefix, int host) {
        return ByteBuffer.allocate(16).putInt(prefix).putInt(12, host).array();
    }

    private static byte[] tcp(int sourcePort, int destinationPort, int payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload);
        b.putShort((short) sourcePort).putShort((short) destinationPort).putInt(1000).putInt(0)
                .put((byte) 0x50).put((byte) 0x18).putShort((short) 65535);
        return b.array();
    }

    private static byte[] udp(int sourcePort, int destinationPort, int payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload);
        b.putShort((short) sourcePort).putShort((short) destinationPort).putShort((short) (8 + payload));
        return b.array();
    }

    private static byte[] icmpEcho(int size) {
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) 1).putShort((short) size);
        return b.array();
    }

    private static byte[] arp(int i) {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1)
                .put(SRC_MAC).put(new byte[] {10, 0, 0, 5}).put(new byte[6]).put(new byte[] {10, 0, 0, (byte) (10 + i)});
        return b.array();
    }

    /** The capture as libpcap writes it: little-endian, microsecond timestamps, Ethernet. */
    private byte[] pcap() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(1);
        out.writeBytes(header.array());
        long micros = 1_763_856_000_000_000L; // 2025-11-23 00:00 UTC
        for (byte[] frame : frames) {
            micros += 1 + random.nextInt(5000);
            ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            int captured = frame.length;
            int original = frame.length == 24 ? 54 : frame.length; // the cut frame was longer on the wire
            record.putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000)).putInt(captured).putInt(original);
            out.writeBytes(record.array());
            out.writeBytes(frame);
        }
        return out.toByteArray();
    }
}
