package io.bpf4j.runtime.types;

import static io.bpf4j.runtime.types.XdpFrameReuseTest.HEADROOM_READER;
import static io.bpf4j.runtime.types.XdpFrameReuseTest.SCRIBBLER;
import static io.bpf4j.runtime.types.XdpFrameReuseTest.filled;
import static io.bpf4j.runtime.types.XdpFrameReuseTest.xdp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.runtime.Executable;
import org.junit.jupiter.api.Test;

/**
 * In-place XDP runs ({@link Executable#runXdpInPlace}): the program works on the caller's
 * {@link XdpFrame}, whose bytes and pointers carry over from run to run until {@link XdpFrame#load}
 * starts it afresh; they agree with copying runs on what one run does.
 */
class XdpInPlaceTest {
    /** Adds 1 to the packet's first byte and returns it. */
    static final Executable INCREMENT = xdp("""
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r4 = r2
            r4 += 1
            r0 = 0
            if r4 > r3 goto out
            r0 = *(u8 *)(r2 + 0)
            r0 += 1
            *(u8 *)(r2 + 0) = r0
            out:
            exit""");

    @Test
    void writesCarryOverFromRunToRunOnOneFrame() {
        XdpFrame frame = XdpFrame.of(XdpPacket.of(filled(60, 10)));
        assertThat(INCREMENT.runXdpInPlace(frame)).isEqualTo(11);
        assertThat(INCREMENT.runXdpInPlace(frame)).isEqualTo(12);
        assertThat(frame.packet()[0]).isEqualTo((byte) 12);
        assertThat(frame.packet()).hasSize(60);
    }

    @Test
    void aRunAgreesWithACopyingRun() {
        XdpPacket packet = XdpPacket.of(filled(60, 10)).withMetadata(new byte[] {1, 2, 3, 4});
        XdpResult copied = SCRIBBLER.runXdp(packet);
        XdpFrame frame = XdpFrame.of(packet);
        assertThat(SCRIBBLER.runXdpInPlace(frame)).isEqualTo(copied.returnValue());
        assertThat(frame.packet()).isEqualTo(copied.packet());
        assertThat(frame.metadata()).isEqualTo(copied.metadata());
        assertThat(packet.data()).isEqualTo(filled(60, 10)); // the packet itself is not touched
    }

    @Test
    void adjustHeadMovesTheFramesPointersForGood() {
        XdpFrame frame = XdpFrame.of(XdpPacket.of(filled(100, 1)));
        SCRIBBLER.runXdpInPlace(frame); // 64 bytes of 0xab in front of the packet
        assertThat(frame.length()).isEqualTo(164);
        assertThat(frame.packet()[0] & 0xff).isEqualTo(0xab);
        assertThat(frame.packet()[64]).isEqualTo((byte) 1);
    }

    @Test
    void loadStartsAfreshWithAClearedHeadroom() {
        XdpFrame frame = XdpFrame.of(XdpPacket.of(filled(100, 1)));
        SCRIBBLER.runXdpInPlace(frame);
        frame.load(XdpPacket.of(filled(60, 2)));
        assertThat(frame.length()).isEqualTo(60);
        assertThat(HEADROOM_READER.runXdpInPlace(frame)).isZero();
    }

    @Test
    void aPacketTooLargeForTheFrameIsRefused() {
        XdpFrame frame = new XdpFrame(1500);
        assertThatThrownBy(() -> frame.load(XdpPacket.of(new byte[5000]))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5000 bytes");
    }
}
