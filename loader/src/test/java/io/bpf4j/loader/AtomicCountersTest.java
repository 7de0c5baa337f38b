package io.bpf4j.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.loader.KernelOracle.KernelRun;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.types.XdpPacket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * atomic_counters.c: atomic adds, or, xor and compare-and-swap on hash and array map values. Run
 * on several threads at once against the same maps, nothing may be lost: every total comes out
 * exact, and exactly one thread creates each hash element. The same object agrees with the
 * Linux kernel run by run.
 */
class AtomicCountersTest {
    private static final String OBJECT = "atomic_counters";
    private static final String PROGRAM = "xdp_atomic_count";
    private static final int PACKETS = 0;
    private static final int BYTES = 1;
    private static final int XOR_LENGTHS = 2;
    private static final int CREATED = 3;
    private static final int THREADS = 4;
    private static final int RUNS_PER_THREAD = 10_000;
    /** Frame lengths: several per class of 64 bytes, so threads race on the same elements. */
    private static final int[] LENGTHS = {60, 63, 64, 100, 127, 128, 129, 200, 255, 256, 511, 1000, 1514};

    @TempDir
    Path temp;

    private static byte[] frame(int length) {
        byte[] f = TestPackets.payload(length);
        f[12] = 0x08; // an IPv4 EtherType, for appearance: the program only looks at the length
        f[13] = 0x00;
        return f;
    }

    @Test
    void concurrentRunsLoseNothing() throws Exception {
        LoadedObject obj = KernelOracle.load(OBJECT);
        Executable program = obj.program(PROGRAM);
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int offset = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < RUNS_PER_THREAD; i++) {
                        int length = LENGTHS[(i + offset) % LENGTHS.length];
                        assertThat(program.runXdp(XdpPacket.of(frame(length))).returnValue()).isEqualTo(2);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        // what the runs must add up to
        long packets = 0;
        long bytes = 0;
        long xor = 0;
        TreeMap<Integer, long[]> classes = new TreeMap<>(); // packets, bytes, seen bits, max length
        for (int t = 0; t < THREADS; t++) {
            for (int i = 0; i < RUNS_PER_THREAD; i++) {
                int length = LENGTHS[(i + t) % LENGTHS.length];
                packets++;
                bytes += length;
                xor ^= length;
                long[] c = classes.computeIfAbsent(length / 64, k -> new long[4]);
                c[0]++;
                c[1] += length;
                c[2] |= 1L << (length & 63);
                c[3] = Math.max(c[3], length);
            }
        }
        BpfMap totals = obj.map("totals");
        assertThat(totals.lookupLong(PACKETS)).isEqualTo(packets);
        assertThat(totals.lookupLong(BYTES)).isEqualTo(bytes);
        assertThat(totals.lookupLong(XOR_LENGTHS)).isEqualTo(xor);
        assertThat(totals.lookupLong(CREATED)).as("elements created").isEqualTo(classes.size());

        BpfMap byClass = obj.map("by_class");
        assertThat(byClass.keys()).hasSize(classes.size());
        classes.forEach((cls, c) -> {
            byte[] key = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(cls).array();
            ByteBuffer v = ByteBuffer.wrap(byClass.lookup(key).orElseThrow()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(v.getLong(0)).as("class %d packets", cls).isEqualTo(c[0]);
            assertThat(v.getLong(8)).as("class %d bytes", cls).isEqualTo(c[1]);
            assertThat(v.getLong(16)).as("class %d seen bits", cls).isEqualTo(c[2]);
            assertThat(v.getLong(24)).as("class %d max length", cls).isEqualTo(c[3]);
        });
    }

    @ParameterizedTest(name = "{0}-byte frames")
    @ValueSource(ints = {60, 128, 700, 1514})
    void sameTotalsAsLinux(int length) {
        LoadedObject obj = KernelOracle.load(OBJECT);
        for (int i = 0; i < 5; i++) {
            obj.program(PROGRAM).runXdp(XdpPacket.of(frame(length)));
        }
        assertThat(obj.map("totals").lookupLong(PACKETS)).isEqualTo(5);
        KernelRun kernel = KernelOracle.require(temp).run(OBJECT, frame(length), "-r", "5");
        KernelOracle.assertSameMaps(kernel, obj, length + " bytes");
    }
}
