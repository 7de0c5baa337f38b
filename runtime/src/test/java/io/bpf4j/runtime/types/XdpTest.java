package io.bpf4j.runtime.types;

import static io.bpf4j.runtime.types.TypedPrograms.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.MemoryAccessFault;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramFault;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.runtime.maps.Maps;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class XdpTest {
    static final byte[] IPV4_FRAME = ethernet(0x0800, ipv4(17, new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2},
            udp(new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}, 1000, 53, range(0, 18), true)));

    static XdpResult run(String assembly, XdpPacket packet) {
        return load(ProgramType.XDP, assembly).runXdp(packet);
    }

    // ------------------------------------------------------------------ struct xdp_md

    @Test
    void dataAndDataEndAreAddressesOfTheFramesBounds() {
        XdpResult r = run("""
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r0 = r3
                r0 -= r2
                exit""", XdpPacket.of(IPV4_FRAME));
        assertThat(r.returnValue()).isEqualTo(IPV4_FRAME.length);
    }

    @Test
    void dataIsAFull64BitAddressWhosePacketBytesTheProgramReads() {
        // data is a program address: its high half names the packet region, not zero
        XdpResult r = run("""
                r2 = *(u32 *)(r1 + 0)
                r0 = r2
                r0 >>= 32
                exit""", XdpPacket.of(IPV4_FRAME));
        assertThat(r.returnValue()).isNotZero();
        XdpResult first = run("""
                r2 = *(u32 *)(r1 + 0)
                r0 = *(u8 *)(r2 + 13)
                exit""", XdpPacket.of(IPV4_FRAME));
        assertThat(first.returnValue()).isEqualTo(0x00);
    }

    @Test
    void dataMetaIsDataWithoutMetadataAndPrecedesItWith() {
        String metaLength = """
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 8)
                r0 = r2
                r0 -= r3
                exit""";
        assertThat(run(metaLength, XdpPacket.of(IPV4_FRAME)).returnValue()).isZero();
        XdpResult withMeta = run(metaLength, XdpPacket.of(IPV4_FRAME).withMetadata(range(1, 9)));
        assertThat(withMeta.returnValue()).isEqualTo(8);
        assertThat(withMeta.metadata()).isEqualTo(range(1, 9));
        // the metadata is readable program memory
        XdpResult read = run("""
                r3 = *(u32 *)(r1 + 8)
                r0 = *(u32 *)(r3 + 4)
                exit""", XdpPacket.of(IPV4_FRAME).withMetadata(range(1, 9)));
        assertThat(read.returnValue()).isEqualTo(0x08070605L);
    }

    @ParameterizedTest
    @CsvSource({"12, 7", "16, 3", "20, 9"})
    void interfaceFields(int offset, long expected) {
        XdpResult r = run("r0 = *(u32 *)(r1 + " + offset + ")\nexit", XdpPacket.of(IPV4_FRAME).withIngress(7, 3).withEgressIfindex(9));
        assertThat(r.returnValue()).isEqualTo(expected);
    }

    @Test
    void defaultsAreLoopbackQueueZero() {
        assertThat(run("r0 = *(u32 *)(r1 + 12)\nexit", XdpPacket.of(IPV4_FRAME)).returnValue()).isEqualTo(1);
        assertThat(run("r0 = *(u32 *)(r1 + 16)\nexit", XdpPacket.of(IPV4_FRAME)).returnValue()).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 8, 12, 16, 20})
    void everyFieldIsReadOnly(int offset) {
        Executable exe = load(ProgramType.XDP, "*(u32 *)(r1 + " + offset + ") = 0\nr0 = 2\nexit");
        MemoryAccessFault fault = accessFault(() -> exe.runXdp(XdpPacket.of(IPV4_FRAME)));
        assertThat(fault.pc()).isZero();
        assertThat(fault.reason()).contains("struct xdp_md field").contains("(offset " + offset + ")")
                .contains("is read-only for XDP programs");
    }

    @Test
    void fieldsAreReadWithFourByteLoadsOnly() {
        MemoryAccessFault wide = accessFault(() -> run("r0 = *(u64 *)(r1 + 0)\nexit", XdpPacket.of(IPV4_FRAME)));
        assertThat(wide.reason()).contains("8-byte read of struct xdp_md field data (offset 0)").contains("4-byte accesses");
        MemoryAccessFault narrow = accessFault(() -> run("r0 = *(u16 *)(r1 + 4)\nexit", XdpPacket.of(IPV4_FRAME)));
        assertThat(narrow.reason()).contains("data_end");
        MemoryAccessFault misaligned = accessFault(() -> run("r0 = *(u32 *)(r1 + 2)\nexit", XdpPacket.of(IPV4_FRAME)));
        assertThat(misaligned.reason()).contains("misaligned 4-byte read at offset 2 of struct xdp_md");
    }

    @Test
    void offsetsPastTheStructFaultNamingOffsetAndType() {
        MemoryAccessFault fault = accessFault(() -> run("r0 = *(u32 *)(r1 + 24)\nexit", XdpPacket.of(IPV4_FRAME)));
        assertThat(fault.reason()).endsWith(": 4-byte read at offset 24 is outside struct xdp_md (24 bytes) of XDP programs");
        // below the context is another region's last offsets: a fault all the same
        accessFault(() -> run("r0 = *(u32 *)(r1 - 4)\nexit", XdpPacket.of(IPV4_FRAME)));
    }

    @Test
    void helpersCannotTakeTheContextAsMemoryNorCanAtomics() {
        MemoryAccessFault atomic = accessFault(() -> run("""
                r2 = 1
                lock *(u32 *)(r1 + 0) += r2
                r0 = 2
                exit""", XdpPacket.of(IPV4_FRAME)));
        assertThat(atomic.reason()).contains("is a program context");
    }

    // ------------------------------------------------------------------ bounds-checked parsing

    static final String ETHERTYPE_PARSER = """
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r4 = r2
            r4 += 14
            if r4 > r3 goto pass
            r5 = *(u16 *)(r2 + 12)
            if r5 != 0x8 goto pass
            r0 = 1
            exit
            pass:
            r0 = 2
            exit""";

    @Test
    void boundsCheckedParserPassesShortFramesAndDropsIpv4() {
        Executable parser = load(ProgramType.XDP, ETHERTYPE_PARSER);
        assertThat(parser.runXdp(XdpPacket.of(range(0, 10))).action()).isEqualTo(XdpAction.PASS);
        assertThat(parser.runXdp(XdpPacket.of(range(0, 13))).action()).isEqualTo(XdpAction.PASS);
        assertThat(parser.runXdp(XdpPacket.of(IPV4_FRAME)).action()).isEqualTo(XdpAction.DROP);
        assertThat(parser.runXdp(XdpPacket.of(ethernet(0x86dd, new byte[40]))).action()).isEqualTo(XdpAction.PASS);
        assertThat(parser.runXdp(XdpPacket.of(ethernet(0x0800, new byte[0]))).action()).isEqualTo(XdpAction.DROP);
    }

    @Test
    void readingPastDataEndWithoutACheckFaultsOutsideTheWindow() {
        MemoryAccessFault fault = accessFault(() -> run("""
                r2 = *(u32 *)(r1 + 0)
                r0 = *(u16 *)(r2 + 12)
                exit""", XdpPacket.of(range(0, 10))));
        assertThat(fault.reason()).contains("region 'packet'").contains("outside its accessible bytes")
                .contains("offsets 256 to 266, 10 bytes");
        // nor before data_meta: the headroom is not accessible
        MemoryAccessFault before = accessFault(() -> run("""
                r2 = *(u32 *)(r1 + 0)
                r0 = *(u8 *)(r2 - 1)
                exit""", XdpPacket.of(IPV4_FRAME)));
        assertThat(before.reason()).contains("outside its accessible bytes");
    }

    @Test
    void writesToThePacketAreInTheResult() {
        XdpResult r = run("""
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r4 = r2
                r4 += 12
                if r4 > r3 goto out
                r5 = *(u32 *)(r2 + 0)
                r6 = *(u16 *)(r2 + 4)
                r7 = *(u32 *)(r2 + 6)
                r8 = *(u16 *)(r2 + 10)
                *(u32 *)(r2 + 0) = r7
                *(u16 *)(r2 + 4) = r8
                *(u32 *)(r2 + 6) = r5
                *(u16 *)(r2 + 10) = r6
                out:
                r0 = 3
                exit""", XdpPacket.of(IPV4_FRAME));
        assertThat(r.action()).isEqualTo(XdpAction.TX);
        byte[] expected = IPV4_FRAME.clone();
        System.arraycopy(SRC_MAC, 0, expected, 0, 6);
        System.arraycopy(DST_MAC, 0, expected, 6, 6);
        assertThat(r.packet()).isEqualTo(expected);
    }

    @Test
    void unknownActionsAreAborted() {
        assertThat(run("r0 = 5\nexit", XdpPacket.of(IPV4_FRAME)).action()).isEqualTo(XdpAction.ABORTED);
        assertThat(run("r0 = -1\nexit", XdpPacket.of(IPV4_FRAME)).action()).isEqualTo(XdpAction.ABORTED);
        // Linux uses r0's low 32 bits
        assertThat(run("r0 = 0x100000002 ll\nexit", XdpPacket.of(IPV4_FRAME)).action()).isEqualTo(XdpAction.PASS);
    }

    @Test
    void legacyPacketLoadsHaveNoPacketInXdp() {
        assertThat(run("r6 = r1\nr0 = *(u16 *)skb[12]\nr0 = 9\nexit", XdpPacket.of(IPV4_FRAME)).returnValue()).isZero();
    }

    // ------------------------------------------------------------------ adjust helpers

    /** Calls {@code helper(ctx, delta)}; returns its result in r0 and data_end - data in r0's high half unless it failed. */
    static final String ADJUST = """
            r6 = r1
            r2 = %d
            call %d
            if r0 != 0 goto out
            r2 = *(u32 *)(r6 + 0)
            r3 = *(u32 *)(r6 + 4)
            r3 -= r2
            r0 = r3
            r0 <<= 32
            out:
            exit""";

    static long adjust(int helper, int delta, XdpPacket packet) {
        return run(ADJUST.formatted(delta, helper), packet).returnValue();
    }

    @Test
    void adjustHeadGrowsAndShrinksTheFrontWithinLinuxsLimits() {
        XdpPacket packet = XdpPacket.of(IPV4_FRAME);
        int len = IPV4_FRAME.length;
        assertThat(adjust(44, -14, packet)).isEqualTo((long) (len + 14) << 32);
        assertThat(adjust(44, 14, packet)).isEqualTo((long) (len - 14) << 32);
        // data may go down to sizeof(struct xdp_frame) = 40 bytes into the 256 of headroom
        assertThat(adjust(44, -216, packet)).isEqualTo((long) (len + 216) << 32);
        assertThat(adjust(44, -217, packet)).isEqualTo(-22);
        // and must leave an Ethernet header
        assertThat(adjust(44, len - 14, packet)).isEqualTo(14L << 32);
        assertThat(adjust(44, len - 13, packet)).isEqualTo(-22);
        // metadata counts: with 8 bytes of it, data stops 8 bytes earlier
        assertThat(adjust(44, -208, packet.withMetadata(new byte[8]))).isEqualTo((long) (len + 208) << 32);
        assertThat(adjust(44, -209, packet.withMetadata(new byte[8]))).isEqualTo(-22);
    }

    @Test
    void adjustHeadResultingBytesAndMetadataMoveAlong() {
        XdpResult stripped = run("""
                r6 = r1
                r2 = 14
                call 44
                r0 = 2
                exit""", XdpPacket.of(IPV4_FRAME).withMetadata(range(1, 5)));
        assertThat(stripped.packet()).isEqualTo(Arrays.copyOfRange(IPV4_FRAME, 14, IPV4_FRAME.length));
        assertThat(stripped.metadata()).isEqualTo(range(1, 5));
        // an encapsulation: grow by 4 and write a tag in front
        XdpResult grown = run("""
                r6 = r1
                r2 = -4
                call 44
                r2 = *(u32 *)(r6 + 0)
                r3 = *(u32 *)(r6 + 4)
                r4 = r2
                r4 += 4
                if r4 > r3 goto out
                *(u32 *)(r2 + 0) = 0x04030201
                out:
                r0 = 2
                exit""", XdpPacket.of(IPV4_FRAME));
        assertThat(grown.packet()).isEqualTo(concat(new byte[] {1, 2, 3, 4}, IPV4_FRAME));
    }

    @Test
    void bytesKeepTheirAddressWhenTheWindowMoves() {
        // data after adjust_head(+14) is the old data + 14, and data_end is unchanged
        XdpResult r = run("""
                r6 = r1
                r7 = *(u32 *)(r6 + 0)
                r8 = *(u32 *)(r6 + 4)
                r2 = 14
                call 44
                r2 = *(u32 *)(r6 + 0)
                r3 = *(u32 *)(r6 + 4)
                r2 -= r7
                r3 -= r8
                r0 = r3
                r0 <<= 8
                r0 |= r2
                exit""", XdpPacket.of(IPV4_FRAME));
        assertThat(r.returnValue()).isEqualTo(14);
    }

    @Test
    void adjustMetaRulesAndBytes() {
        XdpPacket packet = XdpPacket.of(IPV4_FRAME);
        String meta = """
                r6 = r1
                r2 = %d
                call 54
                if r0 != 0 goto out
                r2 = *(u32 *)(r6 + 8)
                r3 = *(u32 *)(r6 + 0)
                r3 -= r2
                r0 = r3
                out:
                exit""";
        assertThat(run(meta.formatted(-8), packet).returnValue()).isEqualTo(8);
        assertThat(run(meta.formatted(-32), packet).returnValue()).isEqualTo(32);
        // Linux's limit was 32 bytes; now the headroom bounds it: 256 - 40 (struct xdp_frame)
        assertThat(run(meta.formatted(-36), packet).returnValue()).isEqualTo(36);
        assertThat(run(meta.formatted(-216), packet).returnValue()).isEqualTo(216);
        assertThat(run(meta.formatted(-220), packet).returnValue()).isEqualTo(-22);
        assertThat(run(meta.formatted(-6), packet).returnValue()).isEqualTo(-13); // not a multiple of 4
        assertThat(run(meta.formatted(4), packet).returnValue()).isEqualTo(-22); // past data
        assertThat(run(meta.formatted(4), packet.withMetadata(new byte[8])).returnValue()).isEqualTo(4);
        // near the front of the frame: data_meta may not go below 40 bytes in
        assertThat(adjust(44, -212, packet)).isEqualTo((long) (IPV4_FRAME.length + 212) << 32);
        XdpResult r = run("""
                r6 = r1
                r2 = -8
                call 54
                r2 = *(u32 *)(r6 + 8)
                r3 = *(u32 *)(r6 + 0)
                r4 = r2
                r4 += 8
                if r4 > r3 goto out
                r5 = 0x1122334455667788 ll
                *(u64 *)(r2 + 0) = r5
                out:
                r0 = 2
                exit""", packet);
        assertThat(r.metadata()).containsExactly(0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11);
        assertThat(r.packet()).isEqualTo(IPV4_FRAME);
    }

    @Test
    void adjustTailRulesAndZeroedGrowth() {
        XdpPacket packet = XdpPacket.of(IPV4_FRAME);
        int len = IPV4_FRAME.length;
        assertThat(adjust(65, -4, packet)).isEqualTo((long) (len - 4) << 32);
        assertThat(adjust(65, 10, packet)).isEqualTo((long) (len + 10) << 32);
        // the frame is 4096 bytes, less 256 of headroom and 320 of shared info
        int room = 4096 - 320 - 256 - len;
        assertThat(adjust(65, room, packet)).isEqualTo((long) (len + room) << 32);
        assertThat(adjust(65, room + 1, packet)).isEqualTo(-22);
        assertThat(adjust(65, 14 - len, packet)).isEqualTo(14L << 32);
        assertThat(adjust(65, 13 - len, packet)).isEqualTo(-22);
        // shrink, write nothing, grow back: the regrown bytes are zero
        XdpResult r = run("""
                r6 = r1
                r2 = -8
                call 65
                r1 = r6
                r2 = 8
                call 65
                r0 = 2
                exit""", packet);
        byte[] expected = IPV4_FRAME.clone();
        Arrays.fill(expected, len - 8, len, (byte) 0);
        assertThat(r.packet()).isEqualTo(expected);
    }

    @Test
    void largeFramesGetABufferBigEnough() {
        byte[] jumbo = ethernet(0x0800, new byte[8000]);
        XdpResult r = run(ADJUST.formatted(10, 65), XdpPacket.of(jumbo));
        assertThat(r.returnValue()).isEqualTo((long) (jumbo.length + 10) << 32);
        int room = 3 * 4096 - 320 - 256 - jumbo.length; // three pages
        assertThat(adjust(65, room, XdpPacket.of(jumbo))).isEqualTo((long) (jumbo.length + room) << 32);
        assertThat(adjust(65, room + 1, XdpPacket.of(jumbo))).isEqualTo(-22);
    }

    @Test
    void adjustHelpersNeedTheXdpContext() {
        Executable exe = load(ProgramType.XDP, "r1 = r10\nr2 = 4\ncall 44\nexit");
        assertThatThrownBy(() -> exe.runXdp(XdpPacket.of(IPV4_FRAME))).isInstanceOf(ProgramFault.class)
                .hasMessageContaining("helper xdp_adjust_head takes the XDP context (struct xdp_md) in r1");
        Executable tc = load(ProgramType.SCHED_CLS, "r2 = 4\ncall 44\nexit");
        assertThatThrownBy(() -> tc.runTc(SkBuff.ofEthernet(IPV4_FRAME))).isInstanceOf(ProgramFault.class)
                .hasMessageContaining("not the context of a SCHED_CLS program");
    }

    @Test
    void loadAndStoreBytesAndBufferLength() {
        XdpResult r = run("""
                r6 = r1
                r1 = r6
                r2 = 6
                r3 = r10
                r3 += -8
                r4 = 6
                call 189
                r1 = r6
                r2 = 0
                r3 = r10
                r3 += -8
                r4 = 6
                call 190
                r1 = r6
                r2 = 100
                r3 = r10
                r3 += -8
                r4 = 6
                call 189
                r7 = r0
                r1 = r6
                call 188
                r0 <<= 32
                r7 &= 0xff
                r0 |= r7
                exit""", XdpPacket.of(IPV4_FRAME));
        assertThat(r.returnValue() >>> 32).isEqualTo(IPV4_FRAME.length);
        assertThat(r.returnValue() & 0xff).isEqualTo(-22 & 0xff);
        assertThat(Arrays.copyOf(r.packet(), 12)).isEqualTo(concat(SRC_MAC, SRC_MAC));
    }

    // ------------------------------------------------------------------ redirects

    @Test
    void redirectRecordsTheInterface() {
        XdpResult r = run("r1 = 5\nr2 = 0\ncall 23\nexit", XdpPacket.of(IPV4_FRAME));
        assertThat(r.action()).isEqualTo(XdpAction.REDIRECT);
        assertThat(r.redirect()).isEqualTo(Redirect.toInterface(5, 0));
        XdpResult flagged = run("r1 = 5\nr2 = 1\ncall 23\nexit", XdpPacket.of(IPV4_FRAME));
        assertThat(flagged.action()).isEqualTo(XdpAction.ABORTED);
        assertThat(flagged.redirect()).isNull();
        assertThat(run("r0 = 2\nexit", XdpPacket.of(IPV4_FRAME)).redirect()).isNull();
    }

    @Test
    void redirectMapRecordsMapAndKeyOrFallsBack() {
        BpfMap ports = Maps.create(MapDefinition.of(MapType.HASH, 4, 4, 8).withName("tx_ports"));
        ports.update(new byte[] {3, 0, 0, 0}, new byte[] {9, 0, 0, 0}, 0);
        String program = """
                ld_pseudo r1, 1, 0
                r2 = %d
                r3 = %d
                call 51
                exit""";
        Executable found = load(ProgramType.XDP, program.formatted(3, 0), ports);
        XdpResult r = found.runXdp(XdpPacket.of(IPV4_FRAME));
        assertThat(r.action()).isEqualTo(XdpAction.REDIRECT);
        assertThat(r.redirect().isMapRedirect()).isTrue();
        assertThat(r.redirect().mapName()).isEqualTo("tx_ports");
        assertThat(r.redirect().key()).isEqualTo(3);
        // a key with no target: the flags' low bits are the action
        assertThat(load(ProgramType.XDP, program.formatted(4, 2), ports).runXdp(XdpPacket.of(IPV4_FRAME)).action())
                .isEqualTo(XdpAction.PASS);
        assertThat(load(ProgramType.XDP, program.formatted(4, 0), ports).runXdp(XdpPacket.of(IPV4_FRAME)).redirect()).isNull();
        // unknown flags abort
        assertThat(load(ProgramType.XDP, program.formatted(3, 0x40), ports).runXdp(XdpPacket.of(IPV4_FRAME)).action())
                .isEqualTo(XdpAction.ABORTED);
        // broadcast does not need the key
        XdpResult broadcast = load(ProgramType.XDP, program.formatted(0, 8 | 16), ports).runXdp(XdpPacket.of(IPV4_FRAME));
        assertThat(broadcast.action()).isEqualTo(XdpAction.REDIRECT);
        assertThat(broadcast.redirect().flags()).isEqualTo(8 | 16);
        // array maps hold every index below max_entries
        BpfMap array = Maps.create(MapDefinition.of(MapType.ARRAY, 4, 4, 4).withName("devs"));
        assertThat(load(ProgramType.XDP, program.formatted(3, 1), array).runXdp(XdpPacket.of(IPV4_FRAME)).action())
                .isEqualTo(XdpAction.REDIRECT);
        assertThat(load(ProgramType.XDP, program.formatted(4, 1), array).runXdp(XdpPacket.of(IPV4_FRAME)).action())
                .isEqualTo(XdpAction.DROP);
    }

    @Test
    void redirectMapNeedsAnXdpRun() {
        BpfMap ports = Maps.create(MapDefinition.of(MapType.HASH, 4, 4, 8).withName("tx_ports"));
        Executable exe = load(ProgramType.UNSPEC, "ld_pseudo r1, 1, 0\nr2 = 0\nr3 = 0\ncall 51\nexit", ports);
        assertThatThrownBy(() -> exe.run(new byte[4])).isInstanceOf(ProgramFault.class)
                .hasMessageContaining("redirect_map is only available to XDP programs; this run is on plain memory");
    }

    // ------------------------------------------------------------------ program types

    @Test
    void aProgramOfAnotherTypeCannotRunAsXdp() {
        Executable filter = load(ProgramType.SOCKET_FILTER, "r0 = 0\nexit");
        assertThatThrownBy(() -> filter.runXdp(XdpPacket.of(IPV4_FRAME))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is a SOCKET_FILTER program; runXdp runs programs of type [XDP]");
        Executable unspec = RUNTIME.load(Program.of("plain", io.bpf4j.isa.Assembler.assemble("r0 = *(u32 *)(r1 + 12)\nexit")));
        assertThat(unspec.runXdp(XdpPacket.of(IPV4_FRAME)).returnValue()).isEqualTo(1);
    }

    @Test
    void invalidMetadataIsRejected() {
        assertThatThrownBy(() -> XdpPacket.of(IPV4_FRAME).withMetadata(new byte[6])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> XdpPacket.of(IPV4_FRAME).withMetadata(new byte[220])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 216");
        assertThat(XdpPacket.of(IPV4_FRAME).withMetadata(new byte[216]).metadata()).hasSize(216);
    }
}
