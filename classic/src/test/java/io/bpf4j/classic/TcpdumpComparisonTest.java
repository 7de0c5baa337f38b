package io.bpf4j.classic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bpf4j.capture.CaptureReader;
import io.bpf4j.capture.CapturedPacket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * bpf4j runs tcpdump's own classic programs on generated traffic; the packets it keeps must be,
 * packet for packet, those {@code tcpdump -r IN -w OUT EXPR} keeps.
 */
class TcpdumpComparisonTest {
    @TempDir
    static Path dir;
    static Path capture;
    static List<CapturedPacket> packets;

    @BeforeAll
    static void traffic() throws IOException {
        capture = dir.resolve("traffic.pcap");
        packets = TrafficGenerator.write(capture, 20261123, 1500);
    }

    static final String[] EXPRESSIONS = {
        "ip", "ip6", "arp", "tcp", "udp", "icmp", "icmp6",
        "host 10.0.0.1", "src host 10.0.0.2", "dst host 192.168.1.7", "ip6 host fe80::1",
        "net 10.0.0.0/24", "src net 172.16.0.0/12", "dst net 192.168.0.0/16",
        "port 80", "tcp port 443", "udp port 53", "src port 22", "dst port 8080", "portrange 1000-2000",
        "vlan", "vlan 100", "vlan and tcp", "vlan 200 and udp port 53", "vlan and vlan", "vlan 300 or arp",
        "ether broadcast", "ether multicast", "ether host 02:00:00:00:00:01", "ether src 02:00:00:00:00:03",
        "ether proto 0x88cc", "ip multicast", "ip6 multicast", "ip broadcast",
        "tcp[tcpflags] & tcp-syn != 0", "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn", "tcp[13] = 0x18",
        "ip[8] < 64", "ip[6:2] & 0x1fff != 0", "ip[6] & 0x20 != 0", "ip[0] & 0xf > 5", "ip[2:2] > 1000",
        "icmp[icmptype] == icmp-echo", "icmp6 and ip6[40] == 128", "udp[4:2] > 500", "ether[0] & 1 = 1",
        "len > 600", "less 100", "greater 1000", "len <= 64",
        "ip proto 47", "ip6 proto 58", "proto \\tcp or proto \\udp",
        "tcp or udp", "not ip", "not (tcp or udp or icmp)", "host 10.0.0.1 and not port 22",
        "(tcp port 80 or tcp port 443) and host 10.0.0.3", "src 10.0.0.1 and dst 10.0.0.2",
        "port 53 and (udp or tcp)", "ip6 and tcp and port 443", "arp and ether src 02:00:00:00:00:02"};

    static String[] expressions() {
        return EXPRESSIONS;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expressions")
    void bpf4jKeepsTheSamePacketsAsTcpdump(String expression) throws Exception {
        assumeTrue(Tcpdump.isAvailable(), "tcpdump is not installed: skipping the comparison with tcpdump");
        ClassicProgram program = Tcpdump.compile(expression, capture);
        SocketFilter filter = ExecutionModes.checked(SocketFilter.of(program));
        List<CapturedPacket> ours = new ArrayList<>();
        for (CapturedPacket p : packets) {
            if (filter.matches(p.data())) {
                ours.add(p);
            }
        }
        List<CapturedPacket> theirs = tcpdumpKeeps(expression);
        // every expression both keeps and drops some of the traffic, so both outcomes are compared
        assertThat(theirs.size()).as("%s: packets tcpdump keeps", expression).isBetween(1, packets.size() - 1);
        assertThat(ours).as("%s: bpf4j kept %d packets, tcpdump %d", expression, ours.size(), theirs.size())
                .hasSameSizeAs(theirs);
        for (int i = 0; i < ours.size(); i++) {
            assertThat(ours.get(i).timestampNanos()).as("%s: packet %d", expression, i).isEqualTo(theirs.get(i).timestampNanos());
            assertThat(ours.get(i).data()).as("%s: packet %d", expression, i).isEqualTo(theirs.get(i).data());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expressions")
    void libpcapCompilesWhatTcpdumpCompiles(String expression) {
        assumeTrue(Tcpdump.isAvailable() && Libpcap.isAvailable(), "tcpdump or libpcap is not installed");
        assertThat(Libpcap.compile(expression, 1, 262_144)).isEqualTo(Tcpdump.compile(expression, capture));
    }

    @Test
    void libpcapReportsItsErrors() {
        assumeTrue(Libpcap.isAvailable(), "libpcap is not installed");
        assertThatThrownBy(() -> Libpcap.compile("tcp prot 80", 1, 262_144)).isInstanceOf(FilterCompileException.class)
                .hasMessageContaining("syntax error");
        assertThatThrownBy(() -> Libpcap.compile("tcp", 99999, 262_144)).isInstanceOf(FilterCompileException.class);
    }

    @Test
    void theTrafficIsVaried() {
        // enough of each kind that the expressions above are tested on both outcomes
        long vlan = packets.stream().filter(p -> p.data().length > 14 && (p.data()[12] & 0xff) == 0x81).count();
        long v6 = packets.stream().filter(p -> p.data().length > 14 && (p.data()[12] & 0xff) == 0x86).count();
        long runts = packets.stream().filter(p -> p.data().length < 14).count();
        assertThat(vlan).isGreaterThan(50);
        assertThat(v6).isGreaterThan(150);
        assertThat(runts).isGreaterThan(5);
    }

    @Test
    void aBadExpressionGetsTcpdumpsMessage() {
        assumeTrue(Tcpdump.isAvailable(), "tcpdump is not installed");
        assertThatThrownBy(() -> Tcpdump.compile("tcp prot 80", capture)).isInstanceOf(FilterCompileException.class)
                .hasMessageContaining("syntax error");
    }

    private static List<CapturedPacket> tcpdumpKeeps(String expression) throws Exception {
        Path out = Files.createTempFile(dir, "tcpdump", ".pcap");
        Process p = new ProcessBuilder(Tcpdump.executable().toString(), "-r", capture.toString(), "-w", out.toString(), "--", expression)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("tcpdump exit code").isZero();
        List<CapturedPacket> kept = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(out)) {
            r.forEach(kept::add);
        }
        return kept;
    }
}
