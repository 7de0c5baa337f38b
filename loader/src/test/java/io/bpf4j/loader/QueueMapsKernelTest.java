package io.bpf4j.loader;

import static io.bpf4j.loader.TestPackets.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.loader.KernelOracle.KernelRun;
import io.bpf4j.runtime.maps.QueueStackMap;
import io.bpf4j.runtime.types.SkBuff;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * queue_maps.c: a FIFO queue and a LIFO stack (push, push with BPF_EXIST evicting the oldest,
 * pop, peek, full and empty) and per-tenant counters reached through an array of maps and a hash
 * of maps. The kernel does not dump queues and stacks, so the program records what it saw of
 * them (outcome counts, popped and peeked sequence numbers) in an array that is compared, and the
 * elements bpf4j's queue and stack hold afterwards are checked against a model of both.
 */
class QueueMapsKernelTest {
    private static final String OBJECT = "queue_maps";
    private static final String PROGRAM = "tc_queues";
    private static final int FIFO_SIZE = 6;
    private static final int LIFO_SIZE = 4;

    @TempDir
    Path temp;

    private static byte[] frame(int vlan) {
        byte[] ip = ipv4("10.0.0.1", "10.0.0.2", UDP, udp(1, 2, payload(20)));
        return vlan < 0 ? ethernet(ETH_P_IP, ip) : ethernet(ETH_P_8021Q, vlanTag(vlan, ETH_P_IP), ip);
    }

    private static List<Integer> sequences(QueueStackMap map) {
        List<Integer> out = new ArrayList<>();
        for (Optional<byte[]> e = map.pop(); e.isPresent(); e = map.pop()) {
            out.add(ByteBuffer.wrap(e.get()).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
        }
        return out;
    }

    @ParameterizedTest(name = "VLAN {0}, {1} runs")
    @CsvSource({"5, 9", "13, 3", "2, 12", "-1, 1", "3, 2", "5, 1"})
    void sameQueueOutcomesAndTenantCountsAsLinux(int vlan, int runs) {
        byte[] frame = frame(vlan);
        LoadedObject obj = KernelOracle.load(OBJECT);
        long verdict = -1;
        for (int i = 0; i < runs; i++) {
            verdict = obj.program(PROGRAM).runTc(SkBuff.ofEthernet(frame)).returnValue();
        }
        boolean tenant = vlan >= 0 && List.of(1, 2, 5).contains(vlan & 7);
        assertThat(verdict).isEqualTo(tenant ? 0 : 2);

        // the queue and the stack, modelled
        Deque<Integer> fifo = new ArrayDeque<>();
        Deque<Integer> lifo = new ArrayDeque<>();
        for (int seq = 0; seq < runs; seq++) {
            if (fifo.size() == FIFO_SIZE) {
                fifo.removeFirst();
            }
            fifo.addLast(seq);
            if (lifo.size() < LIFO_SIZE) {
                lifo.addLast(seq);
            }
            if ((seq & 3) == 3) {
                fifo.pollFirst();
                lifo.pollLast();
            }
        }
        assertThat(sequences((QueueStackMap) obj.map("fifo"))).as("queue, oldest first").containsExactlyElementsOf(fifo);
        assertThat(sequences((QueueStackMap) obj.map("lifo"))).as("stack, newest first")
                .containsExactlyElementsOf(lifo.reversed());

        LoadedObject fresh = KernelOracle.load(OBJECT);
        for (int i = 0; i < runs; i++) {
            fresh.program(PROGRAM).runTc(SkBuff.ofEthernet(frame));
        }
        KernelRun kernel = KernelOracle.require(temp).run(OBJECT, frame, "-r", String.valueOf(runs));
        assertThat(verdict).isEqualTo(kernel.retval());
        KernelOracle.assertSameMaps(kernel, fresh, "VLAN " + vlan);
    }
}
