package io.bpf4j.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CaptureReaderTest {
    private static final byte[] FRAME_A = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x08, 0x00, 0x45};
    private static final byte[] FRAME_B = {(byte) 0xff, (byte) 0xfe, (byte) 0xfd};

    static List<CapturedPacket> readAll(byte[] file) throws IOException {
        List<CapturedPacket> packets = new ArrayList<>();
        try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(file))) {
            for (CapturedPacket packet = reader.next(); packet != null; packet = reader.next()) {
                packets.add(packet);
            }
        }
        return packets;
    }

    @ParameterizedTest
    @EnumSource(PcapWriter.Precision.class)
    void pcapRoundTripKeepsBytesLengthsAndTimestamps(PcapWriter.Precision precision) throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        try (PcapWriter writer = new PcapWriter(file, LinkType.ETHERNET, 65535, precision)) {
            writer.write(new CapturedPacket(1_700_000_000_123_456_789L, 60, FRAME_A, LinkType.ETHERNET));
            writer.write(CapturedPacket.ethernet(5_000_001_000L, FRAME_B));
            assertThat(writer.packets()).isEqualTo(2);
        }
        List<CapturedPacket> packets = readAll(file.toByteArray());
        assertThat(packets).hasSize(2);
        long expectedFirst = precision == PcapWriter.Precision.NANOSECONDS ? 1_700_000_000_123_456_789L : 1_700_000_000_123_456_000L;
        assertThat(packets.get(0).timestampNanos()).isEqualTo(expectedFirst);
        assertThat(packets.get(0).originalLength()).isEqualTo(60);
        assertThat(packets.get(0).data()).isEqualTo(FRAME_A);
        assertThat(packets.get(0).linkType()).isEqualTo(LinkType.ETHERNET);
        assertThat(packets.get(1).timestampNanos()).isEqualTo(5_000_001_000L);
        assertThat(packets.get(1).data()).isEqualTo(FRAME_B);
        try (CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(file.toByteArray()))) {
            List<Integer> lengths = new ArrayList<>();
            for (CapturedPacket packet : reader) {
                lengths.add(packet.data().length);
            }
            assertThat(lengths).containsExactly(FRAME_A.length, FRAME_B.length);
        }
    }

    @Test
    void readsBigEndianPcap() throws IOException {
        ByteBuffer file = ByteBuffer.allocate(24 + 16 + 3).order(ByteOrder.BIG_ENDIAN);
        file.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(LinkType.RAW);
        file.putInt(7).putInt(250_000).putInt(3).putInt(40).put(FRAME_B);
        CaptureReader reader = CaptureReader.open(new ByteArrayInputStream(file.array()));
        assertThat(reader.format()).isEqualTo("pcap");
        CapturedPacket packet = reader.next();
        assertThat(packet.timestampNanos()).isEqualTo(7_250_000_000L);
        assertThat(packet.originalLength()).isEqualTo(40);
        assertThat(packet.linkType()).isEqualTo(LinkType.RAW);
        assertThat(packet.data()).isEqualTo(FRAME_B);
        assertThat(reader.next()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"LITTLE_ENDIAN", "BIG_ENDIAN"})
    void readsPcapngSectionsInterfacesAndPacketBlocks(String byteOrder) throws IOException {
        ByteOrder order = byteOrder.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        byte[] file = new PcapngBuilder().section(order)
                .iface(LinkType.ETHERNET, 0, null) // microseconds by default
                .iface(LinkType.RAW, 2, 9) // nanoseconds, snapshot length 2
                .enhanced(0, 1_000_001L, 100, FRAME_A)
                .statistics(0)
                .enhanced(1, 42L, 3, FRAME_B)
                .simple(3, FRAME_B)
                .section(ByteOrder.LITTLE_ENDIAN)
                .iface(LinkType.LINUX_SLL, 0, 128 + 10) // 2^-10 s units
                .enhanced(0, 1024L * 3, 3, FRAME_B)
                .bytes();
        List<CapturedPacket> packets = readAll(file);
        assertThat(packets).hasSize(4);
        assertThat(packets.get(0).timestampNanos()).isEqualTo(1_000_001_000L);
        assertThat(packets.get(0).originalLength()).isEqualTo(100);
        assertThat(packets.get(0).data()).isEqualTo(FRAME_A);
        assertThat(packets.get(0).linkType()).isEqualTo(LinkType.ETHERNET);
        assertThat(packets.get(1).timestampNanos()).isEqualTo(42L);
        assertThat(packets.get(1).linkType()).isEqualTo(LinkType.RAW);
        // A simple packet block belongs to interface 0 and has no timestamp.
        assertThat(packets.get(2).linkType()).isEqualTo(LinkType.ETHERNET);
        assertThat(packets.get(2).data()).isEqualTo(FRAME_B);
        assertThat(packets.get(2).timestampNanos()).isZero();
        // The second section has its own interface list.
        assertThat(packets.get(3).linkType()).isEqualTo(LinkType.LINUX_SLL);
        assertThat(packets.get(3).timestampNanos()).isEqualTo(3_000_000_000L);
    }

    @Test
    void simplePacketIsCutToTheInterfaceSnapshotLength() throws IOException {
        byte[] file = new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).iface(LinkType.ETHERNET, 2, null)
                .simple(3, FRAME_B).bytes();
        CapturedPacket packet = readAll(file).getFirst();
        assertThat(packet.data()).containsExactly(FRAME_B[0], FRAME_B[1]);
        assertThat(packet.originalLength()).isEqualTo(3);
    }

    @Test
    void rejectsAFileThatIsNoCapture() {
        assertThatThrownBy(() -> CaptureReader.open(new ByteArrayInputStream("hello world".getBytes())))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessageContaining("not a capture file");
        assertThatThrownBy(() -> CaptureReader.open(new ByteArrayInputStream(new byte[2])))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessageContaining("ends inside the file's magic number");
    }

    @Test
    void truncatedPcapPacketNamesItsOffset() throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        try (PcapWriter writer = new PcapWriter(file, LinkType.ETHERNET, 65535, PcapWriter.Precision.MICROSECONDS)) {
            writer.write(CapturedPacket.ethernet(0, FRAME_A));
        }
        byte[] cut = java.util.Arrays.copyOf(file.toByteArray(), file.size() - 1);
        assertThatThrownBy(() -> readAll(cut))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessage("at byte 40: the file ends inside a packet's data (15 bytes expected, 14 present)");
    }

    @Test
    void hugePcapLengthIsRefusedWithoutAllocating() {
        ByteBuffer file = ByteBuffer.allocate(24 + 16).order(ByteOrder.LITTLE_ENDIAN);
        file.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        file.putInt(0).putInt(0).putInt(0x7fffffff).putInt(0x7fffffff);
        assertThatThrownBy(() -> readAll(file.array()))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessageContaining("claims 2147483647 captured bytes");
        // Under the per-packet limit but far beyond the file: fails on the bytes present.
        file.putInt(24 + 8, 1 << 20);
        assertThatThrownBy(() -> readAll(file.array()))
                .isInstanceOf(CaptureFormatException.class)
                .hasMessageContaining("ends inside a packet's data (1048576 bytes expected, 0 present)");
    }

    @Test
    void damagedPcapngBlocksAreRefusedPrecisely() {
        PcapngBuilder start = new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).iface(LinkType.ETHERNET, 0, null);
        int afterInterface = start.bytes().length;
        byte[] unknownInterface = new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).iface(1, 0, null)
                .enhanced(3, 0, 3, FRAME_B).bytes();
        assertThatThrownBy(() -> readAll(unknownInterface))
                .hasMessage("at byte " + afterInterface + ": packet refers to interface 3 but the section describes 1");

        ByteBuffer badLength = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(6).putInt(13).putInt(13);
        byte[] odd = new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).raw(badLength.array()).bytes();
        assertThatThrownBy(() -> readAll(odd)).hasMessageContaining("block of type 6 has an impossible length 13");

        byte[] mismatch = new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).iface(1, 0, null).bytes();
        mismatch[mismatch.length - 4] = 24;
        assertThatThrownBy(() -> readAll(mismatch)).hasMessageContaining("starts with length 20 but ends with 24");

        byte[] noMagic = new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).bytes();
        noMagic[8] = 0;
        assertThatThrownBy(() -> readAll(noMagic)).hasMessageContaining("no byte-order magic");

        byte[] lyingCaptureLength = new PcapngBuilder().section(ByteOrder.LITTLE_ENDIAN).iface(1, 0, null)
                .enhanced(0, 0, 3, FRAME_B).bytes();
        ByteBuffer.wrap(lyingCaptureLength).order(ByteOrder.LITTLE_ENDIAN).putInt(afterInterface + 20, 400);
        assertThatThrownBy(() -> readAll(lyingCaptureLength)).hasMessageContaining("claims 400 captured bytes but its block holds 4");
    }
}
