package io.bpf4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpf4j.capture.CaptureReader;
import io.bpf4j.capture.CapturedPacket;
import io.bpf4j.loader.LoadedObject;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionMode;
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
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The bundled examples on every frame of the bundled capture, in bpf4j and in the Linux kernel
 * (one {@code BPF_PROG_TEST_RUN} per frame through ../shared/tools' kernel-run): the same return
 * value and the same output frame, frame by frame; interpreted and compiled. Skipped where the
 * kernel cannot be used.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(value = ExecutionMode.class, names = {"INTERPRETER", "COMPILED"})
class ExamplesKernelComparisonTest {
    @Parameter
    ExecutionMode mode;

    @TempDir
    Path dir;

    /** The program, after checking that it runs compiled exactly in COMPILED mode (no silent fallback). */
    private Executable program(Path object, String name) throws IOException {
        LoadedObject loaded = LoadedObject.open(object, BpfRuntime.builder().executionMode(mode).build());
        Executable program = loaded.program(name);
        assertThat(program.isCompiled()).as("%s in mode %s runs compiled", name, mode)
                .isEqualTo(mode == ExecutionMode.COMPILED);
        return program;
    }

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
            Executable firewall = program(RunOnPacketsTest.FIREWALL, "xdp_firewall");
            XdpResult ours = firewall.runXdp(XdpPacket.of(packet.data()));
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
        Executable marker = program(RunOnPacketsTest.MARKER, "tc_dscp_marker");
        Path output = dir.resolve("out.bin");
        int number = 0;
        int rewritten = 0;
        int refused = 0;
        for (CapturedPacket packet : traffic()) {
            number++;
            TcResult ours = marker.runTc(SkBuff.ofEthernet(packet.data()));
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
