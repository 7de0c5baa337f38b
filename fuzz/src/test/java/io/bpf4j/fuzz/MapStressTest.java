package io.bpf4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.isa.Assembler;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.runtime.maps.Maps;
import io.bpf4j.runtime.maps.ProgArrayMap;
import io.bpf4j.runtime.maps.RingBufMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * eBPF programs on many threads at once against every kind of map a program can update, with
 * invariants checked at the end: no lost update, no duplicate, every ring-buffer record delivered
 * exactly once, tail calls that only ever land on a program that was in the slot. Each test prints
 * its figures (threads, runs, elapsed) for the hardening report.
 */
class MapStressTest {
    static final int THREADS = 6;
    static final int RUNS = Integer.getInteger("bpf4j.stress.runs", 20_000);
    static final int KEYS = 16;

    interface Body {
        void run(int thread) throws Exception;
    }

    /** Runs body on THREADS threads started together; rethrows the first failure. */
    static long parallel(Body body) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    body.run(id);
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) th.join();
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.get(0));
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** input[0..3] = key: look up, insert 0 if absent (BPF_NOEXIST), then atomically add 1 to the value. */
    static final String COUNT = """
            r6 = r1
            r2 = r6
            ld_pseudo r1, 1, 0
            call 1
            if r0 != 0 goto found
            r1 = 0
            *(u64 *)(r10 - 8) = r1
            ld_pseudo r1, 1, 0
            r2 = r6
            r3 = r10
            r3 += -8
            r4 = 1
            call 2
            r2 = r6
            ld_pseudo r1, 1, 0
            call 1
            if r0 == 0 goto out
            found:
            r1 = 1
            lock *(u64 *)(r0 + 0) += r1
            out:
            r0 = 0
            exit
            """;

    static byte[] key(int k) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(k).array();
    }

    static long sum(BpfMap map, int k) {
        long s = 0;
        for (byte[] v : map.lookupPerCpu(key(k))) {
            s += ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }
        return s;
    }

    @ParameterizedTest
    @EnumSource(value = MapType.class, names = {"HASH", "ARRAY", "PERCPU_HASH", "PERCPU_ARRAY", "LRU_HASH", "LRU_PERCPU_HASH"})
    void noLostUpdateOnAnyMapType(MapType type) throws Exception {
        for (ExecutionMode mode : new ExecutionMode[] {ExecutionMode.INTERPRETER, ExecutionMode.COMPILED}) {
            BpfMap map = Maps.create(MapDefinition.of(type, 4, 8, 64));
            Executable exe = BpfRuntime.builder().executionMode(mode).build()
                    .load(Program.of("count", Assembler.assemble(COUNT), List.of(map)));
            long ms = parallel(t -> {
                byte[] in = new byte[8];
                for (int i = 0; i < RUNS; i++) {
                    System.arraycopy(key((i + t) % KEYS), 0, in, 0, 4);
                    exe.run(in);
                }
            });
            long total = 0;
            for (int k = 0; k < KEYS; k++) {
                long s = sum(map, k);
                assertThat(s).as("%s %s key %d", type, mode, k).isEqualTo((long) THREADS * RUNS / KEYS);
                total += s;
            }
            if (!type.name().contains("ARRAY")) {
                assertThat(map.keys()).hasSize(KEYS);
            }
            System.out.printf("stress %s %s: %d threads x %d runs, %d updates, none lost, %d ms%n",
                    type, mode, THREADS, RUNS, total, ms);
        }
    }

    @Test
    void lruEvictionUnderContentionKeepsCapacityAndNoDuplicates() throws Exception {
        int capacity = 32;
        BpfMap lru = Maps.create(MapDefinition.of(MapType.LRU_HASH, 4, 8, capacity));
        Executable exe = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).build()
                .load(Program.of("count", Assembler.assemble(COUNT), List.of(lru)));
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong checks = new AtomicLong();
        java.util.concurrent.atomic.AtomicReference<String> violation = new java.util.concurrent.atomic.AtomicReference<>();
        // Iterating keys is not a snapshot (nor is it in Linux), so during the run only the count is checked.
        Thread checker = new Thread(() -> {
            while (!done.get()) {
                int size = lru.size();
                if (size > capacity) {
                    violation.compareAndSet(null, "LRU holds " + size + " entries, capacity " + capacity);
                }
                checks.incrementAndGet();
            }
        });
        checker.start();
        long ms = parallel(t -> {
            byte[] in = new byte[8];
            java.util.SplittableRandom r = new java.util.SplittableRandom(t);
            for (int i = 0; i < RUNS; i++) {
                System.arraycopy(key(r.nextInt(capacity * 8)), 0, in, 0, 4);
                exe.run(in);
            }
        });
        done.set(true);
        checker.join();
        assertThat(violation.get()).isNull();
        List<byte[]> keys = lru.keys();
        Set<String> distinct = new HashSet<>();
        for (byte[] k : keys) distinct.add(HexFormat.of().formatHex(k));
        assertThat(distinct).hasSameSizeAs(keys);
        assertThat(keys.size()).isBetween(1, capacity);
        long total = 0;
        for (byte[] k : lru.keys()) total += sum(lru, ByteBuffer.wrap(k).order(ByteOrder.LITTLE_ENDIAN).getInt());
        assertThat(total).isBetween(1L, (long) THREADS * RUNS);
        System.out.printf("stress LRU_HASH eviction: %d threads x %d runs over %d keys into %d entries, %d consistency checks, %d ms%n",
                THREADS, RUNS, capacity * 8, capacity, checks.get(), ms);
    }

    /** input = (thread, sequence) as two u32: bpf_ringbuf_output of those 8 bytes; r0 = its result. */
    static final String PRODUCE = """
            r2 = r1
            ld_pseudo r1, 1, 0
            r3 = 8
            r4 = 0
            call 130
            exit
            """;

    @Test
    void ringBufferDeliversEveryRecordOnceWithSeveralProducers() throws Exception {
        RingBufMap ring = (RingBufMap) Maps.create(MapDefinition.of(MapType.RINGBUF, 0, 0, 1 << 16));
        Executable exe = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).build()
                .load(Program.of("produce", Assembler.assemble(PRODUCE), List.of(ring)));
        int producers = THREADS - 1;
        BitSet[] seen = new BitSet[producers];
        for (int p = 0; p < producers; p++) seen[p] = new BitSet(RUNS);
        AtomicLong duplicates = new AtomicLong(), retries = new AtomicLong(), received = new AtomicLong();
        long expected = (long) producers * RUNS;
        long ms = parallel(t -> {
            if (t == producers) {
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (received.get() < expected && System.nanoTime() < deadline) {
                    ring.poll(java.time.Duration.ofMillis(10)).ifPresent(rec -> {
                        ByteBuffer b = ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN);
                        int who = b.getInt(), seq = b.getInt();
                        if (seen[who].get(seq)) duplicates.incrementAndGet();
                        seen[who].set(seq);
                        received.incrementAndGet();
                    });
                }
                return;
            }
            byte[] in = new byte[8];
            ByteBuffer b = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
            for (int seq = 0; seq < RUNS; seq++) {
                b.putInt(0, t).putInt(4, seq);
                while (exe.run(in) != 0) {
                    retries.incrementAndGet(); // -EAGAIN: the ring is full until the consumer catches up
                    Thread.onSpinWait();
                }
            }
        });
        assertThat(duplicates.get()).isZero();
        for (int p = 0; p < producers; p++) {
            assertThat(seen[p].cardinality()).as("records of producer %d", p).isEqualTo(RUNS);
        }
        assertThat(received.get()).isEqualTo(expected);
        System.out.printf("stress RINGBUF: %d producers x %d records, 1 consumer, %d delivered exactly once, %d full-ring retries, %d ms%n",
                producers, RUNS, received.get(), retries.get(), ms);
    }

    @Test
    void tailCallArrayUpdatedWhileProgramsRun() throws Exception {
        ProgArrayMap jumps = (ProgArrayMap) Maps.create(MapDefinition.of(MapType.PROG_ARRAY, 4, 4, 1));
        BpfRuntime runtime = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).build();
        Executable one = runtime.load(Program.of("one", Assembler.assemble("r0 = 1\nexit\n")));
        Executable two = runtime.load(Program.of("two", Assembler.assemble("r0 = 2\nexit\n")));
        Executable caller = runtime.load(Program.of("caller",
                Assembler.assemble("r2 = 0\nld_pseudo r2, 1, 0\nr3 = 0\ncall 12\nr0 = 7\nexit\n"), List.of(jumps)));
        AtomicLong[] outcomes = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
        long ms = parallel(t -> {
            if (t == 0) {
                for (int i = 0; i < RUNS; i++) {
                    switch (i % 3) {
                        case 0 -> jumps.setProgram(0, one);
                        case 1 -> jumps.setProgram(0, two);
                        default -> jumps.clearProgram(0);
                    }
                }
                return;
            }
            for (int i = 0; i < RUNS; i++) {
                long r = caller.run(new byte[8]);
                switch ((int) r) {
                    case 1 -> outcomes[0].incrementAndGet();
                    case 2 -> outcomes[1].incrementAndGet();
                    case 7 -> outcomes[2].incrementAndGet();
                    default -> throw new AssertionError("tail call ended with " + r);
                }
            }
        });
        long total = outcomes[0].get() + outcomes[1].get() + outcomes[2].get();
        assertThat(total).isEqualTo((long) (THREADS - 1) * RUNS);
        System.out.printf("stress PROG_ARRAY: %d slot updates while %d threads x %d runs tail-called: %d -> one, %d -> two, %d empty slot, %d ms%n",
                RUNS, THREADS - 1, RUNS, outcomes[0].get(), outcomes[1].get(), outcomes[2].get(), ms);
    }
}
