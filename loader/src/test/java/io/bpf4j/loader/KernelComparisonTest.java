package io.bpf4j.loader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.types.SkBuff;
import io.bpf4j.runtime.types.XdpPacket;
import io.bpf4j.testkit.KernelRunner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The test objects run once in the Linux kernel (through ../shared/tools' kernel-run) and once in
 * bpf4j, on the same input: the return values and the final contents of every map must agree.
 * Skipped, with the reason, where the kernel cannot be used (not root, no bpf(), no libbpf).
 */
class KernelComparisonTest {
    private static final BpfRuntime RUNTIME = BpfRuntime.builder().instructionBudget(1_000_000).build();

    @TempDir
    Path temp;

    private Path object(String name) throws IOException {
        Path file = temp.resolve(name + ".o");
        Files.write(file, TestObjects.prebuilt(name));
        return file;
    }

    private static LoadedObject load(String name) {
        return ExecutionModes.checked(LoadedObject.load(TestObjects.parse(TestObjects.Source.PREBUILT, name), RUNTIME,
                TestObjects.verification(name)));
    }

    private static void assertSameMaps(JsonNode kernel, LoadedObject bpf4j) {
        KernelOracle.assertSameMaps(new KernelOracle.KernelRun(kernel, null), bpf4j, bpf4j.object().name());
    }

    @Test
    void xdpFlowCounting() throws IOException {
        JsonNode kernel = KernelRunner.require().run(object("xdp_maps"), "-p", "xdp_count", "-g", "64", "-D");
        LoadedObject obj = load("xdp_maps");
        var result = obj.program("xdp_count").runXdp(XdpPacket.of(new byte[64]));
        assertThat(result.returnValue()).isEqualTo(kernel.get("retval").asLong());
        assertSameMaps(kernel, obj);
    }

    @Test
    void bpfToBpfCallsAndBpfLoop() throws IOException {
        // test runs without a context see the loopback device: ingress_ifindex 1, rx queue 0
        JsonNode kernel = KernelRunner.require().run(object("calls"), "-p", "xdp_calls", "-g", "64", "-D");
        LoadedObject obj = load("calls");
        var result = obj.program("xdp_calls").runXdp(XdpPacket.of(new byte[64]).withIngress(1, 0));
        assertThat(result.returnValue()).isEqualTo(kernel.get("retval").asLong());
        assertSameMaps(kernel, obj);
    }

    @Test
    void globalData() throws IOException {
        JsonNode kernel = KernelRunner.require().run(object("global_data"), "-t", "raw_tp", "--dump-all-maps");
        LoadedObject obj = load("global_data");
        assertThat(obj.program("trace_openat").runTracepoint(new byte[64])).isEqualTo(kernel.get("retval").asLong());
        assertSameMaps(kernel, obj);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void tailCallDispatchOnTheMark(int mark) throws IOException {
        byte[] ctx = new byte[192]; // struct __sk_buff
        ByteBuffer.wrap(ctx).order(ByteOrder.LITTLE_ENDIAN).putInt(8, mark);
        Path ctxFile = temp.resolve("ctx.bin");
        Files.write(ctxFile, ctx);
        JsonNode kernel = KernelRunner.require().run(object("tail_calls"), "-p", "entry", "-t", "tc", "-g", "64",
                "-x", ctxFile.toString());
        LoadedObject obj = load("tail_calls");
        var result = obj.program("entry").runTc(SkBuff.ethernet(new byte[64]).mark(mark).build());
        assertThat(result.returnValue()).isEqualTo(kernel.get("retval").asLong());
    }
}
