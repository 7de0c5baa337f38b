package io.bpf4j.loader;

import static io.bpf4j.loader.TestPackets.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.loader.KernelOracle.KernelRun;
import io.bpf4j.runtime.types.SkBuff;
import io.bpf4j.runtime.types.TcResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * tc_nat.c: destination NAT through bpf_skb_load_bytes, bpf_skb_store_bytes, bpf_l3_csum_replace
 * and bpf_l4_csum_replace. bpf4j's output packet must be byte for byte the kernel's (so the
 * incremental checksum updates agree, including UDP's "no checksum" zero), its checksums valid,
 * and the verdict, mark and maps equal Linux's.
 */
class TcNatKernelTest {
    private static final String OBJECT = "tc_nat";
    private static final String PROGRAM = "tc_dnat";
    private static final int TC_ACT_OK = 0;
    private static final int TC_ACT_SHOT = 2;
    private static final int MARK_REWRITTEN = 0x100;
    private static final int MARK_DROPPED = 0x200;
    private static final int SEEN = 0;
    private static final int REWRITTEN_TCP = 3;

    @TempDir
    Path temp;

    private static byte[] tcpTo(String dst, int dport) {
        return ethernet(ETH_P_IP, ipv4("10.0.0.9", dst, TCP, tcp(40000, dport, SYN, payload(9))));
    }

    static Stream<Arguments> packets() {
        return Stream.of(
                Arguments.of("TCP to the service", tcpTo("10.0.0.1", 8080), TC_ACT_OK, MARK_REWRITTEN),
                Arguments.of("UDP to the service", ethernet(ETH_P_IP, ipv4("10.7.7.7", "10.0.0.1", UDP,
                        udp(3000, 8080, payload(33)))), TC_ACT_OK, MARK_REWRITTEN),
                Arguments.of("UDP without checksum", ethernet(ETH_P_IP, ipv4("10.7.7.7", "10.0.0.1", UDP,
                        udpNoChecksum(3000, 8080, payload(5)))), TC_ACT_OK, MARK_REWRITTEN),
                Arguments.of("TCP with IP options", ethernet(ETH_P_IP, ipv4("10.0.0.9", "10.0.0.1", TCP, 0,
                        new byte[] {1, 1, 1, 0}, tcp(1234, 8080, ACK, payload(100)))), TC_ACT_OK, MARK_REWRITTEN),
                Arguments.of("another port", tcpTo("10.0.0.1", 8081), TC_ACT_OK, 0),
                Arguments.of("another address", tcpTo("10.0.0.3", 8080), TC_ACT_OK, 0),
                Arguments.of("telnet", tcpTo("10.0.0.1", 23), TC_ACT_SHOT, MARK_DROPPED),
                Arguments.of("later fragment", ethernet(ETH_P_IP, ipv4("10.0.0.9", "10.0.0.1", UDP, 0x0004, new byte[0],
                        concat(u16(3000), u16(8080), payload(12)))), TC_ACT_OK, 0),
                Arguments.of("ICMP", ethernet(ETH_P_IP, ipv4("10.0.0.9", "10.0.0.1", ICMP, icmpEcho(8, 1, 1))),
                        TC_ACT_OK, 0),
                Arguments.of("IPv6", ethernet(ETH_P_IPV6, ipv6("2001:db8::1", "2001:db8::2", TCP,
                        tcp(1, 8080, SYN, new byte[0]))), TC_ACT_OK, 0),
                Arguments.of("ports cut short", truncate(tcpTo("10.0.0.1", 8080), 14 + 20 + 3), TC_ACT_OK, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packets")
    void samePacketVerdictAndMapsAsLinux(String name, byte[] frame, int action, int mark) throws Exception {
        LoadedObject obj = KernelOracle.load(OBJECT);
        TcResult result = obj.program(PROGRAM).runTc(SkBuff.ofEthernet(frame));
        byte[] out = result.skb().data();
        assertThat(result.returnValue()).as("verdict").isEqualTo(action);
        assertThat(result.skb().mark()).as("mark").isEqualTo(mark);
        if (mark == MARK_REWRITTEN) {
            assertThat(Arrays.copyOfRange(out, 30, 34)).as("new destination").isEqualTo(address("10.0.0.2", 4));
            int l4 = 14 + (out[14] & 0x0f) * 4;
            assertThat(u16(out, l4 + 2)).as("new port").isEqualTo(80);
            assertThat(ipv4ChecksumsValid(out)).as("checksums after the rewrite").isTrue();
        } else {
            assertThat(out).as("untouched").isEqualTo(frame);
        }

        KernelOracle oracle = KernelOracle.require(temp);
        Path ctxOut = temp.resolve("ctx-out.bin");
        // (the kernel writes the context out only when one was passed in)
        KernelRun kernel = oracle.run(OBJECT, frame, "-x", oracle.contextFile(new byte[192]), "--ctx-out",
                ctxOut.toString());
        assertThat(KernelOracle.u32(result.returnValue())).as("%s: verdict", name).isEqualTo(kernel.retval());
        assertThat(KernelOracle.HEX.formatHex(out)).as("%s: output packet", name)
                .isEqualTo(KernelOracle.HEX.formatHex(kernel.dataOut()));
        int kernelMark = ByteBuffer.wrap(Files.readAllBytes(ctxOut)).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
        assertThat(result.skb().mark()).as("%s: mark", name).isEqualTo(kernelMark);
        KernelOracle.assertSameMaps(kernel, obj, name);
    }

    @Test
    void repeatedRunsSeeTheRewrittenPacketAsLinuxsDo() {
        // a kernel test run with repeat reuses one skb, so later runs see the translated packet
        byte[] frame = tcpTo("10.0.0.1", 8080);
        LoadedObject obj = KernelOracle.load(OBJECT);
        SkBuff skb = SkBuff.ofEthernet(frame);
        for (int i = 0; i < 3; i++) {
            skb = obj.program(PROGRAM).runTc(skb).skb();
        }
        assertThat(obj.map("nat_stats").lookupLong(SEEN)).isEqualTo(3);
        assertThat(obj.map("nat_stats").lookupLong(REWRITTEN_TCP)).isEqualTo(1);

        KernelRun kernel = KernelOracle.require(temp).run(OBJECT, frame, "-r", "3");
        assertThat(KernelOracle.HEX.formatHex(skb.data())).isEqualTo(KernelOracle.HEX.formatHex(kernel.dataOut()));
        KernelOracle.assertSameMaps(kernel, obj, "3 runs");
    }
}
