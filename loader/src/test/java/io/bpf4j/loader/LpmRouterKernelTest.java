package io.bpf4j.loader;

import static io.bpf4j.loader.TestPackets.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.loader.KernelOracle.KernelRun;
import io.bpf4j.runtime.types.XdpPacket;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * lpm_router.c: longest-prefix-match routing over IPv4 and IPv6 LPM tries (nested prefixes,
 * host routes inside dropped subnets, prefixes not on byte boundaries, default routes), and
 * route updates (add, replace, withdraw) from the program: bpf4j picks the route the table says,
 * and the verdict and the tries' and counters' contents equal Linux's for every packet.
 */
class LpmRouterKernelTest {
    private static final String OBJECT = "lpm_router";
    private static final String PROGRAM = "xdp_router";
    private static final int ABORTED = 0;
    private static final int DROP = 1;
    private static final int PASS = 2;
    private static final int TX = 3;
    private static final int ROUTE_UPDATE = 253;
    private static final int NO_COUNTER = -1;

    @TempDir
    Path temp;

    private static byte[] to4(String dst) {
        return ethernet(ETH_P_IP, ipv4("192.0.2.1", dst, UDP, udp(1, 2, payload(10))));
    }

    private static byte[] to6(String dst) {
        return ethernet(ETH_P_IPV6, ipv6("2001:db8:ffff::1", dst, TCP, tcp(1, 2, SYN, new byte[0])));
    }

    private static byte[] update(int op, String prefix, int length, int action, int counter) {
        return ethernet(ETH_P_IP, ipv4("192.0.2.1", "192.0.2.2", ROUTE_UPDATE,
                concat(new byte[] {(byte) op, (byte) length, (byte) action, (byte) counter}, address(prefix, 4))));
    }

    static Stream<Arguments> packets() {
        return Stream.of(
                Arguments.of("host route inside a dropped /24", to4("10.1.2.3"), PASS, 5),
                Arguments.of("the dropped /24", to4("10.1.2.4"), DROP, 4),
                Arguments.of("a /25 in the /24", to4("10.1.2.200"), TX, 6),
                Arguments.of("the /25's first address", to4("10.1.2.128"), TX, 6),
                Arguments.of("the /24's last address below the /25", to4("10.1.2.127"), DROP, 4),
                Arguments.of("/16", to4("10.1.9.9"), TX, 3),
                Arguments.of("/8", to4("10.200.0.1"), PASS, 2),
                Arguments.of("default", to4("8.8.8.8"), PASS, 1),
                Arguments.of("192.168/16", to4("192.168.77.1"), DROP, 7),
                Arguments.of("a /12 not on a byte boundary", to4("172.31.255.255"), ABORTED, 8),
                Arguments.of("just past the /12", to4("172.32.0.1"), PASS, 1),
                Arguments.of("IPv6 host route", to6("2001:db8:1:2::1"), PASS, 20),
                Arguments.of("IPv6 /64", to6("2001:db8:1:2::2"), DROP, 19),
                Arguments.of("IPv6 /48", to6("2001:db8:1:3::1"), TX, 18),
                Arguments.of("IPv6 /33", to6("2001:db8:8000::1"), ABORTED, 22),
                Arguments.of("IPv6 /32 beside the /33", to6("2001:db8:7fff::1"), PASS, 17),
                Arguments.of("link-local /10", to6("fe80::1"), DROP, 21),
                Arguments.of("end of the /10", to6("febf:ffff::1"), DROP, 21),
                Arguments.of("IPv6 default", to6("fec0::1"), PASS, 16),
                Arguments.of("ARP", ethernet(ETH_P_ARP, payload(28)), PASS, NO_COUNTER),
                Arguments.of("IPv4 cut short", truncate(to4("10.1.2.3"), 14 + 19), DROP, NO_COUNTER),
                Arguments.of("IPv6 cut short", truncate(to6("fe80::1"), 14 + 39), DROP, NO_COUNTER),
                Arguments.of("add a route", update(1, "8.8.8.0", 24, DROP, 9), DROP, NO_COUNTER),
                Arguments.of("replace a route", update(1, "10.1.0.0", 16, PASS, 10), DROP, NO_COUNTER),
                Arguments.of("withdraw a route", update(2, "10.1.2.0", 24, 0, 0), DROP, NO_COUNTER),
                Arguments.of("withdraw a missing route", update(2, "10.2.0.0", 16, 0, 0), DROP, NO_COUNTER),
                Arguments.of("withdraw a /24 named with host bits set", update(2, "10.1.2.128", 24, 0, 0), DROP,
                        NO_COUNTER),
                Arguments.of("add with an impossible length", update(1, "1.2.3.4", 33, PASS, 1), ABORTED, NO_COUNTER));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packets")
    void sameRouteAsLinux(String name, byte[] frame, int action, int counter) {
        LoadedObject obj = KernelOracle.load(OBJECT);
        long verdict = obj.program(PROGRAM).runXdp(XdpPacket.of(frame)).returnValue();
        assertThat(verdict).as("verdict").isEqualTo(action);
        var counters = KernelOracle.contents(obj.map("route_counters"));
        if (counter == NO_COUNTER) {
            assertThat(counters).isEmpty();
        } else {
            assertThat(counters).containsOnlyKeys(KernelOracle.HEX.formatHex(new byte[] {(byte) counter, 0, 0, 0}));
        }

        KernelRun kernel = KernelOracle.require(temp).run(OBJECT, frame);
        assertThat(verdict).as("%s: verdict", name).isEqualTo(kernel.retval());
        KernelOracle.assertSameMaps(kernel, obj, name);
    }

    @Test
    void routeTablesAreInstalledOnceOverManyRuns() {
        byte[] frame = to6("2001:db8:1:2::1");
        LoadedObject obj = KernelOracle.load(OBJECT);
        for (int i = 0; i < 5; i++) {
            obj.program(PROGRAM).runXdp(XdpPacket.of(frame));
        }
        assertThat(obj.map("routes_v4").keys()).hasSize(8);
        assertThat(obj.map("routes_v6").keys()).hasSize(7);
        KernelRun kernel = KernelOracle.require(temp).run(OBJECT, frame, "-r", "5");
        KernelOracle.assertSameMaps(kernel, obj, "5 runs");
    }
}
