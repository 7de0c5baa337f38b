package io.bpf4j.loader;

import static io.bpf4j.loader.TestPackets.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.loader.KernelOracle.KernelRun;
import io.bpf4j.runtime.types.SkBuff;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * skb_context.c: a tc classifier, a socket filter and a cgroup skb program record every {@code __sk_buff} field they
 * may read, and the packet's first bytes through direct access, bpf_skb_load_bytes and the legacy
 * loads. bpf4j is given the skb a kernel test run builds (see {@link #kernelTestRunSkb}); the
 * records and return values must then be Linux's, byte for byte.
 */
class SkbContextKernelTest {
    private static final String OBJECT = "skb_context";
    private static final int MARK = 8;
    private static final int PRIORITY = 32;
    private static final int CB = 48;

    @TempDir
    Path temp;

    /**
     * The skb of Linux's BPF_PROG_TEST_RUN for a frame: on the loopback device (ifindex 1, no
     * ingress device; its MAC and broadcast addresses are zero, so unicast frames to other
     * addresses are PACKET_OTHERHOST and broadcast frames PACKET_MULTICAST), with the context's
     * writable fields (mark, priority, cb) as given. A socket filter sees the packet from its
     * network header (the kernel pulls the MAC header).
     */
    static SkBuff kernelTestRunSkb(byte[] frame, boolean fromNetworkHeader, int mark, int priority, int[] cb) {
        SkBuff eth = SkBuff.ofEthernet(frame);
        int pktType = switch (eth.pktType()) {
            case SkBuff.PACKET_HOST -> SkBuff.PACKET_OTHERHOST;
            case SkBuff.PACKET_BROADCAST -> SkBuff.PACKET_MULTICAST;
            default -> eth.pktType();
        };
        SkBuff.Builder b = fromNetworkHeader
                ? SkBuff.builder(Arrays.copyOfRange(frame, 14, frame.length)).protocol(eth.protocol())
                : eth.toBuilder();
        return b.pktType(pktType).ifindex(1).ingressIfindex(0).mark(mark).priority(priority).cb(cb).build();
    }

    static Stream<Arguments> cases() {
        byte[] udp4 = ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, udp(1000, 2000, payload(22))));
        byte[] tcp6 = ethernet(ETH_P_IPV6, ipv6("2001:db8::1", "2001:db8::2", TCP, tcp(1, 2, SYN, payload(3))));
        byte[] broadcastArp = concat(new byte[] {-1, -1, -1, -1, -1, -1}, SRC_MAC, u16(ETH_P_ARP), payload(28));
        byte[] multicast = concat(new byte[] {1, 0, 0x5e, 0, 0, 1}, SRC_MAC, u16(ETH_P_IP),
                ipv4("10.0.0.1", "224.0.0.1", UDP, udp(5, 6, payload(4))));
        byte[] tiny = concat(DST_MAC, SRC_MAC, u16(0x88b5), new byte[] {1, 2});
        return Stream.of(
                Arguments.of("IPv4 UDP", udp4, 0, 0, new int[5]),
                Arguments.of("IPv4 UDP with mark, priority and cb", udp4, 0x1234, 6, new int[] {1, 2, 3, 4, -1}),
                Arguments.of("IPv6 TCP", tcp6, 7, 0, new int[5]),
                Arguments.of("broadcast ARP", broadcastArp, 0, 0, new int[5]),
                Arguments.of("multicast", multicast, 0, 0, new int[5]),
                Arguments.of("16-byte frame", tiny, 0, 0, new int[5]));
    }

    private static byte[] context(int mark, int priority, int[] cb) {
        ByteBuffer b = ByteBuffer.allocate(192).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MARK, mark).putInt(PRIORITY, priority);
        for (int i = 0; i < 5; i++) {
            b.putInt(CB + 4 * i, cb[i]);
        }
        return b.array();
    }

    @ParameterizedTest(name = "tc: {0}")
    @MethodSource("cases")
    void tcSeesWhatLinuxShows(String name, byte[] frame, int mark, int priority, int[] cb) {
        LoadedObject obj = KernelOracle.load(OBJECT);
        long r = obj.program("tc_view").runTc(kernelTestRunSkb(frame, false, mark, priority, cb)).returnValue();
        assertThat(r).isEqualTo(frame.length & 0xff);
        KernelOracle oracle = KernelOracle.require(temp);
        KernelRun kernel = oracle.run(OBJECT, frame, "-p", "tc_view", "-x", oracle.contextFile(context(mark, priority, cb)));
        assertThat(r).as("%s: return value", name).isEqualTo(kernel.retval());
        KernelOracle.assertSameMaps(kernel, obj, name);
    }

    @ParameterizedTest(name = "socket filter: {0}")
    @MethodSource("cases")
    void socketFilterSeesWhatLinuxShows(String name, byte[] frame, int mark, int priority, int[] cb) {
        LoadedObject obj = KernelOracle.load(OBJECT);
        long r = obj.program("socket_view").runSocketFilter(kernelTestRunSkb(frame, true, mark, priority, cb))
                .returnValue();
        assertThat(r).isEqualTo(frame.length - 14 - 1);
        // A socket filter attached to a socket starts with cb zeroed (Linux's bpf_prog_run_save_cb),
        // as bpf4j runs it; the kernel's test run skips that step and passes the context's cb
        // through. So the kernel is given zeros where bpf4j was given cb, and both show zeros.
        KernelOracle oracle = KernelOracle.require(temp);
        KernelRun kernel = oracle.run(OBJECT, frame, "-p", "socket_view", "-x",
                oracle.contextFile(context(mark, priority, new int[5])));
        assertThat(r).as("%s: return value", name).isEqualTo(kernel.retval());
        KernelOracle.assertSameMaps(kernel, obj, name);
    }

    @ParameterizedTest(name = "cgroup skb: {0}")
    @MethodSource("cases")
    void cgroupSkbSeesWhatLinuxShows(String name, byte[] frame, int mark, int priority, int[] cb) {
        // (cgroup skb programs, like socket filters, start from the network header, with cb zeroed)
        LoadedObject obj = KernelOracle.load(OBJECT);
        long r = obj.program("cgroup_view").runCgroupSkb(kernelTestRunSkb(frame, true, mark, priority, cb)).returnValue();
        assertThat(r).isEqualTo(frame.length - 14 > 100 ? 0 : 1);
        KernelOracle oracle = KernelOracle.require(temp);
        KernelRun kernel = oracle.run(OBJECT, frame, "-p", "cgroup_view", "-x",
                oracle.contextFile(context(mark, priority, new int[5])));
        assertThat(r).as("%s: return value", name).isEqualTo(kernel.retval());
        KernelOracle.assertSameMaps(kernel, obj, name);
    }
}
