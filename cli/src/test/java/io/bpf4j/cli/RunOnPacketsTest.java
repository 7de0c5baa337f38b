package io.bpf4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bpf4j.capture.CaptureReader;
import io.bpf4j.capture.CapturedPacket;
import io.bpf4j.capture.LinkType;
import io.bpf4j.capture.PcapWriter;
import io.bpf4j.compiler.internal.BytecodeCompilerService;
import io.bpf4j.runtime.ExecutionMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code bpf4j run OBJ --packet/--pcap}: the bundled examples on the bundled capture, and crafted
 * frames; every test once per execution mode ({@code --mode interpreter} and {@code compiled}).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(value = ExecutionMode.class, names = {"INTERPRETER", "COMPILED"})
class RunOnPacketsTest {
    static final Path EXAMPLES = Path.of("..", "examples");
    static final Path FIREWALL = EXAMPLES.resolve("objects/xdp_firewall.o");
    static final Path MARKER = EXAMPLES.resolve("objects/tc_dscp_marker.o");
    static final Path DNS = EXAMPLES.resolve("objects/socket_dns.o");
    static final Path TRAFFIC = EXAMPLES.resolve("traffic.pcap");
    static final ObjectMapper JSON = new ObjectMapper();

    @Parameter
    ExecutionMode mode;

    @TempDir
    Path dir;

    /**
     * {@code bpf4j ARGS... --mode MODE}, in-process. A successful run must have compiled its
     * program in COMPILED mode (a class generated on this thread) and compiled nothing in
     * INTERPRETER mode: a compiled run cannot silently fall back to the interpreter.
     */
    Cli.Result run(String... args) {
        List<String> withMode = new ArrayList<>(List.of(args));
        withMode.addAll(List.of("--mode", mode.name().toLowerCase(java.util.Locale.ROOT)));
        int[] compiled = new int[1];
        Cli.Result[] result = new Cli.Result[1];
        BytecodeCompilerService.capture(c -> compiled[0]++, () -> result[0] = Cli.run(withMode.toArray(String[]::new)));
        if (result[0].exitCode() == 0) {
            if (mode == ExecutionMode.COMPILED) {
                assertThat(compiled[0]).as("classes compiled for %s", withMode).isPositive();
            } else {
                assertThat(compiled[0]).as("classes compiled for %s", withMode).isZero();
            }
        }
        return result[0];
    }

    /** Ethernet + IPv4 (valid header checksum) + TCP or UDP to {@code port}, from 10.0.0.{host}. */
    static byte[] frame(int protocol, int host, int port, int payload) {
        int l4 = protocol == 6 ? 20 : 8;
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + l4 + payload);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4 + payload)).putInt(0).put((byte) 64).put((byte) protocol)
                .putShort((short) 0).put(new byte[] {10, 0, 0, (byte) host}).put(new byte[] {10, 0, 0, 99});
        b.putShort(24, (short) ~ipChecksumSum(b.array()));
        b.putShort(34, (short) 40000).putShort(36, (short) port);
        return b.array();
    }

    /** The one's-complement sum of the IPv4 header's 16-bit words (0xffff when the checksum is right). */
    static int ipChecksumSum(byte[] frame) {
        int sum = 0;
        for (int i = 14; i < 34; i += 2) {
            sum += (frame[i] & 0xff) << 8 | (frame[i + 1] & 0xff);
        }
        while (sum > 0xffff) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return sum;
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    JsonNode json(String... args) throws IOException {
        Cli.Result r = run(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return JSON.readTree(r.out());
    }

    @Test
    void firewallDropsClosedPortsAndCountsPerSourceOnOneFrameRunRepeatedly() throws IOException {
        Path telnet = write("telnet.bin", frame(6, 7, 23, 10));
        JsonNode dropped = json("run", FIREWALL.toString(), "--packet", telnet.toString(), "--repeat", "3", "--json");
        assertThat(dropped.get("retval").asInt()).isEqualTo(1); // XDP_DROP
        assertThat(dropped.get("runs").asInt()).isEqualTo(3);
        assertThat(dropped.get("results").get("1").asInt()).isEqualTo(3);
        // .bss: dropped[1] (closed port) counted three times; the source 10.0.0.7 three packets of 64 bytes
        assertThat(dropped.get("maps").get(".bss").get(0).get("value").asText())
                .isEqualTo("0000000000000000" + "0300000000000000" + "0000000000000000");
        JsonNode source = dropped.get("maps").get("sources").get(0);
        assertThat(source.get("key").asText()).isEqualTo("0a000007");
        assertThat(source.get("value").asText()).isEqualTo("0300000000000000" + "c000000000000000");

        Path web = write("web.bin", frame(17, 8, 80, 100));
        JsonNode passed = json("run", FIREWALL.toString(), "--packet", web.toString(), "--json");
        assertThat(passed.get("retval").asInt()).isEqualTo(2); // XDP_PASS
        // per-CPU array: a list of values per key, one per CPU slot, UDP's slot (17) holding one packet
        JsonNode udp = passed.get("maps").get("proto_stats").get(17);
        assertThat(udp.get("key").asText()).isEqualTo("11000000");
        assertThat(udp.get("value").isArray()).isTrue();
        long packets = 0;
        for (JsonNode cpu : udp.get("value")) {
            packets += Long.parseLong(cpu.asText().substring(0, 2), 16);
        }
        assertThat(packets).isEqualTo(1);
    }

    @Test
    void firewallOverTheBundledCapturePrintsAHistogramAndTheMaps() {
        Cli.Result r = run("run", FIREWALL.toString(), "--pcap", TRAFFIC.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("xdp_firewall (xdp): 166 packets from " + TRAFFIC)
                .containsPattern("\\d+ +\\d+\\.\\d% +XDP_DROP \\(1\\)")
                .containsPattern("\\d+ +\\d+\\.\\d% +XDP_PASS \\(2\\)")
                .contains("map sources (lru_hash, key 4, value 16, max_entries 32)")
                .contains("all-zero slots not shown");
    }

    @Test
    void tcMarkerRewritesDscpWithAValidChecksumAndOutWritesWhatPassed() throws IOException {
        List<CapturedPacket> input = new ArrayList<>();
        input.add(CapturedPacket.ethernet(1_000, frame(6, 1, 22, 5))); // ssh: rewritten
        input.add(CapturedPacket.ethernet(2_000, frame(17, 1, 53, 5))); // dns: rewritten
        input.add(CapturedPacket.ethernet(3_000, frame(6, 1, 80, 5))); // web: untouched
        Path in = dir.resolve("in.pcap");
        try (PcapWriter writer = PcapWriter.create(in, LinkType.ETHERNET)) {
            for (CapturedPacket p : input) {
                writer.write(p);
            }
        }
        Path out = dir.resolve("out.pcap");
        JsonNode result = json("run", MARKER.toString(), "--pcap", in.toString(), "--out", out.toString(), "--json");
        assertThat(result.get("results").get("0").asInt()).isEqualTo(3);
        assertThat(result.get("maps").get("marked").toString())
                .isEqualTo("[{\"key\":\"1600\",\"value\":\"0100000000000000\"},{\"key\":\"3500\",\"value\":\"0100000000000000\"}]");
        try (CaptureReader reader = CaptureReader.open(out)) {
            for (CapturedPacket original : input) {
                CapturedPacket written = reader.next();
                assertThat(written.timestampNanos()).isEqualTo(original.timestampNanos());
                boolean rewritten = original.data()[37] != 80;
                assertThat(written.data()[15] & 0xff).isEqualTo(rewritten ? 46 << 2 : 0);
                assertThat(ipChecksumSum(written.data())).as("IPv4 header checksum").isEqualTo(0xffff);
            }
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void socketFilterKeepsDnsAndCutsResponsesInTheOutputCapture() throws IOException {
        Path out = dir.resolve("dns.pcap");
        JsonNode result = json("run", DNS.toString(), "--pcap", TRAFFIC.toString(), "--out", out.toString(), "--json");
        int kept = result.get("passed").asInt();
        assertThat(kept).isEqualTo(result.get("packets").asInt() - result.get("results").get("0").asInt());
        assertThat(result.get("results").get("512").asInt()).isPositive();
        assertThat(result.get("maps").get("events")).hasSize(kept);
        int written = 0;
        try (CaptureReader reader = CaptureReader.open(out)) {
            for (CapturedPacket p = reader.next(); p != null; p = reader.next()) {
                written++;
                assertThat(p.data().length).isLessThanOrEqualTo(512);
                assertThat(p.originalLength()).isGreaterThanOrEqualTo(p.data().length);
            }
        }
        assertThat(written).isEqualTo(kept);
    }

    @Test
    void assemblyRunsOnPacketsAsTheTypeGiven() throws IOException {
        Path program = write("drop.s", "r0 = 1\nexit\n".getBytes());
        Path packet = write("p.bin", frame(6, 1, 80, 0));
        JsonNode result = json("run", program.toString(), "--type", "xdp", "--packet", packet.toString(), "--json");
        assertThat(result.get("results").toString()).isEqualTo("{\"1\":1}");
        assertThat(result.get("maps").size()).isZero();

        Cli.Result noType = run("run", program.toString(), "--packet", packet.toString());
        assertThat(noType.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noType.err()).contains("give --type (xdp, tc, socket, cgroup_skb)");
    }

    @Test
    void choosingAProgramAndATypeFromAnObjectWithSeveral() throws IOException {
        Path tailCalls = Path.of("..", "loader", "src", "test", "resources", "objects", "tail_calls.o");
        Path packet = write("p.bin", new byte[64]);
        Cli.Result ambiguous = run("run", tailCalls.toString(), "--packet", packet.toString());
        assertThat(ambiguous.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(ambiguous.err()).contains("choose one with --program").contains("entry in classifier");

        Cli.Result unknown = run("run", tailCalls.toString(), "--packet", packet.toString(), "--program", "nope");
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("no program 'nope'");

        JsonNode bySection = json("run", tailCalls.toString(), "--packet", packet.toString(), "--program", "classifier",
                "--json");
        assertThat(bySection.get("program").asText()).isEqualTo("entry");
        assertThat(bySection.get("type").asText()).isEqualTo("sched_cls");
        assertThat(bySection.get("maps").get("jump_table").get(0).has("program")).isTrue();

        Cli.Result tracing = run("run", FIREWALL.toString(), "--packet", packet.toString(), "--type", "kprobe");
        assertThat(tracing.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(tracing.err()).contains("is a kprobe program; bpf4j run feeds packets to xdp, tc");

        Path unchecked = write("unchecked.s", "r2 = *(u32 *)(r1 + 0)\nr0 = *(u8 *)(r2 + 0)\nexit\n".getBytes());
        // assembly run on packets is verified as objects are: the packet read is not checked against data_end
        Cli.Result refused = run("run", unchecked.toString(), "--type", "xdp", "--packet", packet.toString());
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(refused.err()).contains("the verifier rejects the program at instruction 1")
                .contains("bpf4j verify " + unchecked + " --type xdp").contains("--no-verify");
        assertThat(run("run", unchecked.toString(), "--type", "xdp", "--packet", packet.toString(), "--no-verify")
                .exitCode()).isZero();

        // Verified assembly loads as a verified object does: a call of a helper the runtime lacks in
        // code the verifier found dead is a trap, not a load error (unverified, it is refused).
        Path deadCall = write("dead-call.s", "r0 = 2\nif r0 == 2 goto +1\ncall 9999\nexit\n".getBytes());
        Cli.Result verified = run("run", deadCall.toString(), "--type", "xdp", "--packet", packet.toString());
        assertThat(verified.exitCode()).as(verified.err()).isZero();
        assertThat(verified.out()).contains("XDP_PASS");
        Cli.Result unverified = run("run", deadCall.toString(), "--type", "xdp", "--packet", packet.toString(), "--no-verify");
        assertThat(unverified.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unverified.err()).contains("calls unknown helper id 9999");

        Cli.Result badType = run("run", FIREWALL.toString(), "--packet", packet.toString(), "--type", "warp");
        assertThat(badType.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badType.err()).contains("unknown program type 'warp'");
    }

    @Test
    void inputMistakesAreOneLineErrors() throws IOException {
        Path packet = write("p.bin", new byte[64]);
        Cli.Result both = run("run", FIREWALL.toString(), "--packet", packet.toString(), "--pcap", TRAFFIC.toString());
        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("--packet and --pcap are mutually exclusive");

        Cli.Result none = run("run", FIREWALL.toString());
        assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).contains("is an object file: give --packet FRAME or --pcap CAPTURE");

        Cli.Result notCapture = run("run", FIREWALL.toString(), "--pcap", packet.toString());
        assertThat(notCapture.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(notCapture.err()).contains("not a capture file");

        Path rawIp = dir.resolve("raw.pcap");
        try (PcapWriter writer = PcapWriter.create(rawIp, LinkType.RAW)) {
            writer.write(new CapturedPacket(0, 20, new byte[20], LinkType.RAW));
        }
        Cli.Result linkType = run("run", FIREWALL.toString(), "--pcap", rawIp.toString());
        assertThat(linkType.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(linkType.err()).contains("packet 1 has link type 101");

        Cli.Result outWithoutPackets = run("run", write("p.s", "r0 = 0\nexit\n".getBytes()).toString(), "--out", "x.pcap");
        assertThat(outWithoutPackets.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(outWithoutPackets.err()).contains("--out needs --packet or --pcap");
    }

    @Test
    void framesTheHookCannotTakeAreSkippedAndCounted() throws IOException {
        Path capture = dir.resolve("short.pcap");
        try (PcapWriter writer = PcapWriter.create(capture, LinkType.ETHERNET)) {
            writer.write(CapturedPacket.ethernet(0, frame(6, 1, 80, 0)));
            writer.write(CapturedPacket.ethernet(0, new byte[10])); // no room for an Ethernet header
        }
        Path allow = write("allow.s", "r0 = 1\nexit\n".getBytes());
        JsonNode result = json("run", allow.toString(), "--type", "cgroup_skb", "--pcap", capture.toString(), "--json");
        assertThat(result.get("packets").asInt()).isEqualTo(2);
        assertThat(result.get("runs").asInt()).isEqualTo(1);
        assertThat(result.get("skipped").asInt()).isEqualTo(1);
        Cli.Result text = run("run", allow.toString(), "--type", "cgroup_skb", "--pcap", capture.toString());
        assertThat(text.out()).contains("skipped 1 packet the hook cannot take, first: packet 2: a frame of 10 bytes has"
                + " no Ethernet header");
    }

    @Test
    void objectsAreVerifiedBeforeTheyRunUnlessNoVerifyIsGiven() throws IOException {
        Path object = Path.of("src", "test", "resources", "objects", "unchecked_packet.o");
        Path packet = write("p.bin", new byte[] {42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0});
        Cli.Result rejected = run("run", object.toString(), "--packet", packet.toString());
        assertThat(rejected.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(rejected.err()).contains("program 'xdp_unchecked' is rejected by the verifier")
                .contains("--no-verify runs it unverified");
        JsonNode unverified = json("run", object.toString(), "--packet", packet.toString(), "--no-verify", "--json");
        assertThat(unverified.get("retval").asInt()).isEqualTo(42);
    }
}
