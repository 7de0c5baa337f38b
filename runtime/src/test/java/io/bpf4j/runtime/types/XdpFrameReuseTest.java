package io.bpf4j.runtime.types;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.isa.Assembler;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * XDP runs on one thread reuse one frame buffer: nothing a run leaves in it may be visible to
 * the next run, whatever the packets' sizes.
 */
class XdpFrameReuseTest {
    static final BpfRuntime RUNTIME = BpfRuntime.create();

    /** Grows the packet 64 bytes into the headroom and fills those bytes with 0xab. */
    static final Executable SCRIBBLER = xdp("""
            r6 = r1
            r2 = -64
            call 44
            r2 = *(u32 *)(r6 + 0)
            r3 = *(u32 *)(r6 + 4)
            r4 = r2
            r4 += 64
            if r4 > r3 goto out
            r5 = -0x5454545454545455 ll
            *(u64 *)(r2 + 0) = r5
            *(u64 *)(r2 + 8) = r5
            *(u64 *)(r2 + 16) = r5
            *(u64 *)(r2 + 24) = r5
            *(u64 *)(r2 + 32) = r5
            *(u64 *)(r2 + 40) = r5
            *(u64 *)(r2 + 48) = r5
            *(u64 *)(r2 + 56) = r5
            out:
            r0 = 2
            exit""");

    /** Grows the packet 64 bytes into the headroom and returns the OR of those bytes (-1 if it could not). */
    static final Executable HEADROOM_READER = xdp("""
            r6 = r1
            r2 = -64
            call 44
            r2 = *(u32 *)(r6 + 0)
            r3 = *(u32 *)(r6 + 4)
            r4 = r2
            r4 += 64
            r0 = -1
            if r4 > r3 goto out
            r0 = *(u64 *)(r2 + 0)
            r5 = *(u64 *)(r2 + 8)
            r0 |= r5
            r5 = *(u64 *)(r2 + 16)
            r0 |= r5
            r5 = *(u64 *)(r2 + 24)
            r0 |= r5
            r5 = *(u64 *)(r2 + 32)
            r0 |= r5
            r5 = *(u64 *)(r2 + 40)
            r0 |= r5
            r5 = *(u64 *)(r2 + 48)
            r0 |= r5
            r5 = *(u64 *)(r2 + 56)
            r0 |= r5
            out:
            exit""");

    /** Grows the packet's tail by 64 bytes and returns the OR of the last 8 (-1 if it could not). */
    static final Executable TAIL_READER = xdp("""
            r6 = r1
            r2 = 64
            call 65
            r2 = *(u32 *)(r6 + 0)
            r3 = *(u32 *)(r6 + 4)
            r4 = r2
            r4 += 8
            r0 = -1
            if r4 > r3 goto out
            r3 += -8
            r0 = *(u64 *)(r3 + 0)
            out:
            exit""");

    static Executable xdp(String assembly) {
        return RUNTIME.load(Program.of(ProgramType.XDP, "prog", Assembler.assemble(assembly)));
    }

    static byte[] filled(int length, int value) {
        byte[] frame = new byte[length];
        Arrays.fill(frame, (byte) value);
        return frame;
    }

    @Test
    void headroomWrittenByOneRunReadsAsZeroInTheNext() {
        assertThat(SCRIBBLER.runXdp(XdpPacket.of(filled(100, 1))).packet()[0] & 0xff).isEqualTo(0xab);
        assertThat(HEADROOM_READER.runXdp(XdpPacket.of(filled(60, 2))).returnValue()).isZero();
    }

    @Test
    void bytesOfALargerPacketDoNotShowThroughAGrownTail() {
        SCRIBBLER.runXdp(XdpPacket.of(filled(3000, 0xcd)));
        assertThat(TAIL_READER.runXdp(XdpPacket.of(filled(60, 0))).returnValue()).isZero();
    }

    @Test
    void aFaultingRunGivesTheFrameBackForTheNext() {
        Executable faulting = xdp("""
                r2 = *(u32 *)(r1 + 0)
                r0 = *(u8 *)(r2 + 5000)
                exit""");
        for (int i = 0; i < 3; i++) {
            try {
                faulting.runXdp(XdpPacket.of(filled(60, 3)));
            } catch (io.bpf4j.runtime.MemoryAccessFault expected) {
                // the frame must still go back to the pool
            }
        }
        assertThat(HEADROOM_READER.runXdp(XdpPacket.of(filled(60, 2))).returnValue()).isZero();
    }
}
