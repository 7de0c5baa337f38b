package io.bpf4j.runtime.types;

import static io.bpf4j.runtime.types.TypedPrograms.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.MemoryAccessFault;
import io.bpf4j.runtime.ProgramType;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code struct __sk_buff}: every field's offset and value, and Linux's permissions per program type. */
class SkBuffContextTest {
    static final byte[] FRAME = ethernet(0x0800, ipv4(6, new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2},
            tcp(new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}, 1234, 80, range(0, 10))));

    static final SkBuff SKB = SkBuff.ethernet(FRAME)
            .pktType(SkBuff.PACKET_OTHERHOST)
            .mark(0x11223344)
            .priority(0x22)
            .queueMapping(3)
            .ingressIfindex(4)
            .ifindex(5)
            .tcIndex(6)
            .tcClassid(7)
            .cb(0x101, 0x202, 0x303, 0x404, 0x505)
            .hash(0x99)
            .napiId(12)
            .vlan(SkBuff.ETH_P_8021Q, 100)
            .tstamp(1_234_567_890_123L)
            .hwtstamp(777)
            .wireLength(200)
            .gso(2, 1400)
            .build();

    static final SkBuff WITH_SOCKET = SKB.toBuilder()
            .socket(new SkBuff.Socket(SkBuff.Socket.AF_INET, new byte[] {10, 0, 0, 2}, new byte[] {10, 0, 0, 1}, 8080, 443))
            .build();

    static long read(ProgramType type, String load, SkBuff skb) {
        Executable exe = load(type, "r0 = " + load + "\nexit");
        return switch (type) {
            case SOCKET_FILTER -> exe.runSocketFilter(skb).returnValue();
            case CGROUP_SKB -> exe.runCgroupSkb(skb).returnValue();
            default -> exe.runTc(skb).returnValue();
        };
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "len, *(u32 *)(r1 + 0), 64",
        "pkt_type, *(u32 *)(r1 + 4), 3",
        "mark, *(u32 *)(r1 + 8), 0x11223344",
        "queue_mapping, *(u32 *)(r1 + 12), 3",
        "protocol (network order), *(u32 *)(r1 + 16), 0x0008",
        "vlan_present, *(u32 *)(r1 + 20), 1",
        "vlan_tci, *(u32 *)(r1 + 24), 100",
        "vlan_proto (network order), *(u32 *)(r1 + 28), 0x0081",
        "priority, *(u32 *)(r1 + 32), 0x22",
        "ingress_ifindex, *(u32 *)(r1 + 36), 4",
        "ifindex, *(u32 *)(r1 + 40), 5",
        "tc_index, *(u32 *)(r1 + 44), 6",
        "cb[0], *(u32 *)(r1 + 48), 0x101",
        "cb[1], *(u32 *)(r1 + 52), 0x202",
        "cb[4], *(u32 *)(r1 + 64), 0x505",
        "cb[2..3] as u64, *(u64 *)(r1 + 56), 0x0000040400000303",
        "cb[1] byte 1, *(u8 *)(r1 + 53), 0x02",
        "hash, *(u32 *)(r1 + 68), 0x99",
        "tc_classid, *(u32 *)(r1 + 72), 7",
        "napi_id, *(u32 *)(r1 + 84), 12",
        "tstamp, *(u64 *)(r1 + 152), 1234567890123",
        "wire_len, *(u32 *)(r1 + 160), 200",
        "gso_segs, *(u32 *)(r1 + 164), 2",
        "sk (none), *(u64 *)(r1 + 168), 0",
        "gso_size, *(u32 *)(r1 + 176), 1400",
        "tstamp_type, *(u8 *)(r1 + 180), 0",
        "hwtstamp, *(u64 *)(r1 + 184), 777",
        "mark byte 0, *(u8 *)(r1 + 8), 0x44",
        "mark byte 1, *(u8 *)(r1 + 9), 0x33",
        "mark high half, *(u16 *)(r1 + 10), 0x1122",
        "protocol low byte, *(u8 *)(r1 + 16), 0x08",
    })
    void tcReadsEveryField(String field, String load, String expected) {
        assertThat(read(ProgramType.SCHED_CLS, load, SKB)).isEqualTo(Long.decode(expected));
    }

    @Test
    void dataDataEndAndDataMetaAreAddresses() {
        String length = """
                r2 = *(u32 *)(r1 + 76)
                r3 = *(u32 *)(r1 + 80)
                r4 = *(u32 *)(r1 + 140)
                r0 = r3
                r0 -= r2
                if r4 == r2 goto out
                r0 = -1
                out:
                exit""";
        assertThat(load(ProgramType.SCHED_CLS, length).runTc(SKB).returnValue()).isEqualTo(FRAME.length);
        assertThat(load(ProgramType.SCHED_ACT, length).runTc(SKB).returnValue()).isEqualTo(FRAME.length);
        // direct packet access: the ethertype
        assertThat(read(ProgramType.SCHED_CLS, "*(u32 *)(r1 + 76)\nr0 = *(u16 *)(r0 + 12)", SKB)).isEqualTo(0x0008);
        // cgroup skb programs (privileged) read data and data_end too
        assertThat(load(ProgramType.CGROUP_SKB, """
                r2 = *(u32 *)(r1 + 76)
                r3 = *(u32 *)(r1 + 80)
                r0 = r3
                r0 -= r2
                exit""").runCgroupSkb(SkBuff.ofNetwork(0x0800, new byte[40])).returnValue()).isEqualTo(40);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "family, *(u32 *)(r1 + 88), 2",
        "remote_ip4, *(u32 *)(r1 + 92), 0x0100000a",
        "local_ip4, *(u32 *)(r1 + 96), 0x0200000a",
        "remote_ip6 (IPv4 socket), *(u32 *)(r1 + 100), 0",
        "remote_port (network order in the high half), *(u32 *)(r1 + 132), 0xbb010000",
        "local_port (host order), *(u32 *)(r1 + 136), 8080",
        "mark, *(u32 *)(r1 + 8), 0x11223344",
        "cb starts zeroed, *(u32 *)(r1 + 48), 0",
    })
    void cgroupSkbReadsSocketFields(String field, String load, String expected) {
        assertThat(read(ProgramType.CGROUP_SKB, load, WITH_SOCKET)).isEqualTo(Long.decode(expected));
    }

    @Test
    void ipv6SocketAddresses() {
        byte[] local = range(0x20, 0x30);
        byte[] remote = range(0x40, 0x50);
        SkBuff skb = SKB.toBuilder().socket(new SkBuff.Socket(SkBuff.Socket.AF_INET6, local, remote, 1, 2)).build();
        assertThat(read(ProgramType.CGROUP_SKB, "*(u32 *)(r1 + 100)", skb)).isEqualTo(le32(range(0x40, 0x44)));
        assertThat(read(ProgramType.CGROUP_SKB, "*(u32 *)(r1 + 112)", skb)).isEqualTo(le32(range(0x4c, 0x50)));
        assertThat(read(ProgramType.CGROUP_SKB, "*(u32 *)(r1 + 128)", skb)).isEqualTo(le32(range(0x2c, 0x30)));
        assertThat(read(ProgramType.CGROUP_SKB, "*(u32 *)(r1 + 92)", skb)).isZero();
        assertThat(read(ProgramType.CGROUP_SKB, "*(u32 *)(r1 + 88)", skb)).isEqualTo(10);
        assertThat(read(ProgramType.CGROUP_SKB, "*(u32 *)(r1 + 88)", SKB)).isZero(); // no socket fields given
    }

    @Test
    void socketFilterReadsWhatItMay() {
        assertThat(read(ProgramType.SOCKET_FILTER, "*(u32 *)(r1 + 0)", SKB)).isEqualTo(FRAME.length);
        assertThat(read(ProgramType.SOCKET_FILTER, "*(u32 *)(r1 + 16)", SKB)).isEqualTo(0x0008);
        assertThat(read(ProgramType.SOCKET_FILTER, "*(u32 *)(r1 + 8)", SKB)).isEqualTo(0x11223344);
        assertThat(read(ProgramType.SOCKET_FILTER, "*(u32 *)(r1 + 48)", SKB)).isZero(); // cb zeroed for socket filters
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        // type | access | expected reason
        "SOCKET_FILTER | r0 = *(u32 *)(r1 + 76) | struct __sk_buff field data (offset 76) cannot be read by SOCKET_FILTER programs",
        "SOCKET_FILTER | r0 = *(u32 *)(r1 + 80) | field data_end (offset 80) cannot be read by SOCKET_FILTER",
        "SOCKET_FILTER | r0 = *(u32 *)(r1 + 140) | field data_meta (offset 140) cannot be read by SOCKET_FILTER",
        "SOCKET_FILTER | r0 = *(u32 *)(r1 + 72) | field tc_classid (offset 72) cannot be read by SOCKET_FILTER",
        "SOCKET_FILTER | r0 = *(u32 *)(r1 + 88) | field family (offset 88) cannot be read by SOCKET_FILTER",
        "SOCKET_FILTER | r0 = *(u32 *)(r1 + 136) | field local_port (offset 136) cannot be read by SOCKET_FILTER",
        "SOCKET_FILTER | r0 = *(u64 *)(r1 + 152) | field tstamp (offset 152) cannot be read by SOCKET_FILTER",
        "SOCKET_FILTER | r0 = *(u32 *)(r1 + 160) | field wire_len (offset 160) cannot be read by SOCKET_FILTER",
        "SOCKET_FILTER | r0 = *(u64 *)(r1 + 184) | field hwtstamp (offset 184) cannot be read by SOCKET_FILTER",
        "SOCKET_FILTER | *(u32 *)(r1 + 8) = 1 | field mark (offset 8) is read-only for SOCKET_FILTER programs",
        "SOCKET_FILTER | *(u32 *)(r1 + 76) = 1 | field data (offset 76) cannot be written by SOCKET_FILTER programs",
        "SCHED_CLS | *(u32 *)(r1 + 0) = 1 | field len (offset 0) is read-only for SCHED_CLS programs",
        "SCHED_CLS | *(u32 *)(r1 + 16) = 1 | field protocol (offset 16) is read-only for SCHED_CLS",
        "SCHED_CLS | *(u32 *)(r1 + 68) = 1 | field hash (offset 68) is read-only for SCHED_CLS",
        "SCHED_CLS | *(u32 *)(r1 + 76) = 1 | field data (offset 76) is read-only for SCHED_CLS",
        "SCHED_CLS | *(u64 *)(r1 + 184) = 1 | field hwtstamp (offset 184) is read-only for SCHED_CLS",
        "SCHED_CLS | r0 = *(u32 *)(r1 + 88) | field family (offset 88) cannot be read by SCHED_CLS programs",
        "SCHED_CLS | r0 = *(u32 *)(r1 + 92) | field remote_ip4 (offset 92) cannot be read by SCHED_CLS",
        "SCHED_ACT | r0 = *(u32 *)(r1 + 120) | field local_ip6[1] (offset 120) cannot be read by SCHED_ACT",
        "SCHED_CLS | r0 = *(u64 *)(r1 + 144) | field flow_keys (offset 144) cannot be read by SCHED_CLS",
        "SCHED_CLS | *(u16 *)(r1 + 8) = 1 | 2-byte write of struct __sk_buff field mark (offset 8): SCHED_CLS programs may only make 4-byte writes",
        "SCHED_CLS | r0 = *(u64 *)(r1 + 0) | 8-byte read of struct __sk_buff field len (offset 0): SCHED_CLS programs may only make 1-, 2- or 4-byte reads",
        "SCHED_CLS | r0 = *(u32 *)(r1 + 152) | field tstamp (offset 152): SCHED_CLS programs may only make 8-byte accesses",
        "SCHED_CLS | r0 = *(u32 *)(r1 + 168) | field sk (offset 168): SCHED_CLS programs may only make 8-byte reads",
        "SCHED_CLS | r0 = *(u16 *)(r1 + 76) | field data (offset 76): SCHED_CLS programs may only make 4-byte accesses",
        "SCHED_CLS | r0 = *(u32 *)(r1 + 180) | field tstamp_type (offset 180): only tc programs may read it, with 1-byte loads",
        "SCHED_CLS | r0 = *(u8 *)(r1 + 181) | at offset 181 of struct __sk_buff, which is padding",
        "SCHED_CLS | r0 = *(u32 *)(r1 + 192) | 4-byte read at offset 192 is outside struct __sk_buff (192 bytes) of SCHED_CLS programs",
        "SCHED_CLS | r0 = *(u16 *)(r1 + 1) | misaligned 2-byte read at offset 1 of struct __sk_buff",
        "SCHED_CLS | *(u64 *)(r1 + 64) = 1 | 8-byte write at offset 64 of struct __sk_buff runs past the end of cb",
        "CGROUP_SKB | *(u32 *)(r1 + 44) = 1 | field tc_index (offset 44) is read-only for CGROUP_SKB programs",
        "CGROUP_SKB | *(u32 *)(r1 + 12) = 1 | field queue_mapping (offset 12) is read-only for CGROUP_SKB",
        "CGROUP_SKB | r0 = *(u32 *)(r1 + 72) | field tc_classid (offset 72) cannot be read by CGROUP_SKB programs",
        "CGROUP_SKB | r0 = *(u32 *)(r1 + 140) | field data_meta (offset 140) cannot be read by CGROUP_SKB",
        "CGROUP_SKB | r0 = *(u32 *)(r1 + 160) | field wire_len (offset 160) cannot be read by CGROUP_SKB",
        "CGROUP_SKB | r0 = *(u8 *)(r1 + 180) | field tstamp_type (offset 180): only tc programs may read it",
        "CGROUP_SKB | *(u32 *)(r1 + 88) = 1 | field family (offset 88) is read-only for CGROUP_SKB",
    })
    void forbiddenAccessesFaultWithLinuxsReason(ProgramType type, String access, String reason) {
        Executable exe = load(type, access + "\nr0 = 0\nexit");
        Function<SkBuff, Object> run = switch (type) {
            case SOCKET_FILTER -> exe::runSocketFilter;
            case CGROUP_SKB -> exe::runCgroupSkb;
            default -> exe::runTc;
        };
        MemoryAccessFault fault = accessFault(() -> run.apply(WITH_SOCKET));
        assertThat(fault.pc()).isZero();
        assertThat(fault.reason()).contains(reason);
    }

    @Test
    void tcWritesReachTheResultingSkb() {
        TcResult r = load(ProgramType.SCHED_CLS, """
                *(u32 *)(r1 + 8) = 0x42
                *(u32 *)(r1 + 32) = 7
                r2 = 0x12345
                *(u32 *)(r1 + 44) = r2
                *(u32 *)(r1 + 72) = r2
                *(u32 *)(r1 + 12) = 9
                *(u32 *)(r1 + 56) = 0xcafe
                *(u8 *)(r1 + 49) = 0xff
                r3 = 0x1122334455667788 ll
                *(u64 *)(r1 + 152) = r3
                r0 = 0
                exit""").runTc(SKB);
        assertThat(r.action()).isEqualTo(TcAction.OK);
        SkBuff out = r.skb();
        assertThat(out.mark()).isEqualTo(0x42);
        assertThat(out.priority()).isEqualTo(7);
        assertThat(out.tcIndex()).isEqualTo(0x2345); // 16 bits in Linux
        assertThat(out.tcClassid()).isEqualTo(0x2345);
        assertThat(out.queueMapping()).isEqualTo(9);
        assertThat(out.cb()).containsExactly(0xff01, 0x202, 0xcafe, 0x404, 0x505);
        assertThat(out.tstamp()).isEqualTo(0x1122334455667788L);
        assertThat(out.data()).isEqualTo(FRAME);
        assertThat(out.hwtstamp()).isEqualTo(777);
    }

    @Test
    void queueMappingIgnoresValuesThatDoNotFit() {
        TcResult r = load(ProgramType.SCHED_CLS, """
                r2 = 0xffff
                *(u32 *)(r1 + 12) = r2
                r0 = 0
                exit""").runTc(SKB);
        assertThat(r.skb().queueMapping()).isEqualTo(3);
    }

    @Test
    void tcReadsBackWhatItWrote() {
        assertThat(load(ProgramType.SCHED_CLS, """
                *(u32 *)(r1 + 8) = 5
                r0 = *(u32 *)(r1 + 8)
                exit""").runTc(SKB).returnValue()).isEqualTo(5);
    }

    @Test
    void socketFilterAndCgroupSkbCbIsScratchRestoredAfterwards() {
        String program = """
                r2 = *(u32 *)(r1 + 48)
                *(u32 *)(r1 + 48) = 7
                r0 = *(u32 *)(r1 + 48)
                r0 += r2
                exit""";
        SocketFilterResult filter = load(ProgramType.SOCKET_FILTER, program).runSocketFilter(SKB);
        assertThat(filter.returnValue()).isEqualTo(7);
        assertThat(filter.skb().cb()).containsExactly(0x101, 0x202, 0x303, 0x404, 0x505);
        CgroupSkbResult cgroup = load(ProgramType.CGROUP_SKB, program).runCgroupSkb(SKB);
        assertThat(cgroup.returnValue()).isEqualTo(7);
        assertThat(cgroup.skb().cb()).containsExactly(0x101, 0x202, 0x303, 0x404, 0x505);
    }

    @Test
    void cgroupSkbWritesMarkAndPriorityAndDecidesWithBitZero() {
        CgroupSkbResult r = load(ProgramType.CGROUP_SKB, """
                *(u32 *)(r1 + 8) = 3
                *(u32 *)(r1 + 32) = 4
                r0 = 1
                exit""").runCgroupSkb(SkBuff.ofNetwork(0x0800, new byte[20]));
        assertThat(r.allowed()).isTrue();
        assertThat(r.skb().mark()).isEqualTo(3);
        assertThat(r.skb().priority()).isEqualTo(4);
        assertThat(load(ProgramType.CGROUP_SKB, "r0 = 2\nexit").runCgroupSkb(SKB).allowed()).isFalse();
        assertThat(load(ProgramType.CGROUP_SKB, "r0 = 3\nexit").runCgroupSkb(SKB).congestionNotification()).isTrue();
    }

    @Test
    void ethernetDefaults() {
        SkBuff skb = SkBuff.ofEthernet(FRAME);
        assertThat(skb.protocol()).isEqualTo(0x0800);
        assertThat(skb.pktType()).isEqualTo(SkBuff.PACKET_HOST);
        assertThat(skb.ifindex()).isEqualTo(1);
        assertThat(skb.ingressIfindex()).isEqualTo(1);
        assertThat(skb.wireLength()).isEqualTo(FRAME.length);
        assertThat(skb.macLength()).isEqualTo(14);
        byte[] broadcast = FRAME.clone();
        java.util.Arrays.fill(broadcast, 0, 6, (byte) 0xff);
        assertThat(SkBuff.ofEthernet(broadcast).pktType()).isEqualTo(SkBuff.PACKET_BROADCAST);
        broadcast[5] = 0;
        assertThat(SkBuff.ofEthernet(broadcast).pktType()).isEqualTo(SkBuff.PACKET_MULTICAST);
        assertThat(SkBuff.ofEthernet(ethernet(0x0040, new byte[] {(byte) 0xff, (byte) 0xff})).protocol()).isEqualTo(1);
        assertThat(SkBuff.ofEthernet(ethernet(0x0040, new byte[] {0x42, 0x42})).protocol()).isEqualTo(4);
    }
}
