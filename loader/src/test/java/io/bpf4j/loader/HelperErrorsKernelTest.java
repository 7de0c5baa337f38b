package io.bpf4j.loader;

import static io.bpf4j.loader.TestPackets.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.loader.KernelOracle.KernelRun;
import io.bpf4j.runtime.types.SkBuff;
import io.bpf4j.runtime.types.TcResult;
import io.bpf4j.runtime.types.XdpPacket;
import io.bpf4j.runtime.types.XdpResult;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * helper_errors.c: packet helpers past their limits (loads and stores out of range, bad checksum
 * sizes and flags, VLAN push/pop, tail and head changes, metadata) record their return values
 * slot by slot; the slots, the return value and the output packet must be Linux's.
 */
class HelperErrorsKernelTest {
    private static final String OBJECT = "helper_errors";

    @TempDir
    Path temp;

    static Stream<Arguments> frames() {
        return Stream.of(
                Arguments.of("64-byte UDP", ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, udp(1, 2, payload(22))))),
                Arguments.of("120-byte TCP", ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(1, 2, ACK,
                        payload(66))))),
                Arguments.of("IPv6", ethernet(ETH_P_IPV6, ipv6("2001:db8::1", "2001:db8::2", UDP, udp(1, 2, payload(40))))));
    }

    @ParameterizedTest(name = "tc: {0}")
    @MethodSource("frames")
    void tcHelpersFailAndSucceedAsLinuxs(String name, byte[] frame) {
        LoadedObject obj = KernelOracle.load(OBJECT);
        TcResult r = obj.program("tc_helper_errors").runTc(SkBuff.ofEthernet(frame));
        KernelRun kernel = KernelOracle.require(temp).run(OBJECT, frame, "-p", "tc_helper_errors");
        assertThat(KernelOracle.u32(r.returnValue())).as("%s: return value", name).isEqualTo(kernel.retval());
        KernelOracle.assertSameMaps(kernel, obj, name);
        assertThat(KernelOracle.HEX.formatHex(r.skb().data())).as("%s: output packet", name)
                .isEqualTo(KernelOracle.HEX.formatHex(kernel.dataOut()));
    }

    @ParameterizedTest(name = "xdp: {0}")
    @MethodSource("frames")
    void xdpHelpersFailAndSucceedAsLinuxs(String name, byte[] frame) {
        LoadedObject obj = KernelOracle.load(OBJECT);
        XdpResult r = obj.program("xdp_helper_errors").runXdp(XdpPacket.of(frame));
        KernelRun kernel = KernelOracle.require(temp).run(OBJECT, frame, "-p", "xdp_helper_errors");
        assertThat(r.returnValue()).as("%s: return value", name).isEqualTo(kernel.retval());
        KernelOracle.assertSameMaps(kernel, obj, name);
        assertThat(KernelOracle.HEX.formatHex(concat(r.metadata(), r.packet()))).as("%s: output", name)
                .isEqualTo(KernelOracle.HEX.formatHex(kernel.dataOut()));
    }
}
