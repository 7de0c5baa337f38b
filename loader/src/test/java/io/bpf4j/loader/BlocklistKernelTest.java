package io.bpf4j.loader;

import static io.bpf4j.loader.TestPackets.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.loader.KernelOracle.KernelRun;
import io.bpf4j.runtime.types.XdpPacket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * blocklist.c: hash map updates from a program with every flag and in every state (absent,
 * present, map full), deletes, lookups and invalid flags; each helper's return value is counted
 * by errno, so bpf4j's error semantics are compared with Linux's together with the table.
 */
class BlocklistKernelTest {
    private static final String OBJECT = "blocklist";
    private static final String PROGRAM = "xdp_blocklist";
    private static final int ADD = 1;
    private static final int REFRESH = 2;
    private static final int REPLACE = 3;
    private static final int REMOVE = 4;
    private static final int QUERY = 5;
    private static final int BAD_FLAGS = 6;
    private static final int ENOENT = 2;
    private static final int E2BIG = 7;
    private static final int EEXIST = 17;
    private static final int EINVAL = 22;

    @TempDir
    Path temp;

    private static byte[] command(int op, int reason, int ttl, int addr) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).put((byte) op).put((byte) reason)
                .putShort((short) ttl).order(ByteOrder.BIG_ENDIAN).putInt(addr).array();
    }

    private static byte[] control(List<byte[]> commands) {
        return ethernet(ETH_P_IP, ipv4("192.0.2.250", "192.0.2.1", UDP, udp(4000, 9999,
                concat(commands.toArray(byte[][]::new)))));
    }

    /** results' key for a command kind and errno, as hex. */
    private static String result(int op, int errno) {
        return KernelOracle.HEX.formatHex(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(op * 32 + errno).array());
    }

    private static String count(long n) {
        return KernelOracle.HEX.formatHex(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array());
    }

    private void compare(String name, byte[] frame, Map<String, String> expectedResults) {
        LoadedObject obj = KernelOracle.load(OBJECT);
        long verdict = obj.program(PROGRAM).runXdp(XdpPacket.of(frame)).returnValue();
        if (expectedResults != null) {
            assertThat(KernelOracle.contents(obj.map("results"))).as("%s: return values", name).isEqualTo(expectedResults);
        }
        KernelRun kernel = KernelOracle.require(temp).run(OBJECT, frame);
        assertThat(verdict).as("%s: verdict", name).isEqualTo(kernel.retval());
        KernelOracle.assertSameMaps(kernel, obj, name);
    }

    @Test
    void everyFlagInEveryStateReturnsWhatLinuxReturns() {
        List<byte[]> c = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            c.add(command(ADD, i, 60 * i, 0x0a000000 + i)); // the last two find the map full
        }
        c.add(command(ADD, 99, 1, 0x0a000001)); // exists
        c.add(command(REFRESH, 50, 5, 0x0a000002)); // exists: fine
        c.add(command(REFRESH, 50, 5, 0x0a0000ff)); // absent
        c.add(command(REPLACE, 51, 6, 0x0a000003)); // present, map full: fine
        c.add(command(REPLACE, 52, 7, 0x0a0000fe)); // absent, map full
        c.add(command(REMOVE, 0, 0, 0x0a000004));
        c.add(command(REMOVE, 0, 0, 0x0a000004)); // gone
        c.add(command(ADD, 53, 8, 0x0a0000fd)); // room again
        c.add(command(QUERY, 0, 0, 0x0a000005)); // returns its reason, 5
        c.add(command(QUERY, 0, 0, 0x0a000004)); // -ENOENT
        c.add(command(BAD_FLAGS, 3, 0, 0x0a000006)); // flags 3
        c.add(command(BAD_FLAGS, 8, 0, 0x0a000006)); // flags 8
        Map<String, String> expected = new java.util.TreeMap<>(Map.of(
                result(ADD, 0), count(9), result(ADD, E2BIG), count(2), result(ADD, EEXIST), count(1),
                result(REFRESH, 0), count(1), result(REFRESH, ENOENT), count(1),
                result(REPLACE, 0), count(1), result(REPLACE, E2BIG), count(1),
                result(REMOVE, 0), count(1), result(REMOVE, ENOENT), count(1),
                result(QUERY, ENOENT), count(1)));
        expected.put(result(QUERY, 0), count(1));
        expected.put(result(BAD_FLAGS, EINVAL), count(2));
        compare("commands", control(c), expected);
    }

    @Test
    void lockFlagOnAMapWithoutASpinLockIsInvalid() {
        // BPF_F_LOCK (4) needs a bpf_spin_lock in the value, which this map's has not: Linux refuses
        // it with EINVAL whatever it is combined with (bpf4j once ignored the flag)
        compare("BPF_F_LOCK", control(List.of(command(BAD_FLAGS, 4, 0, 0x0a000006), command(BAD_FLAGS, 5, 0, 0x0a000007),
                command(BAD_FLAGS, 6, 0, 0x0a000007))), Map.of(result(BAD_FLAGS, EINVAL), count(3)));
    }

    @Test
    void trafficAndTruncatedCommands() {
        compare("traffic", ethernet(ETH_P_IP, ipv4("10.0.0.1", "10.0.0.2", TCP, tcp(1, 2, SYN, new byte[0]))), null);
        byte[] cut = control(List.of(command(ADD, 1, 1, 0x0a000001), command(ADD, 2, 2, 0x0a000002)));
        compare("second command cut short", truncate(cut, cut.length - 3), null);
        compare("ARP", ethernet(ETH_P_ARP, payload(28)), null);
    }
}
