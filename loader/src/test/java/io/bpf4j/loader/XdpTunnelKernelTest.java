package io.bpf4j.loader;

import static io.bpf4j.loader.TestPackets.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.loader.KernelOracle.KernelRun;
import io.bpf4j.runtime.types.XdpPacket;
import io.bpf4j.runtime.types.XdpResult;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * xdp_tunnel.c: IP-in-IP encapsulation and decapsulation with bpf_xdp_adjust_head, padding
 * removal with bpf_xdp_adjust_tail, metadata with bpf_xdp_adjust_meta and a header checksum from
 * bpf_csum_diff. The kernel's output packet starts at the metadata, so bpf4j's metadata and
 * packet together must equal it byte for byte; verdicts and counters must agree.
 */
class XdpTunnelKernelTest {
    private static final String OBJECT = "xdp_tunnel";
    private static final String PROGRAM = "xdp_tunnel";
    private static final int DROP = 1;
    private static final int PASS = 2;
    private static final int TX = 3;
    private static final int IPIP = 4;

    @TempDir
    Path temp;

    private static byte[] udpTo(String dst, int payload) {
        return ethernet(ETH_P_IP, ipv4("10.0.0.1", dst, UDP, udp(1000, 53, payload(payload))));
    }

    private static byte[] padded(byte[] frame, int length) {
        return Arrays.copyOf(frame, length); // zero padding after the IP packet
    }

    static Stream<Arguments> frames() {
        byte[] inner = ipv4("10.100.7.7", "10.0.0.1", UDP, udp(53, 1000, payload(30)));
        byte[] tunnelled = ethernet(ETH_P_IP, ipv4("198.51.100.1", "192.0.2.1", IPIP, inner));
        byte[] badLength = udpTo("8.8.8.8", 10);
        badLength[16] = 0x05; // total length 0x05xx: past the frame
        byte[] options = ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.100.0.1", UDP, 0, new byte[4], udp(1, 2, new byte[0])));
        return Stream.of(
                Arguments.of("to the tunnelled prefix", udpTo("10.100.1.1", 40), TX),
                Arguments.of("padded, to the tunnelled prefix", padded(udpTo("10.100.200.9", 2), 60), TX),
                Arguments.of("large, to the tunnelled prefix", udpTo("10.100.1.1", 1400), TX),
                Arguments.of("from the tunnel", tunnelled, PASS),
                Arguments.of("padded, from the tunnel", padded(tunnelled, 128), PASS),
                Arguments.of("IPIP for another endpoint", ethernet(ETH_P_IP, ipv4("198.51.100.1", "192.0.2.99", IPIP,
                        inner)), PASS),
                Arguments.of("elsewhere", udpTo("8.8.8.8", 40), PASS),
                Arguments.of("padded, elsewhere", padded(udpTo("8.8.8.8", 1), 60), PASS),
                Arguments.of("ARP", ethernet(ETH_P_ARP, payload(28)), PASS),
                Arguments.of("IP length past the frame", badLength, DROP),
                Arguments.of("IP options", options, DROP),
                Arguments.of("IPIP with the inner header cut short", truncate(tunnelled, 14 + 20 + 12), DROP));
    }

    private static byte[] kernelView(XdpResult r) {
        return concat(r.metadata(), r.packet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void samePacketsAsLinux(String name, byte[] frame, int action) {
        LoadedObject obj = KernelOracle.load(OBJECT);
        XdpResult r = obj.program(PROGRAM).runXdp(XdpPacket.of(frame));
        assertThat(r.returnValue()).as("verdict").isEqualTo(action);
        if (action == TX) {
            byte[] out = r.packet();
            assertThat(out.length).isEqualTo(14 + 20 + u16(frame, 16));
            assertThat(out[14 + 9]).as("outer protocol").isEqualTo((byte) IPIP);
            assertThat(checksum(out, 14, 20, 0)).as("outer header checksum").isZero();
            assertThat(Arrays.copyOfRange(out, 34, out.length)).as("inner packet")
                    .isEqualTo(Arrays.copyOfRange(frame, 14, 14 + u16(frame, 16)));
            assertThat(r.metadata()).hasSize(8);
        }

        KernelRun kernel = KernelOracle.require(temp).run(OBJECT, frame);
        assertThat(r.returnValue()).as("%s: verdict", name).isEqualTo(kernel.retval());
        assertThat(KernelOracle.HEX.formatHex(kernelView(r))).as("%s: output (metadata and packet)", name)
                .isEqualTo(KernelOracle.HEX.formatHex(kernel.dataOut()));
        KernelOracle.assertSameMaps(kernel, obj, name);
    }

    @Test
    void repeatedRunsWorkOnTheChangedBufferAsLinuxsDo() {
        // a repeated kernel test run keeps the buffer: the second run sees the encapsulated packet
        byte[] frame = padded(udpTo("10.100.1.1", 8), 60);
        LoadedObject obj = KernelOracle.load(OBJECT);
        XdpPacket packet = XdpPacket.of(frame);
        XdpResult r = null;
        long[] verdicts = new long[3];
        for (int i = 0; i < 3; i++) {
            r = obj.program(PROGRAM).runXdp(packet);
            verdicts[i] = r.returnValue();
            packet = XdpPacket.of(r.packet()).withMetadata(r.metadata());
        }
        assertThat(verdicts).containsExactly(TX, PASS, PASS);

        KernelRun kernel = KernelOracle.require(temp).run(OBJECT, frame, "-r", "3");
        assertThat(r.returnValue()).isEqualTo(kernel.retval());
        assertThat(KernelOracle.HEX.formatHex(kernelView(r))).isEqualTo(KernelOracle.HEX.formatHex(kernel.dataOut()));
        KernelOracle.assertSameMaps(kernel, obj, "3 runs");
    }
}
