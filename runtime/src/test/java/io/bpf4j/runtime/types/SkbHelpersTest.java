package io.bpf4j.runtime.types;

import static io.bpf4j.runtime.types.TypedPrograms.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ProgramFault;
import io.bpf4j.runtime.ProgramType;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Socket filter results, legacy packet loads on the skb, and the skb helpers. */
class SkbHelpersTest {
    static final byte[] SRC = {10, 0, 0, 1};
    static final byte[] DST = {10, 0, 0, 2};
    static final byte[] NEW_DST = {(byte) 192, (byte) 168, 1, 77};
    static final byte[] TCP_FRAME = ethernet(0x0800, ipv4(6, SRC, DST, tcp(SRC, DST, 1234, 80, range(0, 11))));
    static final byte[] UDP_FRAME = ethernet(0x0800, ipv4(17, SRC, DST, udp(SRC, DST, 5353, 53, range(0, 7), true)));

    static TcResult tc(String assembly, SkBuff skb) {
        return load(ProgramType.SCHED_CLS, assembly).runTc(skb);
    }

    // ------------------------------------------------------------------ socket filters

    @ParameterizedTest
    @CsvSource({"0, 0", "5, 5", "64, 64", "65, 65", "1000, 65", "-1, 65", "0x100000003, 3", "0x100000000, 0"})
    void socketFilterKeepsMinOfReturnValueAndLength(String r0, int kept) {
        byte[] frame = ethernet(0x0800, new byte[51]);
        SocketFilterResult r = load(ProgramType.SOCKET_FILTER, "r0 = " + r0 + " ll\nexit").runSocketFilter(SkBuff.ofEthernet(frame));
        assertThat(r.bytesKept()).isEqualTo(kept);
        assertThat(r.accepted()).isEqualTo(kept > 0);
    }

    @Test
    void legacyPacketLoadsReadTheSkbInNetworkOrder() {
        Executable filter = load(ProgramType.SOCKET_FILTER, """
                r6 = r1
                r0 = *(u16 *)skb[12]
                if r0 != 0x800 goto drop
                r0 = *(u8 *)skb[23]
                if r0 != 6 goto drop
                r7 = 20
                r0 = *(u32 *)skb[r7 + 6]
                exit
                drop:
                r0 = 0
                exit""");
        assertThat(filter.runSocketFilter(SkBuff.ofEthernet(TCP_FRAME)).returnValue()).isEqualTo(0x0a000001L);
        assertThat(filter.runSocketFilter(SkBuff.ofEthernet(UDP_FRAME)).returnValue()).isZero();
        // beyond the packet: the program ends with 0
        assertThat(load(ProgramType.SOCKET_FILTER, "r6 = r1\nr0 = *(u32 *)skb[200]\nr0 = 1\nexit")
                .runSocketFilter(SkBuff.ofEthernet(TCP_FRAME)).returnValue()).isZero();
    }

    @Test
    void loadBytesCopiesOrZeroesWithEfault() {
        String program = """
                r6 = r1
                r1 = 0x7777777777777777 ll
                *(u64 *)(r10 - 8) = r1
                r1 = r6
                r2 = %d
                r3 = r10
                r3 += -8
                r4 = 6
                call 26
                r1 = *(u64 *)(r10 - 8)
                r0 <<= 48
                r0 |= r1
                exit""";
        long ok = load(ProgramType.SOCKET_FILTER, program.formatted(6)).runSocketFilter(SkBuff.ofEthernet(TCP_FRAME)).returnValue();
        assertThat(ok).isEqualTo(0x7777_0100_0000_0002L); // the source MAC, the stack's last two bytes untouched
        long failed = load(ProgramType.SOCKET_FILTER, program.formatted(TCP_FRAME.length - 5))
                .runSocketFilter(SkBuff.ofEthernet(TCP_FRAME)).returnValue();
        // -EFAULT, and the 6 destination bytes zeroed (the stack's last two bytes untouched)
        assertThat(failed).isEqualTo((-14L << 48) | 0x7777_0000_0000_0000L);
    }

    @Test
    void storeBytesWritesAndCanInvalidateTheHash() {
        TcResult r = tc("""
                r6 = r1
                r1 = 0x0605040302010000 ll
                *(u64 *)(r10 - 8) = r1
                r1 = r6
                r2 = 0
                r3 = r10
                r3 += -6
                r4 = 6
                r5 = 2
                call 9
                r7 = r0
                r1 = r6
                r2 = 60
                r3 = r10
                r3 += -8
                r4 = 8
                r5 = 0
                call 9
                r7 <<= 8
                r0 &= 0xff
                r0 |= r7
                exit""", SkBuff.ethernet(TCP_FRAME).hash(0x1234).build());
        assertThat(r.returnValue()).isEqualTo(-14 & 0xff);
        assertThat(Arrays.copyOf(r.skb().data(), 6)).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(r.skb().hash()).isZero();
        assertThat(tc("""
                r2 = 0
                r3 = r10
                r3 += -8
                *(u64 *)(r10 - 8) = 0
                r4 = 4
                r5 = 4
                call 9
                exit""", SkBuff.ofEthernet(TCP_FRAME)).returnValue()).isEqualTo(-22);
    }

    @Test
    void socketFiltersCannotCallTcHelpers() {
        Executable filter = load(ProgramType.SOCKET_FILTER, """
                r2 = 0
                r3 = r10
                r3 += -8
                *(u64 *)(r10 - 8) = 0
                r4 = 4
                r5 = 0
                call 9
                exit""");
        assertThatThrownBy(() -> filter.runSocketFilter(SkBuff.ofEthernet(TCP_FRAME))).isInstanceOf(ProgramFault.class)
                .hasMessageContaining("helper skb_store_bytes is not available to SOCKET_FILTER programs (tc only)");
    }

    // ------------------------------------------------------------------ checksums

    /** Rewrites the IPv4 destination (r8 holds the new address as loaded) and fixes both checksums. */
    static String natProgram(int transportChecksumOffset, int l4Flags) {
        return """
                r6 = r1
                r2 = *(u32 *)(r6 + 76)
                r3 = *(u32 *)(r6 + 80)
                r4 = r2
                r4 += %d
                if r4 > r3 goto out
                r7 = *(u32 *)(r2 + 30)
                w8 = %d
                *(u32 *)(r10 - 4) = r8
                r1 = r6
                r2 = 30
                r3 = r10
                r3 += -4
                r4 = 4
                r5 = 0
                call 9
                r1 = r6
                r2 = 24
                r3 = r7
                r4 = r8
                r5 = 4
                call 10
                r1 = r6
                r2 = %d
                r3 = r7
                r4 = r8
                r5 = %d
                call 11
                out:
                r0 = 0
                exit""".formatted(transportChecksumOffset + 2, (int) le32(NEW_DST), transportChecksumOffset, l4Flags);
    }

    @Test
    void tcpNatFixesBothChecksums() {
        assertThat(Rfc1071.ipv4HeaderValid(TCP_FRAME, 14)).isTrue();
        assertThat(Rfc1071.transportValid(TCP_FRAME, 14)).isTrue();
        byte[] out = tc(natProgram(50, 4 | 0x10), SkBuff.ofEthernet(TCP_FRAME)).skb().data();
        assertThat(Arrays.copyOfRange(out, 30, 34)).isEqualTo(NEW_DST);
        assertThat(Rfc1071.ipv4HeaderValid(out, 14)).isTrue();
        assertThat(Rfc1071.transportValid(out, 14)).isTrue();
        // and they are the checksums a from-scratch computation gives
        byte[] fresh = ethernet(0x0800, ipv4(6, SRC, NEW_DST, tcp(SRC, NEW_DST, 1234, 80, range(0, 11))));
        assertThat(out).isEqualTo(fresh);
    }

    @Test
    void udpNatWithMangledZero() {
        byte[] out = tc(natProgram(40, 4 | 0x10 | 0x20), SkBuff.ofEthernet(UDP_FRAME)).skb().data();
        assertThat(Rfc1071.ipv4HeaderValid(out, 14)).isTrue();
        assertThat(Rfc1071.transportValid(out, 14)).isTrue();
        // a UDP datagram without checksum keeps "no checksum" under BPF_F_MARK_MANGLED_0
        byte[] none = ethernet(0x0800, ipv4(17, SRC, DST, udp(SRC, DST, 5353, 53, range(0, 7), false)));
        byte[] outNone = tc(natProgram(40, 4 | 0x10 | 0x20), SkBuff.ofEthernet(none)).skb().data();
        assertThat(outNone[40]).isZero();
        assertThat(outNone[41]).isZero();
        assertThat(Rfc1071.ipv4HeaderValid(outNone, 14)).isTrue();
    }

    @Test
    void portRewriteWithTwoByteReplace() {
        byte[] out = tc("""
                r6 = r1
                r2 = *(u32 *)(r6 + 76)
                r3 = *(u32 *)(r6 + 80)
                r4 = r2
                r4 += 54
                if r4 > r3 goto out
                r7 = *(u16 *)(r2 + 36)
                r8 = 0x901f
                *(u16 *)(r10 - 2) = r8
                r1 = r6
                r2 = 36
                r3 = r10
                r3 += -2
                r4 = 2
                r5 = 0
                call 9
                r1 = r6
                r2 = 50
                r3 = r7
                r4 = r8
                r5 = 2
                call 11
                out:
                r0 = 0
                exit""", SkBuff.ofEthernet(TCP_FRAME)).skb().data();
        assertThat(out).isEqualTo(ethernet(0x0800, ipv4(6, SRC, DST, tcp(SRC, DST, 1234, 8080, range(0, 11)))));
    }

    @Test
    void csumDiffThenReplaceByDiff() {
        TcResult r = tc("""
                r6 = r1
                r2 = *(u32 *)(r6 + 76)
                r3 = *(u32 *)(r6 + 80)
                r4 = r2
                r4 += 52
                if r4 > r3 goto out
                r7 = *(u32 *)(r2 + 30)
                *(u32 *)(r10 - 8) = r7
                w8 = %d
                *(u32 *)(r10 - 4) = r8
                r1 = r10
                r1 += -8
                r2 = 4
                r3 = r10
                r3 += -4
                r4 = 4
                r5 = 0
                call 28
                r9 = r0
                r1 = r6
                r2 = 30
                r3 = r10
                r3 += -4
                r4 = 4
                r5 = 0
                call 9
                r1 = r6
                r2 = 24
                r3 = 0
                r4 = r9
                r5 = 0
                call 10
                r1 = r6
                r2 = 50
                r3 = 0
                r4 = r9
                r5 = 0x10
                call 11
                r0 = r9
                out:
                exit""".formatted((int) le32(NEW_DST)), SkBuff.ofEthernet(TCP_FRAME));
        byte[] out = r.skb().data();
        assertThat(Rfc1071.ipv4HeaderValid(out, 14)).isTrue();
        assertThat(Rfc1071.transportValid(out, 14)).isTrue();
        // the diff, folded, is the one's complement sum of ~old and new in 16-bit words
        int expected = Rfc1071.sum(concat(not(DST), NEW_DST), 0, 8);
        assertThat(fold(r.returnValue())).isEqualTo(Integer.reverseBytes(expected) >>> 16);
    }

    private static byte[] not(byte[] b) {
        byte[] n = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            n[i] = (byte) ~b[i];
        }
        return n;
    }

    /** Folds a 32-bit sum of little-endian words to 16 bits. */
    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "odd offset | r2 = 25 ; r5 = 4 ; call 10 | -14",
        "offset past the packet | r2 = 64 ; r5 = 4 ; call 10 | -14",
        "offset past 0xffff | r2 = 0x10000 ; r5 = 4 ; call 10 | -14",
        "unknown flag | r2 = 24 ; r5 = 0x10 ; call 10 | -22",
        "size 3 | r2 = 24 ; r5 = 3 ; call 10 | -22",
        "diff with from | r2 = 24 ; r3 = 1 ; r5 = 0 ; call 10 | -22",
        "l4 unknown flag | r2 = 50 ; r5 = 0x104 ; call 11 | -22",
        // Linux (6.13 on) takes any sizes and folds csum_diff's result to 16 bits: zeros give
        // ~sum(zeros, ~0) = 0 for "from" alone and 0 - 0 = 0xffff (one's complement) for a diff
        "csum_diff odd size | r1 = r10 ; r1 += -8 ; r2 = 3 ; r3 = 0 ; r4 = 0 ; r5 = 0 ; call 28 | 0",
        "csum_diff over 512 bytes | r1 = r10 ; r1 += -8 ; r2 = 8 ; r3 = r10 ; r3 += -512 ; r4 = 508 ; r5 = 0 ; call 28 | 65535",
    })
    void checksumHelperErrors(String what, String calls, long expected) {
        String program = "*(u64 *)(r10 - 8) = 0\nr3 = 0\nr4 = 0\n" + calls.replace(" ; ", "\n") + "\nexit";
        assertThat(tc(program, SkBuff.ofEthernet(TCP_FRAME)).returnValue()).isEqualTo(expected);
    }

    // ------------------------------------------------------------------ VLAN

    @Test
    void vlanPushKeepsTheTagOutOfBand() {
        TcResult r = tc("""
                r6 = r1
                r2 = 0x81
                r3 = 100
                call 18
                r2 = *(u32 *)(r6 + 20)
                r3 = *(u32 *)(r6 + 24)
                r0 = *(u32 *)(r6 + 28)
                r0 <<= 16
                r0 |= r3
                r0 <<= 8
                r0 |= r2
                exit""", SkBuff.ofEthernet(TCP_FRAME));
        assertThat(r.returnValue()).isEqualTo(0x0081_0064_01L);
        assertThat(r.skb().data()).isEqualTo(TCP_FRAME);
        assertThat(r.skb().vlanPresent()).isTrue();
        assertThat(r.skb().vlanTci()).isEqualTo(100);
        assertThat(r.skb().vlanProto()).isEqualTo(0x8100);
    }

    @Test
    void secondPushMovesTheFirstTagIntoThePacket() {
        TcResult r = tc("""
                r6 = r1
                r2 = 0xa888
                r3 = 100
                call 18
                r1 = r6
                r2 = 0x81
                r3 = 200
                call 18
                r0 = *(u32 *)(r6 + 16)
                exit""", SkBuff.ofEthernet(TCP_FRAME));
        byte[] tagged = concat(Arrays.copyOf(TCP_FRAME, 12), new byte[] {(byte) 0x88, (byte) 0xa8, 0, 100},
                Arrays.copyOfRange(TCP_FRAME, 12, TCP_FRAME.length));
        assertThat(r.skb().data()).isEqualTo(tagged);
        assertThat(r.skb().protocol()).isEqualTo(0x88a8);
        assertThat(r.returnValue()).isEqualTo(0xa888);
        assertThat(r.skb().vlanTci()).isEqualTo(200);
        assertThat(r.skb().vlanProto()).isEqualTo(0x8100);
    }

    @Test
    void pushOfAnUnknownProtocolPushes8021Q() {
        assertThat(tc("r2 = 0x1234\nr3 = 5\ncall 18\nexit", SkBuff.ofEthernet(TCP_FRAME)).skb().vlanProto()).isEqualTo(0x8100);
    }

    static byte[] tag(int tpid, int tci) {
        return new byte[] {(byte) (tpid >> 8), (byte) tpid, (byte) (tci >> 8), (byte) tci};
    }

    @Test
    void popRemovesATagFromThePacketAndLegacyLoadsFollow() {
        byte[] tagged = concat(Arrays.copyOf(TCP_FRAME, 12), tag(0x8100, 42), Arrays.copyOfRange(TCP_FRAME, 12, TCP_FRAME.length));
        SkBuff skb = SkBuff.ofEthernet(tagged);
        assertThat(skb.protocol()).isEqualTo(0x8100);
        TcResult r = tc("""
                r6 = r1
                call 19
                r0 = *(u16 *)skb[12]
                exit""", skb);
        assertThat(r.returnValue()).isEqualTo(0x0800);
        assertThat(r.skb().data()).isEqualTo(TCP_FRAME);
        assertThat(r.skb().protocol()).isEqualTo(0x0800);
        assertThat(r.skb().vlanPresent()).isFalse();
    }

    @Test
    void popOfQinQMovesTheInnerTagOutOfBand() {
        byte[] qinq = concat(Arrays.copyOf(TCP_FRAME, 12), tag(0x88a8, 7), tag(0x8100, 42),
                Arrays.copyOfRange(TCP_FRAME, 12, TCP_FRAME.length));
        TcResult r = tc("call 19\nexit", SkBuff.ofEthernet(qinq));
        assertThat(r.returnValue()).isZero();
        assertThat(r.skb().data()).isEqualTo(TCP_FRAME);
        assertThat(r.skb().vlanPresent()).isTrue();
        assertThat(r.skb().vlanProto()).isEqualTo(0x8100);
        assertThat(r.skb().vlanTci()).isEqualTo(42);
        assertThat(r.skb().protocol()).isEqualTo(0x0800);
    }

    @Test
    void popClearsAnOutOfBandTagAndIgnoresUntaggedPackets() {
        TcResult r = tc("call 19\nexit", SkBuff.ethernet(TCP_FRAME).vlan(0x8100, 5).build());
        assertThat(r.skb().vlanPresent()).isFalse();
        assertThat(r.skb().data()).isEqualTo(TCP_FRAME);
        TcResult untagged = tc("call 19\nexit", SkBuff.ofEthernet(TCP_FRAME));
        assertThat(untagged.returnValue()).isZero();
        assertThat(untagged.skb().data()).isEqualTo(TCP_FRAME);
    }

    @Test
    void pushThenPopRoundTrips() {
        TcResult r = tc("""
                r6 = r1
                r2 = 0x81
                r3 = 1
                call 18
                r1 = r6
                r2 = 0x81
                r3 = 2
                call 18
                r1 = r6
                call 19
                r1 = r6
                call 19
                exit""", SkBuff.ofEthernet(TCP_FRAME));
        assertThat(r.skb().data()).isEqualTo(TCP_FRAME);
        assertThat(r.skb().vlanPresent()).isFalse();
        assertThat(r.skb().protocol()).isEqualTo(0x0800);
    }

    // ------------------------------------------------------------------ size and protocol

    @Test
    void loadsAfterAHelperMovedThePacketReadTheNewBuffer() {
        // The first load reads the packet's buffer (compiled code keeps it at hand); growing the
        // packet by 2000 bytes moves it into a new buffer, where the store goes: the second load
        // must read that buffer, not the old one.
        TcResult r = tc("""
                r6 = r1
                r7 = *(u32 *)(r6 + 76)
                r8 = *(u32 *)(r6 + 80)
                r0 = 0
                r2 = r7
                r2 += 14
                if r2 > r8 goto out
                r9 = *(u8 *)(r7 + 13)
                r1 = r6
                r2 = %d
                r3 = 0
                call 38
                r7 = *(u32 *)(r6 + 76)
                r8 = *(u32 *)(r6 + 80)
                r0 = 1
                r2 = r7
                r2 += 14
                if r2 > r8 goto out
                *(u8 *)(r7 + 13) = 0x5a
                r0 = *(u8 *)(r7 + 13)
                r0 <<= 8
                r0 |= r9
                out:
                exit""".formatted(TCP_FRAME.length + 2000), SkBuff.ofEthernet(TCP_FRAME));
        assertThat(r.returnValue()).isEqualTo(0x5a00L | (TCP_FRAME[13] & 0xff));
        assertThat(r.skb().data()[13]).isEqualTo((byte) 0x5a);
        assertThat(r.skb().data()).hasSize(TCP_FRAME.length + 2000);
    }

    @Test
    void changeTailTrimsAndGrowsWithZeros() {
        String program = """
                r6 = r1
                r2 = %d
                r3 = %d
                call 38
                if r0 != 0 goto out
                r0 = *(u32 *)(r6 + 0)
                out:
                exit""";
        TcResult grown = tc(program.formatted(TCP_FRAME.length + 2000, 0), SkBuff.ofEthernet(TCP_FRAME));
        assertThat(grown.returnValue()).isEqualTo(TCP_FRAME.length + 2000);
        assertThat(grown.skb().data()).isEqualTo(concat(TCP_FRAME, new byte[2000]));
        TcResult trimmed = tc(program.formatted(20, 0), SkBuff.ofEthernet(TCP_FRAME));
        assertThat(trimmed.skb().data()).isEqualTo(Arrays.copyOf(TCP_FRAME, 20));
        assertThat(tc(program.formatted(14, 0), SkBuff.ofEthernet(TCP_FRAME)).returnValue()).isEqualTo(14);
        assertThat(tc(program.formatted(13, 0), SkBuff.ofEthernet(TCP_FRAME)).returnValue()).isEqualTo(-22);
        assertThat(tc(program.formatted(16064, 0), SkBuff.ofEthernet(TCP_FRAME)).returnValue()).isEqualTo(16064);
        assertThat(tc(program.formatted(16065, 0), SkBuff.ofEthernet(TCP_FRAME)).returnValue()).isEqualTo(-22);
        assertThat(tc(program.formatted(100, 1), SkBuff.ofEthernet(TCP_FRAME)).returnValue()).isEqualTo(-22);
    }

    @Test
    void afterChangeTailTheProgramReloadsDataEndAndWritesTheNewBytes() {
        TcResult r = tc("""
                r6 = r1
                r2 = %d
                r3 = 0
                call 38
                r2 = *(u32 *)(r6 + 76)
                r3 = *(u32 *)(r6 + 80)
                r4 = r2
                r4 += %d
                if r4 > r3 goto out
                *(u32 *)(r2 + %d) = 0x44434241
                out:
                r0 = 0
                exit""".formatted(TCP_FRAME.length + 4, TCP_FRAME.length + 4, TCP_FRAME.length), SkBuff.ofEthernet(TCP_FRAME));
        assertThat(r.skb().data()).isEqualTo(concat(TCP_FRAME, new byte[] {0x41, 0x42, 0x43, 0x44}));
    }

    @Test
    void changeProtoFourToSixAndBack() {
        TcResult six = tc("""
                r6 = r1
                r2 = 0xdd86
                r3 = 0
                call 31
                r0 = *(u32 *)(r6 + 16)
                exit""", SkBuff.ethernet(TCP_FRAME).hash(9).build());
        assertThat(six.returnValue()).isEqualTo(0xdd86);
        assertThat(six.skb().protocol()).isEqualTo(0x86dd);
        assertThat(six.skb().hash()).isZero();
        assertThat(six.skb().data()).isEqualTo(concat(Arrays.copyOf(TCP_FRAME, 14), new byte[20],
                Arrays.copyOfRange(TCP_FRAME, 14, TCP_FRAME.length)));
        TcResult four = tc("r2 = 0x8\nr3 = 0\ncall 31\nexit", six.skb());
        assertThat(four.returnValue()).isZero();
        assertThat(four.skb().data()).isEqualTo(TCP_FRAME);
        assertThat(four.skb().protocol()).isEqualTo(0x0800);
        assertThat(tc("r2 = 0x8\nr3 = 0\ncall 31\nexit", SkBuff.ofEthernet(TCP_FRAME)).returnValue()).isEqualTo(-524);
        assertThat(tc("r2 = 0xdd86\nr3 = 1\ncall 31\nexit", SkBuff.ofEthernet(TCP_FRAME)).returnValue()).isEqualTo(-22);
    }

    @Test
    void pullDataOnALinearPacket() {
        assertThat(tc("r2 = 40\ncall 39\nexit", SkBuff.ofEthernet(TCP_FRAME)).returnValue()).isZero();
        assertThat(tc("r2 = 0\ncall 39\nexit", SkBuff.ofEthernet(TCP_FRAME)).returnValue()).isZero();
        assertThat(tc("r2 = 1000\ncall 39\nexit", SkBuff.ofEthernet(TCP_FRAME)).returnValue()).isEqualTo(-12);
    }

    // ------------------------------------------------------------------ redirect

    @Test
    void tcRedirect() {
        TcResult r = tc("r1 = 3\nr2 = 1\ncall 23\nexit", SkBuff.ofEthernet(TCP_FRAME));
        assertThat(r.action()).isEqualTo(TcAction.REDIRECT);
        assertThat(r.redirect().ifindex()).isEqualTo(3);
        assertThat(r.redirect().ingress()).isTrue();
        TcResult bad = tc("r1 = 3\nr2 = 2\ncall 23\nexit", SkBuff.ofEthernet(TCP_FRAME));
        assertThat(bad.action()).isEqualTo(TcAction.SHOT);
        assertThat(bad.redirect()).isNull();
        Executable filter = load(ProgramType.SOCKET_FILTER, "r1 = 3\nr2 = 0\ncall 23\nexit");
        assertThatThrownBy(() -> filter.runSocketFilter(SkBuff.ofEthernet(TCP_FRAME))).isInstanceOf(ProgramFault.class)
                .hasMessageContaining("redirect is only available to XDP and tc programs; this run is of a SOCKET_FILTER program");
    }

    @ParameterizedTest
    @CsvSource({"-1, UNSPEC", "0, OK", "2, SHOT", "7, REDIRECT", "8, TRAP", "9, UNSPEC", "100, UNSPEC"})
    void tcVerdicts(int r0, TcAction action) {
        assertThat(tc("r0 = " + r0 + "\nexit", SkBuff.ofEthernet(TCP_FRAME)).action()).isEqualTo(action);
    }

    @Test
    void hashHelpers() {
        TcResult r = tc("""
                r6 = r1
                call 34
                r7 = r0
                r1 = r6
                call 41
                r1 = r6
                call 34
                r0 <<= 32
                r0 |= r7
                exit""", SkBuff.ethernet(TCP_FRAME).hash(0x55).build());
        assertThat(r.returnValue()).isEqualTo(0x55);
        assertThat(r.skb().hash()).isZero();
    }
}
