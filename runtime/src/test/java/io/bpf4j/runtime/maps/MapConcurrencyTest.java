package io.bpf4j.runtime.maps;

import static io.bpf4j.runtime.maps.Bytes.*;
import static io.bpf4j.runtime.maps.MapFlags.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class MapConcurrencyTest {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    interface Body {
        void run(int thread) throws Exception;
    }

    /** Runs {@code body} on {@code n} platform threads at once; rethrows the first failure. */
    static void parallel(int n, Body body) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] threads = new Thread[n];
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        for (int t = 0; t < n; t++) {
            int id = t;
            threads[t] = Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    body.run(id);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    @Test
    void atomicAddsThroughStorageAreExact() throws Exception {
        BpfMap array = Maps.create(MapDefinition.of(MapType.ARRAY, 4, 16, 4));
        BpfMap hash = Maps.create(MapDefinition.of(MapType.HASH, 8, 8, 16));
        hash.updateLong(77L, 0);
        MemorySegment arrayKey = seg(u32(2));
        MemorySegment hashKey = seg(u64(77));
        parallel(4, t -> {
            for (int i = 0; i < 100_000; i++) {
                long a = array.lookupOffset(arrayKey, 0, 0);
                LONG.getAndAdd(array.storage(), a + 8, 1L);
                long h = hash.lookupOffset(hashKey, 0, 0);
                LONG.getAndAdd(hash.storage(), h, 2L);
            }
        });
        assertThat(MemorySegment.ofArray(array.lookup(u32(2)).orElseThrow()).get(U64, 8)).isEqualTo(400_000);
        assertThat(hash.lookupLong(77L)).isEqualTo(800_000);
    }

    @Test
    void perCpuSlotsNeedNoAtomicsWhenThreadsHaveTheirOwn() throws Exception {
        CpuSlots slots = CpuSlots.of(4);
        BpfMap m = MapFactory.defaults().withCpuSlots(slots).create(MapDefinition.of(MapType.PERCPU_ARRAY, 4, 8, 1));
        MemorySegment key = seg(u32(0));
        parallel(4, t -> {
            CpuSlots.pinCurrentThread(t);
            int cpu = slots.current();
            for (int i = 0; i < 100_000; i++) {
                long o = m.lookupOffset(key, 0, cpu);
                m.storage().set(U64, o, m.storage().get(U64, o) + 1); // plain read-modify-write
            }
        });
        assertThat(m.lookupPerCpu(u32(0))).extracting(Bytes::asLong).containsExactly(100_000L, 100_000L, 100_000L, 100_000L);
        assertThat(m.lookupLong(0)).isEqualTo(400_000);
    }

    @Test
    void concurrentInsertsAndDeletesNeverShareASlot() throws Exception {
        int threads = 8;
        int window = 32;
        BpfMap m = Maps.create(MapDefinition.of(MapType.HASH, 8, 16, threads * window));
        AtomicBoolean done = new AtomicBoolean();
        LongAdder iterations = new LongAdder();
        AtomicReference<Throwable> observerFailure = new AtomicReference<>();
        Thread observer = Thread.ofPlatform().start(() -> {
            try {
                while (!done.get()) {
                    // Bucket by bucket, not atomic: keys may not all have coexisted, but none repeats.
                    List<byte[]> keys = m.keys();
                    assertThat(keys.stream().map(Bytes::asLong)).doesNotHaveDuplicates();
                    m.nextKey(null);
                    iterations.increment();
                }
            } catch (Throwable e) {
                observerFailure.set(e);
            }
        });
        parallel(threads, t -> {
            ArrayDeque<Long> mine = new ArrayDeque<>();
            for (long i = 0; i < 30_000; i++) {
                long k = ((long) t << 32) | i;
                if (mine.size() == window) {
                    long old = mine.removeFirst();
                    assertThat(m.delete(seg(u64(old)), 0)).isZero();
                }
                // Never E2BIG: no thread has more than its window, and the windows add up to max_entries.
                assertThat(m.update(seg(u64(k)), 0, seg(new byte[16]), 0, BPF_NOEXIST, 0)).isZero();
                mine.addLast(k);
                long o = m.lookupOffset(seg(u64(k)), 0, 0);
                m.storage().set(U64, o, k);
                m.storage().set(U64, o + 8, ~k);
                // Every live key of this thread still owns its value: no slot was handed to another key.
                for (long live : new long[] {mine.getFirst(), k}) {
                    long lo = m.lookupOffset(seg(u64(live)), 0, 0);
                    assertThat(m.storage().get(U64, lo)).isEqualTo(live);
                    assertThat(m.storage().get(U64, lo + 8)).isEqualTo(~live);
                }
            }
            for (long k : mine) {
                assertThat(m.delete(u64(k))).isTrue();
            }
        });
        done.set(true);
        observer.join();
        assertThat(observerFailure.get()).isNull();
        assertThat(iterations.sum()).isPositive();
        assertThat(m.size()).isZero();
        assertThat(m.keys()).isEmpty();
        for (int i = 0; i < threads * window; i++) {
            m.update(u64(i), new byte[16], BPF_NOEXIST); // every slot came back
        }
        assertThatThrownBy(() -> m.update(u64(-1), new byte[16], BPF_NOEXIST))
                .satisfies(e -> assertThat(((MapException) e).errno()).isEqualTo(Errno.E2BIG));
    }

    @Test
    void lookupsNeverMissAStableKeyWhileOthersChurn() throws Exception {
        BpfMap m = Maps.create(MapDefinition.of(MapType.HASH, 4, 8, 4096));
        for (int k = 0; k < 1000; k++) {
            m.updateLong(k, k * 3L);
        }
        AtomicBoolean stop = new AtomicBoolean();
        parallel(8, t -> {
            if (t < 4) {
                try {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < 200_000; i++) {
                        int k = 1000 + t * 100_000 + random.nextInt(500);
                        if (random.nextBoolean()) {
                            assertThat(m.update(seg(u32(k)), 0, seg(u64(k)), 0, BPF_ANY, 0)).isZero();
                        } else {
                            m.delete(seg(u32(k)), 0);
                        }
                    }
                } finally {
                    stop.set(true);
                }
            } else {
                MemorySegment key = MemorySegment.ofArray(new byte[4]);
                int k = 0;
                while (!stop.get()) {
                    key.set(U32, 0, k);
                    long o = m.lookupOffset(key, 0, 0);
                    assertThat(o).as("key %d", k).isNotNegative();
                    assertThat(m.storage().get(U64, o)).isEqualTo(k * 3L);
                    k = (k + 1) % 1000;
                }
            }
        });
    }

    @Test
    void lruUnderContention() throws Exception {
        BpfMap m = Maps.create(MapDefinition.of(MapType.LRU_HASH, 4, 8, 64));
        parallel(8, t -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            MemorySegment key = MemorySegment.ofArray(new byte[4]);
            for (int i = 0; i < 50_000; i++) {
                int k = random.nextInt(1000);
                key.set(U32, 0, k);
                if (random.nextInt(4) == 0) {
                    m.lookupOffset(key, 0, 0);
                } else if (random.nextInt(10) == 0) {
                    m.delete(key, 0);
                } else {
                    assertThat(m.update(key, 0, seg(u64(k)), 0, BPF_ANY, 0)).isZero(); // an LRU map is never full
                }
            }
        });
        List<byte[]> keys = m.keys();
        assertThat(keys.size()).isEqualTo(m.size()).isLessThanOrEqualTo(64).isGreaterThan(32);
        Set<Long> offsets = new HashSet<>();
        for (byte[] k : keys) {
            long o = m.lookupOffset(seg(k), 0, 0);
            assertThat(offsets.add(o)).isTrue();
            assertThat(m.storage().get(U64, o)).isEqualTo(asInt(k));
        }
        // More inserting threads than slots: each may hold a slot in hand while others evict.
        BpfMap tiny = Maps.create(MapDefinition.of(MapType.LRU_HASH, 4, 8, 2));
        parallel(8, t -> {
            for (int i = 0; i < 20_000; i++) {
                assertThat(tiny.update(seg(u32(t * 100_000 + i)), 0, seg(u64(i)), 0, BPF_NOEXIST, 0)).isZero();
            }
        });
        assertThat(tiny.size()).isEqualTo(2);
        assertThat(tiny.keys()).hasSize(2);
    }

    @Test
    void lpmLookupsSeeAConsistentTrieWhileItChanges() throws Exception {
        BpfMap m = Maps.create(MapDefinition.of(MapType.LPM_TRIE, 8, 4, 10_000).withFlags(BPF_F_NO_PREALLOC));
        m.update(LpmTrieMapTest.key("10.0.0.0", 8), u32(8), BPF_ANY);
        m.update(LpmTrieMapTest.key("10.1.0.0", 16), u32(16), BPF_ANY);
        AtomicBoolean stop = new AtomicBoolean();
        parallel(6, t -> {
            if (t < 2) {
                try {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < 50_000; i++) {
                        // Churn prefixes in 10.1.128.0/17 (never covering 10.1.77.1) and beside 10.1/16.
                        int second = random.nextBoolean() ? 1 : 2 + random.nextInt(3);
                        byte[] k = LpmTrieMapTest.key("10." + second + "." + (random.nextInt(16) + (second == 1 ? 128 : 0)) + "."
                                + random.nextInt(16), 17 + random.nextInt(16));
                        if (random.nextBoolean()) {
                            m.update(k, u32(0), BPF_ANY);
                        } else {
                            m.delete(k);
                        }
                    }
                } finally {
                    stop.set(true);
                }
            } else {
                MemorySegment key = seg(LpmTrieMapTest.key("10.1.77.1", 32));
                MemorySegment other = seg(LpmTrieMapTest.key("10.3.0.1", 32));
                while (!stop.get()) {
                    assertThat(m.storage().get(U32, m.lookupOffset(key, 0, 0))).isEqualTo(16);
                    long o = m.lookupOffset(other, 0, 0);
                    assertThat(o).isNotNegative(); // at least 10/8
                }
            }
        });
    }

    @Test
    void queueHandsEachValueToExactlyOneConsumer() throws Exception {
        QueueStackMap q = (QueueStackMap) Maps.create(MapDefinition.of(MapType.QUEUE, 0, 8, 64));
        Set<Long> received = ConcurrentHashMap.newKeySet();
        LongAdder popped = new LongAdder();
        int perProducer = 20_000;
        parallel(4, t -> {
            MemorySegment buf = MemorySegment.ofArray(new byte[8]);
            if (t < 2) {
                for (int i = 0; i < perProducer; i++) {
                    buf.set(U64, 0, ((long) t << 32) | i);
                    while (q.push(buf, 0, BPF_ANY) != 0) {
                        Thread.yield();
                    }
                }
            } else {
                while (popped.sum() < 2L * perProducer) {
                    if (q.pop(buf, 0) == 0) {
                        assertThat(received.add(buf.get(U64, 0))).isTrue();
                        popped.increment();
                    } else {
                        Thread.yield();
                    }
                }
            }
        });
        assertThat(received).hasSize(2 * perProducer);
        assertThat(q.size()).isZero();
    }
}
