package io.bpf4j.loader;

import static io.bpf4j.loader.TestPackets.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.loader.KernelOracle.KernelRun;
import io.bpf4j.runtime.maps.RingBufMap;
import io.bpf4j.runtime.types.SkBuff;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ringbuf_events.c: a tc classifier reporting connection events through ring buffers (reserve
 * then submit or discard, output, a tiny ring that overflows). kernel-run cannot read a ring
 * buffer's records, but the program stores what bpf_ringbuf_query says about the rings after
 * each run (available bytes, producer position: they reflect every record's size, header and
 * padding, discarded ones included) in an array the kernel dumps; so the comparison covers the
 * ring positions and every outcome counter, and the records bpf4j's host side reads are checked
 * field by field against the packets.
 */
class RingBufEventsKernelTest {
    private static final String OBJECT = "ringbuf_events";
    private static final String PROGRAM = "tc_events";
    private static final int TC_ACT_OK = 0;
    private static final int TC_ACT_SHOT = 2;
    // enum stat in ringbuf_events.c
    private static final int RESERVED = 0;
    private static final int SUBMITTED = 1;
    private static final int DISCARDED = 2;
    private static final int OUTPUT_OK = 4;
    private static final int ERRORS_OK = 6;
    private static final int ERRORS_FAILED = 7;
    private static final int EVENTS_AVAIL = 8;
    private static final int ERRORS_AVAIL = 10;
    private static final int CONN_RECORD = 8 + 24; // header + struct conn_event
    private static final int DATAGRAM_RECORD = 8 + 16; // header + 12-byte struct datagram_event, padded to 8
    private static final int ERROR_RECORD = 8 + 32;

    @TempDir
    Path temp;

    private static byte[] tcpFrame(int dport, int flags) {
        return ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(51000, dport, flags, payload(12))));
    }

    private static LoadedObject run(byte[] frame, int mark, int times) {
        LoadedObject obj = KernelOracle.load(OBJECT);
        for (int i = 0; i < times; i++) {
            long verdict = obj.program(PROGRAM).runTc(SkBuff.ethernet(frame).mark(mark).build()).returnValue();
            assertThat(verdict).isIn((long) TC_ACT_OK, (long) TC_ACT_SHOT);
        }
        return obj;
    }

    private void compareWithLinux(String name, byte[] frame, int mark, int times) {
        LoadedObject obj = run(frame, mark, times);
        long verdict = obj.program(PROGRAM).runTc(SkBuff.ethernet(frame).mark(mark).build()).returnValue();
        KernelOracle oracle = KernelOracle.require(temp);
        byte[] ctx = new byte[192]; // struct __sk_buff: mark at offset 8
        ByteBuffer.wrap(ctx).order(ByteOrder.LITTLE_ENDIAN).putInt(8, mark);
        KernelRun kernel = oracle.run(OBJECT, frame, "-r", String.valueOf(times + 1), "-x", oracle.contextFile(ctx));
        assertThat(verdict).as("%s: verdict", name).isEqualTo(kernel.retval());
        KernelOracle.assertSameMaps(kernel, obj, name);
    }

    private static List<ByteBuffer> drain(LoadedObject obj, String ring) {
        List<ByteBuffer> records = new ArrayList<>();
        ((RingBufMap) obj.map(ring)).drain(r -> records.add(ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN)));
        return records;
    }

    @Test
    void submittedConnectionEventsCarryThePacketsFields() {
        LoadedObject obj = run(tcpFrame(80, SYN), 0x77, 3);
        List<ByteBuffer> events = drain(obj, "events");
        assertThat(events).hasSize(3);
        for (int i = 0; i < 3; i++) {
            ByteBuffer e = events.get(i);
            assertThat(e.remaining()).isEqualTo(24);
            assertThat(e.getInt(0)).as("sequence").isEqualTo(i);
            assertThat(e.order(ByteOrder.BIG_ENDIAN).getInt(4)).as("saddr").isEqualTo(0x0a000001);
            assertThat(e.getInt(8)).as("daddr").isEqualTo(0x0a000002);
            assertThat(e.getShort(12) & 0xffff).as("sport").isEqualTo(51000);
            assertThat(e.getShort(14) & 0xffff).as("dport").isEqualTo(80);
            assertThat(e.get(16)).as("tcp flags").isEqualTo((byte) SYN);
            assertThat(e.get(17)).as("kind: open").isEqualTo((byte) 1);
            assertThat(e.order(ByteOrder.LITTLE_ENDIAN).getShort(18)).as("length").isEqualTo((short) 66);
            assertThat(e.getInt(20)).as("mark").isEqualTo(0x77);
        }
        assertThat(obj.map("stats").lookupLong(EVENTS_AVAIL)).isEqualTo(3 * CONN_RECORD);
    }

    @Test
    void discardedEventsTakeRoomButAreNeverRead() {
        LoadedObject obj = run(tcpFrame(22, SYN), 0, 2);
        assertThat(drain(obj, "events")).isEmpty();
        assertThat(obj.map("stats").lookupLong(RESERVED)).isEqualTo(2);
        assertThat(obj.map("stats").lookupLong(DISCARDED)).isEqualTo(2);
        assertThat(obj.map("stats").lookupLong(SUBMITTED)).isZero();
        assertThat(obj.map("stats").lookupLong(EVENTS_AVAIL)).isEqualTo(2 * CONN_RECORD);
    }

    @Test
    void closeAndResetEventsAndDatagrams() {
        LoadedObject fin = run(tcpFrame(443, FIN | ACK), 0, 1);
        assertThat(drain(fin, "events").getFirst().get(17)).as("kind: close").isEqualTo((byte) 2);
        LoadedObject rst = run(tcpFrame(443, RST), 0, 1);
        assertThat(drain(rst, "events").getFirst().get(17)).as("kind: reset").isEqualTo((byte) 3);
        LoadedObject ack = run(tcpFrame(443, ACK), 0, 1);
        assertThat(drain(ack, "events")).isEmpty();

        LoadedObject udp = run(ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, udp(5353, 5353, payload(20)))), 0, 2);
        List<ByteBuffer> datagrams = drain(udp, "events");
        assertThat(datagrams).hasSize(2);
        ByteBuffer d = datagrams.get(1);
        assertThat(d.remaining()).isEqualTo(12);
        assertThat(d.getInt(0)).isEqualTo(1);
        assertThat(Short.toUnsignedInt(d.order(ByteOrder.BIG_ENDIAN).getShort(6))).as("dport").isEqualTo(5353);
        assertThat(Short.toUnsignedInt(d.order(ByteOrder.LITTLE_ENDIAN).getShort(8))).as("udp length").isEqualTo(28);
        assertThat(udp.map("stats").lookupLong(OUTPUT_OK)).isEqualTo(2);
        assertThat(udp.map("stats").lookupLong(EVENTS_AVAIL)).isEqualTo(2 * DATAGRAM_RECORD);
    }

    @Test
    void theSmallRingOverflowsWhereLinuxsDoes() {
        // (the kernel's skb test runs refuse IPv4 frames shorter than an IP header)
        byte[] runt = truncate(tcpFrame(80, SYN), 14 + 20 + 10);
        LoadedObject obj = run(runt, 0, 150);
        // 4096-byte ring, 40-byte records: 102 fit (the producer may not get a full ring ahead)
        assertThat(obj.map("stats").lookupLong(ERRORS_OK)).isEqualTo(102);
        assertThat(obj.map("stats").lookupLong(ERRORS_FAILED)).isEqualTo(48);
        assertThat(obj.map("stats").lookupLong(ERRORS_AVAIL)).isEqualTo(102 * ERROR_RECORD);
        List<ByteBuffer> errors = drain(obj, "errors");
        assertThat(errors).hasSize(102);
        ByteBuffer first = errors.getFirst();
        assertThat(first.getInt(4)).as("length").isEqualTo(44);
        byte[] head = new byte[24];
        first.get(8, head);
        assertThat(head).isEqualTo(truncate(runt, 24));
    }

    @Test
    void ringPositionsAndCountersEqualLinuxs() {
        compareWithLinux("SYN", tcpFrame(80, SYN), 0x1234, 4);
        compareWithLinux("discarded SYN", tcpFrame(53, SYN), 0, 2);
        compareWithLinux("FIN", tcpFrame(8080, FIN | ACK), 0, 0);
        compareWithLinux("plain ACK", tcpFrame(8080, ACK), 0, 0);
        compareWithLinux("UDP", ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, udp(5353, 5353, payload(20)))), 0, 5);
        compareWithLinux("ARP", ethernet(ETH_P_ARP, payload(28)), 0, 0);
        compareWithLinux("TCP header cut short, ring overflowing", truncate(tcpFrame(80, SYN), 14 + 20 + 10), 0, 149);
        byte[] badIhl = tcpFrame(80, SYN);
        badIhl[14] = 0x43;
        compareWithLinux("IHL below 5", badIhl, 0, 3);
    }
}
