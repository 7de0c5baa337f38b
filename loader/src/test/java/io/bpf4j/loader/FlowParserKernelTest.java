package io.bpf4j.loader;

import static io.bpf4j.loader.TestPackets.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.loader.KernelOracle.KernelRun;
import io.bpf4j.runtime.types.XdpPacket;
import io.bpf4j.runtime.types.XdpResult;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * flow_parser.c (an XDP Ethernet/VLAN/IPv4/IPv6/TCP/UDP/ICMP parser counting per-5-tuple flows)
 * on valid, truncated, malformed and non-IP frames: bpf4j's verdict and parse outcome are the
 * expected ones, and the verdict and both maps equal what the Linux kernel produces.
 */
class FlowParserKernelTest {
    private static final String OBJECT = "flow_parser";
    private static final String PROGRAM = "xdp_flow_parser";
    // XDP actions
    private static final int ABORTED = 0;
    private static final int DROP = 1;
    private static final int PASS = 2;
    // enum outcome in flow_parser.c
    private static final int TCP_OK = 0;
    private static final int UDP_OK = 1;
    private static final int ICMP_OK = 2;
    private static final int OTHER_L4 = 3;
    private static final int FRAGMENT = 4;
    private static final int NOT_IP = 5;
    private static final int SHORT_ETH = 6;
    private static final int SHORT_VLAN = 7;
    private static final int TOO_MANY_TAGS = 8;
    private static final int SHORT_IP = 9;
    private static final int BAD_IP_HEADER = 10;
    private static final int SHORT_IPV6_EXT = 11;
    private static final int SHORT_L4 = 12;

    private static final int HOPOPTS = 0;
    private static final int ROUTING = 43;
    private static final int FRAGMENT_HEADER = 44;
    private static final int DSTOPTS = 60;

    @TempDir
    Path temp;

    static Stream<Arguments> frames() {
        byte[] tcpSyn = ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(40000, 80, SYN, new byte[0])));
        byte[] badVersion = tcpSyn.clone();
        badVersion[14] = 0x65; // version 6 in an IPv4 EtherType
        byte[] shortIhl = tcpSyn.clone();
        shortIhl[14] = 0x44;
        byte[] longIhl = truncate(tcpSyn, 14 + 40); // IHL 15 (60 bytes) in a 40-byte packet
        longIhl[14] = 0x4f;
        byte[] badDoff = ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(1, 2, ACK, payload(8))));
        badDoff[14 + 20 + 12] = (byte) 0xf0; // data offset 60 bytes, 28 present
        byte[] tinyDoff = tcpSyn.clone();
        tinyDoff[14 + 20 + 12] = 0x30; // data offset 12 bytes: less than a TCP header
        return Stream.of(
                Arguments.of("IPv4 TCP SYN", tcpSyn, PASS, TCP_OK),
                Arguments.of("IPv4 TCP data", ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", TCP,
                        tcp(40000, 80, ACK | PSH, payload(200)))), PASS, TCP_OK),
                Arguments.of("IPv4 UDP DNS", ethernet(ETH_P_IP, ipv4("192.168.1.10", "8.8.8.8", UDP,
                        udp(53000, 53, payload(30)))), PASS, UDP_OK),
                Arguments.of("IPv4 ICMP echo", ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.9", ICMP,
                        icmpEcho(8, 0x4242, 1))), PASS, ICMP_OK),
                Arguments.of("IPv4 with options", ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", TCP, 0,
                        new byte[] {7, 7, 4, 0, 0, 0, 0, 1}, tcp(1234, 443, SYN | ACK, new byte[0]))), PASS, TCP_OK),
                Arguments.of("IPv4 first fragment", ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, 0x2000,
                        new byte[0], udp(7000, 7001, payload(64)))), PASS, UDP_OK),
                Arguments.of("IPv4 later fragment", ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, 0x0009,
                        new byte[0], payload(40))), PASS, FRAGMENT),
                Arguments.of("IPv4 GRE", ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", 47, payload(24))), PASS,
                        OTHER_L4),
                Arguments.of("802.1Q IPv4 UDP", ethernet(ETH_P_8021Q, vlanTag(100, ETH_P_IP),
                        ipv4("10.0.0.3", "10.0.0.4", UDP, udp(5000, 5001, payload(10)))), PASS, UDP_OK),
                Arguments.of("QinQ IPv6 TCP", ethernet(ETH_P_8021AD, vlanTag(7, ETH_P_8021Q), vlanTag(200, ETH_P_IPV6),
                        ipv6("2001:db8::1", "2001:db8::2", TCP, tcp(3333, 22, SYN, new byte[0]))), PASS, TCP_OK),
                Arguments.of("three VLAN tags", ethernet(ETH_P_8021AD, vlanTag(1, ETH_P_8021Q), vlanTag(2, ETH_P_8021Q),
                        vlanTag(3, ETH_P_IP), ipv4("10.0.0.1", "10.0.0.2", UDP, udp(1, 2, new byte[0]))), DROP,
                        TOO_MANY_TAGS),
                Arguments.of("truncated VLAN tag", truncate(ethernet(ETH_P_8021Q, vlanTag(5, ETH_P_IP)), 16), DROP,
                        SHORT_VLAN),
                Arguments.of("ARP", ethernet(ETH_P_ARP, payload(28)), PASS, NOT_IP),
                Arguments.of("802.3 length field", ethernet(46, payload(46)), PASS, NOT_IP),
                Arguments.of("IPv6 TCP", ethernet(ETH_P_IPV6, ipv6("fe80::1", "fe80::2", TCP,
                        tcp(5555, 6666, SYN | ACK, payload(16)))), PASS, TCP_OK),
                Arguments.of("IPv6 UDP behind extension headers", ethernet(ETH_P_IPV6, ipv6("2001:db8::10",
                        "2001:db8::20", HOPOPTS, concat(ipv6Extension(DSTOPTS, 0), ipv6Extension(ROUTING, 2),
                                ipv6Extension(UDP, 1), udp(9000, 9001, payload(12))))), PASS, UDP_OK),
                Arguments.of("IPv6 later fragment", ethernet(ETH_P_IPV6, ipv6("2001:db8::10", "2001:db8::20",
                        FRAGMENT_HEADER, concat(ipv6Fragment(UDP, 185, false), payload(32)))), PASS, FRAGMENT),
                Arguments.of("IPv6 first fragment", ethernet(ETH_P_IPV6, ipv6("2001:db8::10", "2001:db8::20",
                        FRAGMENT_HEADER, concat(ipv6Fragment(TCP, 0, true), tcp(80, 1024, ACK, payload(20))))), PASS,
                        TCP_OK),
                Arguments.of("ICMPv6 echo", ethernet(ETH_P_IPV6, ipv6("2001:db8::1", "2001:db8::2", ICMPV6,
                        icmpEcho(128, 77, 3))), PASS, ICMP_OK),
                Arguments.of("IPv6 extension header past the end", truncate(ethernet(ETH_P_IPV6, ipv6("2001:db8::1",
                        "2001:db8::2", HOPOPTS, concat(ipv6Extension(TCP, 4), tcp(1, 2, SYN, new byte[0])))), 14 + 40 + 16),
                        DROP, SHORT_IPV6_EXT),
                Arguments.of("IPv6 header cut short", truncate(ethernet(ETH_P_IPV6, ipv6("::1", "::2", UDP,
                        udp(1, 2, new byte[0]))), 14 + 39), DROP, SHORT_IP),
                Arguments.of("IPv4 header cut short", truncate(tcpSyn, 14 + 19), DROP, SHORT_IP),
                Arguments.of("Ethernet header only", ethernet(ETH_P_IP), DROP, SHORT_IP),
                Arguments.of("IHL beyond the packet", longIhl, DROP, SHORT_IP),
                Arguments.of("IP version 6 in IPv4", badVersion, ABORTED, BAD_IP_HEADER),
                Arguments.of("IHL below 5", shortIhl, ABORTED, BAD_IP_HEADER),
                Arguments.of("TCP header cut short", truncate(tcpSyn, 14 + 20 + 19), DROP, SHORT_L4),
                Arguments.of("TCP data offset past the end", badDoff, DROP, SHORT_L4),
                Arguments.of("TCP data offset below 5", tinyDoff, DROP, SHORT_L4),
                Arguments.of("UDP header cut short", truncate(ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP,
                        udp(1, 2, new byte[0]))), 14 + 20 + 7), DROP, SHORT_L4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void sameVerdictAndMapsAsLinux(String name, byte[] frame, int action, int outcome) {
        LoadedObject obj = KernelOracle.load(OBJECT);
        XdpResult result = obj.program(PROGRAM).runXdp(XdpPacket.of(frame));
        assertThat(result.returnValue()).as("verdict").isEqualTo(action);
        assertThat(obj.map("outcomes").lookupLong(outcome)).as("outcome counter").isEqualTo(1);
        boolean counted = action == PASS && outcome != NOT_IP;
        assertThat(obj.map("flows").keys()).as("flows").hasSize(counted ? 1 : 0);

        KernelRun kernel = KernelOracle.require(temp).run(OBJECT, frame);
        assertThat(KernelOracle.u32(result.returnValue())).as("%s: verdict", name).isEqualTo(kernel.retval());
        KernelOracle.assertSameMaps(kernel, obj, name);
    }

    @Test
    void repeatedPacketsAccumulateLikeLinux() {
        byte[] frame = ethernet(ETH_P_8021Q, vlanTag(42, ETH_P_IPV6), ipv6("2001:db8::1", "2001:db8::2", UDP,
                udp(1000, 2000, payload(100))));
        LoadedObject obj = KernelOracle.load(OBJECT);
        for (int i = 0; i < 7; i++) {
            obj.program(PROGRAM).runXdp(XdpPacket.of(frame));
        }
        byte[] value = obj.map("flows").lookup(obj.map("flows").keys().getFirst()).orElseThrow();
        assertThat(value[0]).as("packets").isEqualTo((byte) 7);

        KernelRun kernel = KernelOracle.require(temp).run(OBJECT, frame, "-r", "7");
        KernelOracle.assertSameMaps(kernel, obj, "7 runs");
    }

    @Test
    void frameShorterThanAnEthernetHeaderIsDropped() {
        // the kernel's test runs refuse frames under 14 bytes, so this case is bpf4j's alone
        LoadedObject obj = KernelOracle.load(OBJECT);
        assertThat(obj.program(PROGRAM).runXdp(XdpPacket.of(new byte[10])).returnValue()).isEqualTo(DROP);
        assertThat(obj.map("outcomes").lookupLong(SHORT_ETH)).isEqualTo(1);
    }
}
