package io.bpf4j.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tcpdump reads what PcapWriter writes, and CaptureReader reads what tcpdump writes. */
class TcpdumpInteropTest {
    private static final Path TCPDUMP = Path.of("/usr/bin/tcpdump");

    /** An Ethernet/IPv4/UDP frame from 10.0.0.1:1000 to 10.0.0.{host}:53. */
    private static byte[] udpFrame(int host, int payload) {
        byte[] frame = new byte[14 + 20 + 8 + payload];
        frame[12] = 0x08;
        frame[14] = 0x45;
        int ipLength = 20 + 8 + payload;
        frame[16] = (byte) (ipLength >> 8);
        frame[17] = (byte) ipLength;
        frame[22] = 64;
        frame[23] = 17;
        frame[26] = 10;
        frame[29] = 1;
        frame[30] = 10;
        frame[33] = (byte) host;
        frame[34] = 0x03;
        frame[35] = (byte) 0xe8;
        frame[37] = 53;
        frame[39] = (byte) (8 + payload);
        return frame;
    }

    private static List<String> tcpdump(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(TCPDUMP.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("tcpdump " + String.join(" ", args)).isZero();
        return out.lines().toList();
    }

    @Test
    void tcpdumpReadsOurCapturesAndWeReadItsOwn(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(TCPDUMP), "tcpdump is not installed (apt-get install tcpdump): interop not checked");
        Path ours = dir.resolve("ours.pcap");
        try (PcapWriter writer = PcapWriter.create(ours, LinkType.ETHERNET)) {
            for (int i = 1; i <= 20; i++) {
                writer.write(CapturedPacket.ethernet(1_600_000_000_000_000_000L + i * 1_000_000L, udpFrame(i, i)));
            }
        }
        List<String> lines = tcpdump("-r", ours.toString(), "-nn", "-tt");
        assertThat(lines).hasSize(20);
        assertThat(lines.get(4)).startsWith("1600000000.005000 IP 10.0.0.1.1000 > 10.0.0.5.53");

        Path theirs = dir.resolve("theirs.pcap");
        tcpdump("-r", ours.toString(), "-w", theirs.toString(), "udp and dst host 10.0.0.7");
        try (CaptureReader reader = CaptureReader.open(theirs)) {
            CapturedPacket packet = reader.next();
            assertThat(packet.data()).isEqualTo(udpFrame(7, 7));
            assertThat(packet.timestampNanos()).isEqualTo(1_600_000_000_007_000_000L);
            assertThat(reader.next()).isNull();
            assertThat(reader.position()).isEqualTo(reader.size());
        }
    }
}
