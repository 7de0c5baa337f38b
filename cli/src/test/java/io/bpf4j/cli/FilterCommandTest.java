package io.bpf4j.cli;

import static io.bpf4j.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bpf4j.capture.CapturedPacket;
import io.bpf4j.capture.PcapWriter;
import io.bpf4j.classic.Tcpdump;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code bpf4j filter}: its output capture and count must be what tcpdump -r IN -w OUT EXPR gives. */
class FilterCommandTest {
    static final List<String> FRAMES = List.of(
            // IPv4 TCP 10.0.0.1:1234 -> 10.0.0.2:80 SYN
            "020000000002 020000000001 0800 45000028 0001 0000 4006 0000 0a000001 0a000002 04d2 0050 00000001 00000000 5002 2000 0000 0000",
            // IPv4 UDP 10.0.0.2:5353 -> 10.0.0.9:53
            "020000000001 020000000002 0800 4500001c 0002 0000 4011 0000 0a000002 0a000009 14e9 0035 0008 0000",
            // ARP request, broadcast
            "ffffffffffff 020000000001 0806 0001 0800 0604 0001 020000000001 0a000001 000000000000 0a000002",
            // VLAN 100, IPv4 TCP to port 443
            "020000000002 020000000001 8100 0064 0800 45000028 0003 0000 4006 0000 0a000003 0a000002 c000 01bb 00000001 00000000 5010 2000 0000 0000",
            // IPv6 UDP fe80::1 -> fe80::2 port 53
            "020000000002 020000000001 86dd 60000000 0008 11 40 fe800000000000000000000000000001 fe800000000000000000000000000002 0035 0035 0008 0000",
            // runt
            "0102030405");

    @TempDir
    Path temp;
    Path capture;

    @BeforeEach
    void capture() throws IOException {
        capture = temp.resolve("in.pcap");
        try (PcapWriter w = PcapWriter.create(capture, 1)) {
            long t = 1_700_000_000_000_000_000L;
            for (String f : FRAMES) {
                w.write(CapturedPacket.ethernet(t += 1_000_000, HexFormat.of().parseHex(f.replace(" ", ""))));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "udp port 53", "vlan", "arp or ip6", "ip host 10.0.0.2 and not vlan", "not ip"})
    void theOutputCaptureIsTcpdumps(String expression) throws Exception {
        assumeTrue(Tcpdump.isAvailable(), "tcpdump is not installed");
        Path ours = temp.resolve("ours.pcap");
        Path theirs = temp.resolve("theirs.pcap");
        Cli.Result r = run("filter", expression, "--pcap", capture.toString(), "--out", ours.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        Process p = new ProcessBuilder(Tcpdump.executable().toString(), "-r", capture.toString(), "-w", theirs.toString(), "--", expression)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readAllBytes(ours)).isEqualTo(Files.readAllBytes(theirs));
        long matched = (Files.size(theirs) - 24) > 0 ? countPackets(theirs) : 0;
        assertThat(r.out()).isEqualTo(FRAMES.size() + " packets read, " + matched + " matched\n");
    }

    @Test
    void aClassicProgramFileFilters() throws IOException {
        Path program = temp.resolve("arp.bpf");
        Files.writeString(program, "ldh [12]\njneq #0x806, drop\nret #-1\ndrop: ret #0\n");
        Cli.Result r = run("filter", "--classic", program.toString(), "--pcap", capture.toString(), "--dump", "tcpdump");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).isEqualTo("""
                (000) ldh      [12]
                (001) jeq      #0x806           jt 2\tjf 3
                (002) ret      #-1
                (003) ret      #0
                6 packets read, 1 matched
                """);
    }

    @Test
    void theConvertedProgramCanBeShown() throws IOException {
        Path program = temp.resolve("arp.bpf");
        Files.writeString(program, "ldh [12]\njneq #0x806, drop\nret #-1\ndrop: ret #0\n");
        Cli.Result r = run("filter", "--classic", program.toString(), "--pcap", capture.toString(), "--ebpf");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.OK);
        assertThat(r.out()).contains("r6 = r1", "r0 = *(u16 *)skb[0xc]", "if r0 != 0x806 goto", "exit").endsWith("6 packets read, 1 matched\n");
    }

    @Test
    void errorsAreOneLine() throws IOException {
        Path bad = temp.resolve("bad.bpf");
        Files.writeString(bad, "ldh [12]\nret #0\nld M[17]\nret a\n");
        Cli.Result refused = run("filter", "--classic", bad.toString(), "--pcap", capture.toString());
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(refused.err()).isEqualTo("bpf4j: " + bad + ": instruction 2: 'ld M[17]' addresses scratch word M[17];"
                + " there are only M[0] to M[15] (Linux would refuse this filter)\n");
        Files.writeString(bad, "ldh [12\n");
        Cli.Result syntax = run("filter", "--classic", bad.toString(), "--pcap", capture.toString());
        assertThat(syntax.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(syntax.err()).startsWith("bpf4j: " + bad + ": 1:8: expected ']'");
        Cli.Result missing = run("filter", "tcp", "--pcap", temp.resolve("none.pcap").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(missing.err()).contains("none.pcap: no such file");
        Cli.Result both = run("filter", "tcp", "--classic", bad.toString(), "--pcap", capture.toString());
        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aBadExpressionGetsTcpdumpsMessage() {
        assumeTrue(Tcpdump.isAvailable(), "tcpdump is not installed");
        Cli.Result r = run("filter", "tcp prot 80", "--pcap", capture.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(r.err()).startsWith("bpf4j: filter expression: ").contains("syntax error").doesNotContain("\n\n");
    }

    private static long countPackets(Path pcap) throws IOException {
        try (io.bpf4j.capture.CaptureReader r = io.bpf4j.capture.CaptureReader.open(pcap)) {
            long n = 0;
            for (CapturedPacket ignored : r) {
                n++;
            }
            return n;
        }
    }
}
