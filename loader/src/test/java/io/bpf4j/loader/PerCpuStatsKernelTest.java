package io.bpf4j.loader;

import static io.bpf4j.loader.TestPackets.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.loader.KernelOracle.KernelRun;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.types.XdpPacket;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * percpu_stats.c: per-CPU array, per-CPU hash and LRU per-CPU hash statistics. The kernel run is
 * pinned to one CPU ({@code -c}) and bpf4j's thread to the same CPU slot, so every CPU's value of
 * every element must agree, as must the CPU number the program saw.
 */
class PerCpuStatsKernelTest {
    private static final String OBJECT = "percpu_stats";
    private static final String PROGRAM = "xdp_percpu_stats";

    @TempDir
    Path temp;

    static Stream<Arguments> cases() {
        byte[] tcp4 = ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(1, 2, SYN, payload(6))));
        byte[] udp6 = ethernetFrom(new byte[] {2, 0, 0, 0, 0, 9}, ETH_P_IPV6, ipv6("2001:db8::1", "2001:db8::2", UDP,
                udp(1, 2, payload(900))));
        byte[] arp = ethernet(ETH_P_ARP, payload(28));
        byte[] shortIp = ethernet(ETH_P_IP, payload(10));
        return Stream.of(
                Arguments.of("IPv4 TCP on CPU 0", tcp4, 0, 1),
                Arguments.of("IPv4 TCP on CPU 1", tcp4, 1, 1),
                Arguments.of("IPv6 UDP three times on CPU 1", udp6, 1, 3),
                Arguments.of("IPv6 UDP three times on CPU 0", udp6, 0, 3),
                Arguments.of("ARP on CPU 1", arp, 1, 2),
                Arguments.of("IPv4 header cut short on CPU 0", shortIp, 0, 1),
                Arguments.of("Ethernet header only on CPU 1", ethernet(0x88b5), 1, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyCpusValuesEqualLinuxs(String name, byte[] frame, int cpu, int runs) {
        BpfMap probe = KernelOracle.load(OBJECT).map("size_histogram");
        org.junit.jupiter.api.Assumptions.assumeTrue(cpu < probe.cpuCount(), "bpf4j has fewer CPU slots than " + (cpu + 1));
        LoadedObject obj = KernelOracle.load(OBJECT);
        for (int i = 0; i < runs; i++) {
            long verdict = KernelOracle.onCpu(cpu, () -> obj.program(PROGRAM).runXdp(XdpPacket.of(frame)).returnValue());
            assertThat(verdict).isEqualTo(2);
        }
        List<byte[]> bucket = obj.map("size_histogram").lookupPerCpu(new byte[] {(byte) bucketOf(frame.length), 0, 0, 0});
        assertThat(bucket.get(cpu)[0]).as("this CPU's histogram slot").isEqualTo((byte) runs);
        assertThat(obj.map("size_histogram").lookupLong(bucketOf(frame.length))).as("sum over CPUs").isEqualTo(runs);

        KernelRun kernel = KernelOracle.require(temp).run(OBJECT, frame, "-c", String.valueOf(cpu), "-r",
                String.valueOf(runs));
        KernelOracle.assertSameMaps(kernel, obj, name);
    }

    private static int bucketOf(int length) {
        int b = 0;
        while (b < 15 && length > 1 << b) {
            b++;
        }
        return b;
    }

    @Test
    void threadsOnDifferentSlotsKeepSeparateCounts() throws Exception {
        LoadedObject obj = KernelOracle.load(OBJECT);
        int slots = obj.map("size_histogram").cpuCount();
        org.junit.jupiter.api.Assumptions.assumeTrue(slots >= 2, "needs two CPU slots");
        byte[] frame = ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, udp(1, 2, payload(20))));
        Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int cpu = t;
            threads[t] = new Thread(() -> KernelOracle.onCpu(cpu, () -> {
                for (int i = 0; i < 10 + cpu * 5; i++) {
                    obj.program(PROGRAM).runXdp(XdpPacket.of(frame));
                }
                return null;
            }));
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        byte[] key = {(byte) bucketOf(frame.length), 0, 0, 0};
        List<byte[]> values = obj.map("size_histogram").lookupPerCpu(key);
        assertThat(values.get(0)[0]).isEqualTo((byte) 10);
        assertThat(values.get(1)[0]).isEqualTo((byte) 15);
        assertThat(obj.map("size_histogram").lookupLong(bucketOf(frame.length))).isEqualTo(25);
    }
}
