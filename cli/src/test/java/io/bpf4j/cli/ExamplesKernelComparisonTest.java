package io.bpf4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpf4j.capture.CaptureReader;
import io.bpf4j.capture.CapturedPacket;
import io.bpf4j.loader.LoadedObject;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.types.SkBuff;
import io.bpf4j.runtime.types.TcResult;
import io.bpf4j.runtime.types.XdpPacket;
import io.bpf4j.runtime.types.XdpResult;
import io.bpf4j.testkit.KernelRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled examples on every frame of the bundled capture, in bpf4j and in the Linux kernel
 * (one {@code BPF_PROG_TEST_RUN} per frame through ../shared/tools' kernel-run): the same return
 * value and the same output frame, frame by frame. Skipped where the kernel cannot be used.
 */
class ExamplesKernelComparisonTest {
    @TempDir
    Path dir;

    static List<CapturedPacket> traffic() throws IOException {
        List<CapturedPacket> packets = new ArrayList<>();
        try (CaptureReader reader = CaptureReader.open(RunOnPacketsTest.TRAFFIC)) {
            reader.forEach(packets::add);
        }
        return packets;
    }

    private JsonNode kernel(Path object, String program, byte[] frame, Path output) throws IOException {
        Path input = dir.resolve("frame.bin");
        Files.write(input, frame);
        return KernelRunner.require().run(object, "-p", program, "-d", input.toString(), "-o", output.toString());
    }

    @Test
    void xdpFirewallAgreesWithLinuxOnEveryFrame() throws IOException {
        KernelRunner.require();
        Path output = dir.resolve("out.bin");
        int number = 0;
        for (CapturedPacket packet : traffic()) {
            number++;
            // A fresh object per frame: kernel-run loads the program afresh for each frame too.
            LoadedObject firewall = LoadedObject.open(RunOnPacketsTest.FIREWALL, BpfRuntime.create());
            XdpResult ours = firewall.program("xdp_firewall").runXdp(XdpPacket.of(packet.data()));
            JsonNode theirs = kernel(RunOnPacketsTest.FIREWALL, "xdp_firewall", packet.data(), output);
            assertThat(ours.returnValue()).as("frame %d: return value", number).isEqualTo(theirs.get("retval").asLong());
            assertThat(HexFormat.of().formatHex(ours.packet())).as("frame %d: output frame", number)
                    .isEqualTo(HexFormat.of().formatHex(Files.readAllBytes(output)));
        }
        assertThat(number).isEqualTo(166);
    }

    @Test
    void tcMarkerAgreesWithLinuxOnEveryFrameIncludingRewrittenBytes() throws IOException {
        KernelRunner.require();
        LoadedObject marker = LoadedObject.open(RunOnPacketsTest.MARKER, BpfRuntime.create());
        Path output = dir.resolve("out.bin");
        int number = 0;
        int rewritten = 0;
        int refused = 0;
        for (CapturedPacket packet : traffic()) {
            number++;
            TcResult ours = marker.program("tc_dscp_marker").runTc(SkBuff.ofEthernet(packet.data()));
            JsonNode theirs;
            try {
                theirs = kernel(RunOnPacketsTest.MARKER, "tc_dscp_marker", packet.data(), output);
            } catch (IllegalStateException e) {
                // The kernel's skb test run refuses an IPv4 frame too short for an IPv4 header (EINVAL),
                // though on a real interface tc would see it: nothing to compare for that frame.
                assertThat(e.getMessage()).contains("BPF_PROG_TEST_RUN failed: Invalid argument");
                assertThat(packet.data().length).isLessThan(14 + 20);
                refused++;
                continue;
            }
            assertThat(ours.returnValue()).as("frame %d: return value", number).isEqualTo(theirs.get("retval").asLong());
            byte[] kernelFrame = Files.readAllBytes(output);
            assertThat(HexFormat.of().formatHex(ours.skb().data())).as("frame %d: output frame", number)
                    .isEqualTo(HexFormat.of().formatHex(kernelFrame));
            if (!java.util.Arrays.equals(kernelFrame, packet.data())) {
                rewritten++;
            }
        }
        assertThat(rewritten).as("frames the marker rewrote").isPositive();
        assertThat(refused).as("frames the kernel refused to test-run").isEqualTo(1);
    }
}
