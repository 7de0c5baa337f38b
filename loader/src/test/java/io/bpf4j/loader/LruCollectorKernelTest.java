package io.bpf4j.loader;

import static io.bpf4j.loader.TestPackets.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.loader.KernelOracle.KernelRun;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.types.XdpPacket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * lru_collector.c: batches of flow records in one UDP datagram update a 16-entry LRU hash. Under
 * capacity, the table must equal Linux's exactly. Over capacity the two LRU implementations may
 * evict different elements (Linux's LRU keeps per-CPU free lists and evicts in batches, so its
 * table holds fewer than max_entries after an overflow; bpf4j approximates LRU with second
 * chance), so only what any LRU must do is compared: the statistics (every cold flow is new
 * once, the hot flow is found every time, no update fails), the hot flow's entry, the most
 * recent flows, and the size bound; every entry bpf4j keeps holds the right values.
 */
class LruCollectorKernelTest {
    private static final String OBJECT = "lru_collector";
    private static final String PROGRAM = "xdp_collector";
    private static final int TABLE_SIZE = 16;
    private static final int DROP = 1;
    private static final int PASS = 2;
    // enum stat in lru_collector.c
    private static final int BATCHES = 0;
    private static final int RECORDS = 1;
    private static final int NEW = 2;
    private static final int FOUND = 3;
    private static final int UPDATE_FAILED = 4;
    private static final int BAD_BATCH = 5;

    @TempDir
    Path temp;

    record FlowRecord(int src, int dst, int sport, int dport, int proto, int flags, int bytes) {
        byte[] wire() {
            return ByteBuffer.allocate(16).putInt(src).putInt(dst).putShort((short) sport).putShort((short) dport)
                    .put((byte) proto).put((byte) flags).putShort((short) bytes).array();
        }

        /** struct conn_key as the program builds it (addresses and ports in network order). */
        String keyHex() {
            ByteBuffer b = ByteBuffer.allocate(16);
            b.putInt(src).putInt(dst).putShort((short) sport).putShort((short) dport);
            b.order(ByteOrder.LITTLE_ENDIAN).putInt(proto);
            return KernelOracle.HEX.formatHex(b.array());
        }
    }

    static byte[] batch(int version, int count, List<FlowRecord> records) {
        byte[][] parts = new byte[records.size() + 1][];
        parts[0] = concat(u16(version), u16(count));
        for (int i = 0; i < records.size(); i++) {
            parts[i + 1] = records.get(i).wire();
        }
        return ethernet(ETH_P_IP, ipv4("10.9.9.9", "10.0.0.1", UDP, udp(40000, 2055, concat(parts))));
    }

    static byte[] batch(List<FlowRecord> records) {
        return batch(9, records.size(), records);
    }

    /** struct conn for each key, as the records imply when nothing is evicted. */
    static Map<String, String> expectedTable(List<FlowRecord> records) {
        Map<String, long[]> state = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            FlowRecord r = records.get(i);
            long[] c = state.computeIfAbsent(r.keyHex(), k -> new long[4]);
            if (c[0] == 0) {
                c[2] = i;
            }
            c[0]++;
            c[1] += r.bytes();
            c[3] |= r.flags();
        }
        Map<String, String> out = new LinkedHashMap<>();
        state.forEach((k, c) -> out.put(k, KernelOracle.HEX.formatHex(ByteBuffer.allocate(24)
                .order(ByteOrder.LITTLE_ENDIAN).putLong(c[0]).putLong(c[1]).putInt((int) c[2]).putInt((int) c[3]).array())));
        return out;
    }

    private static List<FlowRecord> twelveFlows() {
        List<FlowRecord> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(new FlowRecord(0x0a010000 + i % 12, 0x0a020001, 1000 + i % 12, 80, TCP, i % 3 == 0 ? SYN : ACK,
                    100 + i));
        }
        return records;
    }

    @ParameterizedTest(name = "runs: {0}")
    @ValueSource(ints = {1, 3})
    void underCapacityTheTableEqualsLinux(int runs) {
        List<FlowRecord> records = twelveFlows();
        byte[] frame = batch(records);
        LoadedObject obj = KernelOracle.load(OBJECT);
        for (int i = 0; i < runs; i++) {
            assertThat(obj.program(PROGRAM).runXdp(XdpPacket.of(frame)).returnValue()).isEqualTo(DROP);
        }
        BpfMap stats = obj.map("stats");
        assertThat(stats.lookupLong(RECORDS)).isEqualTo(20L * runs);
        assertThat(stats.lookupLong(NEW)).isEqualTo(12);
        assertThat(stats.lookupLong(FOUND)).isEqualTo(20L * runs - 12);
        if (runs == 1) {
            assertThat(KernelOracle.contents(obj.map("connections"))).isEqualTo(expectedTable(records));
        }

        KernelRun kernel = KernelOracle.require(temp).run(OBJECT, frame, "-r", String.valueOf(runs));
        assertThat(kernel.retval()).isEqualTo(DROP);
        KernelOracle.assertSameMaps(kernel, obj, runs + " runs");
    }

    @Test
    void overCapacityKeepsWhatAnyLruMustKeep() {
        // a hot flow between 32 cold ones that are each seen once: 33 flows for 16 entries
        FlowRecord hot = new FlowRecord(0xc0a80001, 0x0a020001, 4444, 443, TCP, ACK, 60);
        List<FlowRecord> records = new ArrayList<>();
        List<FlowRecord> cold = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            records.add(hot);
            FlowRecord c = new FlowRecord(0x0a010100 + i, 0x0a020001, 2000 + i, 80, UDP, 0, 100 + i);
            cold.add(c);
            records.add(c);
        }
        byte[] frame = batch(records);
        LoadedObject obj = KernelOracle.load(OBJECT);
        assertThat(obj.program(PROGRAM).runXdp(XdpPacket.of(frame)).returnValue()).isEqualTo(DROP);
        Map<String, String> table = KernelOracle.contents(obj.map("connections"));
        Map<String, String> expected = expectedTable(records);
        assertThat(table.size()).isLessThanOrEqualTo(TABLE_SIZE).isGreaterThan(8);
        table.forEach((key, value) -> assertThat(value).as("entry %s", key).isEqualTo(expected.get(key)));
        assertThat(table).containsEntry(hot.keyHex(), expected.get(hot.keyHex()));
        for (FlowRecord recent : cold.subList(cold.size() - 8, cold.size())) {
            assertThat(table).containsKey(recent.keyHex());
        }
        BpfMap stats = obj.map("stats");
        assertThat(stats.lookupLong(NEW)).isEqualTo(33);
        assertThat(stats.lookupLong(FOUND)).isEqualTo(31);
        assertThat(stats.lookupLong(UPDATE_FAILED)).isZero();

        KernelRun kernel = KernelOracle.require(temp).run(OBJECT, frame);
        assertThat(kernel.retval()).isEqualTo(DROP);
        KernelOracle.assertSameMaps(kernel, obj, "overflow", "connections");
        Map<String, String> linux = kernel.entries("connections");
        assertThat(linux.size()).isLessThanOrEqualTo(TABLE_SIZE);
        linux.forEach((key, value) -> assertThat(value).as("Linux entry %s", key).isEqualTo(expected.get(key)));
        assertThat(linux).containsEntry(hot.keyHex(), table.get(hot.keyHex()));
        for (FlowRecord recent : cold.subList(cold.size() - 8, cold.size())) {
            assertThat(linux).as("Linux keeps the most recent flows").containsEntry(recent.keyHex(), table.get(recent.keyHex()));
        }
    }

    @Test
    void malformedBatchesAreCountedAndDropped() {
        List<FlowRecord> three = twelveFlows().subList(0, 3);
        Map<String, byte[]> frames = new LinkedHashMap<>();
        frames.put("wrong version", batch(5, 3, three));
        frames.put("count over 64", batch(9, 65, three));
        frames.put("count past the datagram", batch(9, 5, three));
        frames.put("header cut short", truncate(batch(9, 0, List.of()), 14 + 20 + 8 + 3));
        for (var e : frames.entrySet()) {
            LoadedObject obj = KernelOracle.load(OBJECT);
            assertThat(obj.program(PROGRAM).runXdp(XdpPacket.of(e.getValue())).returnValue()).as(e.getKey()).isEqualTo(DROP);
            assertThat(obj.map("stats").lookupLong(BAD_BATCH)).as(e.getKey()).isEqualTo(1);
        }
        // the records before the missing ones were taken
        LoadedObject partial = KernelOracle.load(OBJECT);
        partial.program(PROGRAM).runXdp(XdpPacket.of(frames.get("count past the datagram")));
        assertThat(partial.map("stats").lookupLong(RECORDS)).isEqualTo(3);
        assertThat(partial.map("stats").lookupLong(BATCHES)).isEqualTo(1);

        KernelOracle oracle = KernelOracle.require(temp);
        for (var e : frames.entrySet()) {
            LoadedObject obj = KernelOracle.load(OBJECT);
            long r = obj.program(PROGRAM).runXdp(XdpPacket.of(e.getValue())).returnValue();
            KernelRun kernel = oracle.run(OBJECT, e.getValue());
            assertThat(r).as(e.getKey()).isEqualTo(kernel.retval());
            KernelOracle.assertSameMaps(kernel, obj, e.getKey());
        }
    }

    @Test
    void otherTrafficPasses() {
        byte[] dns = ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", UDP, udp(1000, 53, payload(20))));
        LoadedObject obj = KernelOracle.load(OBJECT);
        assertThat(obj.program(PROGRAM).runXdp(XdpPacket.of(dns)).returnValue()).isEqualTo(PASS);
        KernelRun kernel = KernelOracle.require(temp).run(OBJECT, dns);
        assertThat(kernel.retval()).isEqualTo(PASS);
        KernelOracle.assertSameMaps(kernel, obj, "DNS");
    }
}
