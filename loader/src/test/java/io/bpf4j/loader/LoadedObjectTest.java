package io.bpf4j.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.ProgArrayMap;
import io.bpf4j.runtime.types.SkBuff;
import io.bpf4j.runtime.types.XdpAction;
import io.bpf4j.runtime.types.XdpPacket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Clang-compiled objects loaded into a runtime and run: maps created, global data, calls, tail calls. */
class LoadedObjectTest {
    private static final BpfRuntime RUNTIME = BpfRuntime.builder().instructionBudget(1_000_000).build();

    private static LoadedObject load(String name) {
        return ExecutionModes.checked(LoadedObject.load(TestObjects.parse(TestObjects.Source.PREBUILT, name), RUNTIME,
                TestObjects.verification(name)));
    }

    private static ByteBuffer value(BpfMap map) {
        return ByteBuffer.wrap(map.lookup(new byte[4]).orElseThrow()).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void globalDataIsInitialisedAndUpdatedInPlace() {
        LoadedObject obj = load("global_data");
        Executable trace = obj.program("trace_openat");
        assertThat(trace.runTracepoint(new byte[64])).isZero();
        // hits (.data) was 5: 5 + calls (1) is not above threshold 42 + limits[1] 9, so hits becomes 6
        assertThat(value(obj.map(".data")).getLong(0)).isEqualTo(6);
        ByteBuffer bss = value(obj.map(".bss"));
        assertThat(bss.getInt(0) + bss.getInt(4)).isEqualTo(1); // misses 0 and calls 1, in some order
        ByteBuffer foo = value(obj.map(".data.foo"));
        assertThat(foo.getInt(0)).isEqualTo(0x1236);
        assertThat(foo.getInt(4)).isEqualTo(0xabce);
        // .rodata is read-only to the program and keeps its initial values
        assertThat(value(obj.map(".rodata")).getInt(0)).isEqualTo(42);
    }

    @Test
    void bpfToBpfCallsAndBpfLoopInAClangObject() {
        LoadedObject obj = load("calls");
        Executable xdp = obj.program("xdp_calls");
        // n = 4 from bpf_loop; ifindex 1: global_square(1) = 4, + twice(4) = 10 -> 14, not above 100: PASS
        assertThat(xdp.runXdp(XdpPacket.of(new byte[64]).withIngress(1, 0)).action()).isEqualTo(XdpAction.PASS);
        // ifindex 10: global_square(10) = 220 -> DROP
        assertThat(xdp.runXdp(XdpPacket.of(new byte[64]).withIngress(10, 0)).action()).isEqualTo(XdpAction.DROP);
        // global_square counted both calls in stats[1]
        byte[] key = {1, 0, 0, 0};
        assertThat(ByteBuffer.wrap(obj.map("stats").lookup(key).orElseThrow()).order(ByteOrder.LITTLE_ENDIAN).getLong())
                .isEqualTo(2);
        // tc programs sharing .text subprograms: (len + 1) & 1 and ((len + 1) * 2) & 1
        SkBuff odd = SkBuff.ofEthernet(new byte[61]);
        assertThat(obj.program("tc_one").runTc(odd).returnValue()).isEqualTo(0);
        assertThat(obj.program("tc_one").runTc(SkBuff.ofEthernet(new byte[60])).returnValue()).isEqualTo(1);
        assertThat(obj.program("tc_two").runTc(odd).returnValue()).isEqualTo(0);
    }

    @Test
    void staticProgramArraySlotsDriveTailCalls() {
        LoadedObject obj = load("tail_calls");
        assertThat(((ProgArrayMap) obj.map("jump_table")).program(0)).isSameAs(obj.program("tail_a"));
        Executable entry = obj.program("entry");
        byte[] frame = new byte[64];
        assertThat(entry.runTc(SkBuff.ethernet(frame).mark(0).build()).returnValue()).isEqualTo(1);
        assertThat(entry.runTc(SkBuff.ethernet(frame).mark(2).build()).returnValue()).isEqualTo(2);
        assertThat(entry.runTc(SkBuff.ethernet(frame).mark(1).build()).returnValue()).isEqualTo(0); // empty slot
    }

    @Test
    void programsAreFoundByFunctionOrSectionName() {
        LoadedObject obj = load("tail_calls");
        assertThat(obj.program("classifier/a")).isSameAs(obj.program("tail_a"));
        assertThatThrownBy(() -> obj.program("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tail_a (classifier/a)");
        assertThatThrownBy(() -> obj.map("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jump_table");
    }

    @Test
    void everyTestObjectLoads() {
        for (String name : TestObjects.NAMES) {
            LoadedObject obj = load(name);
            assertThat(obj.programs()).as(name).isNotEmpty();
        }
    }

    @Test
    void objectMapsCountAgainstTheRuntimeMapMemoryLimit() {
        BpfObject object = TestObjects.parse(TestObjects.Source.PREBUILT, "xdp_maps");
        BpfRuntime measuring = BpfRuntime.builder().build();
        LoadedObject.load(object, measuring, TestObjects.verification("xdp_maps"));
        long needed = measuring.maps().memoryBudget().used();
        assertThat(needed).isPositive();

        BpfRuntime tooSmall = BpfRuntime.builder().maxMapMemory(needed - 1).build();
        assertThatThrownBy(() -> LoadedObject.load(object, tooSmall, TestObjects.verification("xdp_maps")))
                .isInstanceOf(io.bpf4j.runtime.maps.MapDefinitionException.class)
                .hasMessageContaining("BpfRuntime.Builder.maxMapMemory");
        BpfRuntime justEnough = BpfRuntime.builder().maxMapMemory(needed).build();
        assertThat(LoadedObject.load(object, justEnough, TestObjects.verification("xdp_maps")).maps()).isNotEmpty();
    }
}
