package io.bpf4j.runtime.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Assembler;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.MemoryAccessFault;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * In-place XDP runs on one thread reuse one context and keep its packet and context regions
 * mapped from run to run: each run still sees its own frame, and no other run (a plain run, a
 * copying XDP run, a run inside a run) sees the regions an in-place run kept.
 */
class InPlaceRegionReuseTest {
    private static final BpfRuntime RUNTIME = BpfRuntime.create();

    /** Returns the packet's length, and its first byte in bits 16-23. */
    private static final String FIRST_BYTE_AND_LENGTH = """
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r0 = r3
            r0 -= r2
            r4 = r2
            r4 += 1
            if r4 > r3 goto out
            r5 = *(u8 *)(r2 + 0)
            r5 <<= 16
            r0 |= r5
            out:
            exit""";

    private static final Executable READER = xdp(FIRST_BYTE_AND_LENGTH);

    private static Executable xdp(String assembly) {
        return RUNTIME.load(Program.of(ProgramType.XDP, "prog", Assembler.assemble(assembly)));
    }

    private static XdpFrame frame(int length, int value) {
        byte[] packet = new byte[length];
        Arrays.fill(packet, (byte) value);
        return XdpFrame.of(XdpPacket.of(packet));
    }

    /** A plain run that loads a byte at {@code address}, an address no plain run is given. */
    private static long forgedLoad(long address) {
        return RUNTIME.load(Program.of("forger", Assembler.assemble("r1 = 0x" + Long.toHexString(address) + " ll\n"
                + "r0 = *(u8 *)(r1 + 0)\nexit"))).run(new byte[0]);
    }

    @Test
    void eachRunSeesItsOwnFrameWhateverTheLastRunRanOn() {
        XdpFrame small = frame(60, 10);
        XdpFrame large = frame(5000, 20); // a frame of two pages: another buffer size
        for (int i = 0; i < 3; i++) {
            assertThat(READER.runXdpInPlace(small)).isEqualTo(10 << 16 | 60);
            assertThat(READER.runXdpInPlace(large)).isEqualTo(20 << 16 | 5000);
        }
        assertThat(READER.runXdpInPlace(large)).isEqualTo(20 << 16 | 5000);
        assertThat(READER.runXdpInPlace(small)).isEqualTo(10 << 16 | 60);
    }

    @Test
    void aRunOfAnotherProgramSeesItsOwnFrame() {
        XdpFrame frame = frame(100, 3);
        Executable other = xdp(FIRST_BYTE_AND_LENGTH);
        assertThat(READER.runXdpInPlace(frame(60, 10))).isEqualTo(10 << 16 | 60);
        assertThat(other.runXdpInPlace(frame)).isEqualTo(3 << 16 | 100);
    }

    @Test
    void aPlainRunAfterAnInPlaceRunCannotReachItsFrameOrContext() {
        XdpFrame frame = frame(60, 10);
        assertThat(READER.runXdpInPlace(frame)).isEqualTo(10 << 16 | 60);
        // An in-place run maps the packet first after the 8 stack frames (region 9), the context next.
        long packetData = 9L << 32 | XdpPacket.HEADROOM;
        assertThatThrownBy(() -> forgedLoad(packetData)).isInstanceOf(MemoryAccessFault.class)
                .hasMessageContaining("outside every memory region");
        assertThatThrownBy(() -> forgedLoad(10L << 32)).isInstanceOf(MemoryAccessFault.class)
                .hasMessageContaining("outside every memory region");
        assertThat(READER.runXdpInPlace(frame)).isEqualTo(10 << 16 | 60); // and maps them again afresh
    }

    @Test
    void theNextInPlaceRunOpensOnlyItsOwnFramesWindow() {
        // A forged address into the packet region past this frame's data_end (inside the last
        // frame's, which was larger) faults: the window is this run's.
        XdpFrame large = frame(3000, 20);
        XdpFrame small = frame(60, 10);
        assertThat(READER.runXdpInPlace(large)).isEqualTo(20 << 16 | 3000);
        Executable forger = xdp("r1 = 0x" + Long.toHexString(9L << 32 | (XdpPacket.HEADROOM + 1000)) + " ll\n"
                + "r0 = *(u8 *)(r1 + 0)\nexit");
        assertThat(forger.runXdpInPlace(large)).isEqualTo(20);
        assertThatThrownBy(() -> forger.runXdpInPlace(small)).isInstanceOf(MemoryAccessFault.class);
    }

    @Test
    void copyingRunsAndInPlaceRunsTakeTurns() {
        XdpFrame frame = frame(60, 10);
        XdpPacket packet = XdpPacket.of(new byte[] {7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7});
        for (int i = 0; i < 3; i++) {
            assertThat(READER.runXdpInPlace(frame)).isEqualTo(10 << 16 | 60);
            assertThat(READER.runXdp(packet).returnValue()).isEqualTo(7 << 16 | 16);
        }
    }

    @Test
    void aFaultingRunLeavesTheNextRunsIntact() {
        Executable unchecked = xdp("""
                r2 = *(u32 *)(r1 + 0)
                r0 = *(u8 *)(r2 + 100)
                exit""");
        XdpFrame frame = frame(60, 10);
        assertThatThrownBy(() -> unchecked.runXdpInPlace(frame)).isInstanceOf(MemoryAccessFault.class);
        assertThatThrownBy(() -> forgedLoad(9L << 32 | XdpPacket.HEADROOM)).isInstanceOf(MemoryAccessFault.class);
        assertThat(READER.runXdpInPlace(frame)).isEqualTo(10 << 16 | 60);
        assertThat(unchecked.runXdpInPlace(frame(200, 4))).isEqualTo(4);
    }

    @Test
    void anInPlaceRunInsideAnInPlaceRunHasItsOwnContextAndRegions() {
        XdpFrame inner = frame(300, 2);
        long[] innerResult = new long[1];
        Executable[] reader = new Executable[1];
        BpfRuntime runtime = BpfRuntime.builder()
                .helper(1001, "run_inner", (r1, r2, r3, r4, r5, ctx) -> innerResult[0] = reader[0].runXdpInPlace(inner))
                .build();
        reader[0] = runtime.load(Program.of(ProgramType.XDP, "reader", Assembler.assemble(FIRST_BYTE_AND_LENGTH)));
        Executable outer = runtime.load(Program.of(ProgramType.XDP, "outer", Assembler.assemble("""
                r6 = r1
                call 1001
                r1 = r6
                """ + FIRST_BYTE_AND_LENGTH)));
        XdpFrame frame = frame(60, 10);
        for (int i = 0; i < 3; i++) {
            assertThat(outer.runXdpInPlace(frame)).isEqualTo(10 << 16 | 60);
            assertThat(innerResult[0]).isEqualTo(2 << 16 | 300);
            assertThat(reader[0].runXdpInPlace(frame)).isEqualTo(10 << 16 | 60);
        }
    }

    @Test
    void copyingRunsOfPacketsOfAnySizeSeeTheirOwnPacket() {
        byte[] large = new byte[5000]; // more than a page holds: a frame of its own
        Arrays.fill(large, (byte) 30);
        for (int i = 0; i < 2; i++) {
            assertThat(READER.runXdp(XdpPacket.of(large)).returnValue()).isEqualTo(30 << 16 | 5000);
            XdpResult small = READER.runXdp(XdpPacket.of(new byte[] {5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}));
            assertThat(small.returnValue()).isEqualTo(5 << 16 | 14);
            assertThat(small.packet()).hasSize(14);
            assertThat(small.metadata()).isEmpty();
        }
    }

    @Test
    void aCopyingRunInsideACopyingRunHasItsOwnFrame() {
        XdpResult[] innerResult = new XdpResult[1];
        Executable[] reader = new Executable[1];
        byte[] innerPacket = new byte[300];
        Arrays.fill(innerPacket, (byte) 2);
        BpfRuntime runtime = BpfRuntime.builder()
                .helper(1001, "run_inner", (r1, r2, r3, r4, r5, ctx) -> {
                    innerResult[0] = reader[0].runXdp(XdpPacket.of(innerPacket));
                    return 0;
                })
                .build();
        reader[0] = runtime.load(Program.of(ProgramType.XDP, "reader", Assembler.assemble(FIRST_BYTE_AND_LENGTH)));
        Executable outer = runtime.load(Program.of(ProgramType.XDP, "outer", Assembler.assemble("""
                r6 = r1
                call 1001
                r1 = r6
                """ + FIRST_BYTE_AND_LENGTH)));
        byte[] outerPacket = new byte[60];
        Arrays.fill(outerPacket, (byte) 10);
        for (int i = 0; i < 3; i++) {
            XdpResult result = outer.runXdp(XdpPacket.of(outerPacket).withMetadata(new byte[] {1, 2, 3, 4}));
            assertThat(result.returnValue()).isEqualTo(10 << 16 | 60);
            assertThat(result.packet()).isEqualTo(outerPacket);
            assertThat(result.metadata()).containsExactly(1, 2, 3, 4);
            assertThat(innerResult[0].returnValue()).isEqualTo(2 << 16 | 300);
            assertThat(innerResult[0].packet()).isEqualTo(innerPacket);
        }
    }
}
