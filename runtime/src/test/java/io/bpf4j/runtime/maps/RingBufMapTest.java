package io.bpf4j.runtime.maps;

import static io.bpf4j.runtime.maps.Bytes.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RingBufMapTest {
    private static RingBufMap ring(int size) {
        return (RingBufMap) Maps.create(MapDefinition.of(MapType.RINGBUF, 0, 0, size).withName("events"));
    }

    private static byte[] record(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    private static int output(RingBufMap r, byte[] data) {
        return r.output(seg(data), 0, data.length, 0);
    }

    @Test
    void recordsComeOutInOrder() {
        RingBufMap r = ring(4096);
        assertThat(r.storage().byteSize()).isEqualTo(8192);
        assertThat(r.poll()).isEmpty();
        long expected = 0;
        for (int i = 0; i < 10; i++) {
            assertThat(output(r, record(i * 3, i))).isZero();
            expected += 8 + (i * 3 + 7) / 8 * 8; // header and padded sample
        }
        assertThat(r.availableBytes()).isEqualTo(expected);
        for (int i = 0; i < 10; i++) {
            assertThat(r.poll()).hasValueSatisfying(v -> assertThat(v).isEqualTo(record(v.length, v.length / 3)));
        }
        assertThat(r.poll()).isEmpty();
        assertThat(r.availableBytes()).isZero();
    }

    @Test
    void reserveWriteSubmitAndTheLinuxHeader() {
        RingBufMap r = ring(4096);
        long sample = r.reserve(12, 0);
        assertThat(sample).isEqualTo(RingBufMap.HEADER_SIZE);
        int header = r.storage().get(U32, sample - 8);
        assertThat(header).isEqualTo(12 | RingBufMap.BUSY_BIT);
        r.storage().set(U64, sample, 0x0807060504030201L);
        r.storage().set(U32, sample + 8, 0x0c0b0a09);
        assertThat(r.poll()).isEmpty(); // not committed yet
        assertThat(r.submit(sample, 0)).isZero();
        assertThat(r.storage().get(U32, sample - 8)).isEqualTo(12);
        assertThat(r.poll()).hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
        assertThat(r.submit(sample, 0)).isEqualTo(-Errno.EINVAL); // not reserved any more
        assertThat(r.submit(5, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(r.discard(1 << 20, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(r.reserve(8, 1)).isEqualTo(-1); // flags must be 0
        assertThat(r.reserve(Long.MAX_VALUE - 3, 0)).isEqualTo(-1);
        assertThat(r.reserve(-1, 0)).isEqualTo(-1);
        assertThat(r.output(seg(new byte[4]), 0, Long.MAX_VALUE, 0)).isEqualTo(-Errno.EAGAIN);
        assertThat(r.output(seg(new byte[4]), 0, 4, 4)).isEqualTo(-Errno.EINVAL);
    }

    @Test
    void discardedRecordsAreSkippedAndCommitOrderDoesNotMatter() {
        RingBufMap r = ring(4096);
        long a = r.reserve(4, 0);
        long b = r.reserve(4, 0);
        long c = r.reserve(4, 0);
        r.storage().set(U32, a, 1);
        r.storage().set(U32, b, 2);
        r.storage().set(U32, c, 3);
        assertThat(r.submit(c, RingBufMap.BPF_RB_NO_WAKEUP)).isZero();
        assertThat(r.discard(b, 0)).isZero();
        assertThat(r.poll()).isEmpty(); // a is still reserved
        assertThat(r.submit(a, RingBufMap.BPF_RB_FORCE_WAKEUP)).isZero();
        List<Integer> got = new ArrayList<>();
        assertThat(r.drain(v -> got.add(asInt(v)))).isEqualTo(2);
        assertThat(got).containsExactly(1, 3);
        assertThat(r.availableBytes()).isZero();
    }

    @Test
    void fullRingRefusesUntilConsumed() {
        RingBufMap r = ring(4096);
        // 16-byte records: 255 fit, since producer - consumer must stay below the size (Linux: <= mask).
        int n = 0;
        while (output(r, u64(n)) == 0) {
            n++;
        }
        assertThat(n).isEqualTo(255);
        assertThat(output(r, u64(0))).isEqualTo(-Errno.EAGAIN);
        assertThat(r.reserve(8, 0)).isEqualTo(-1);
        assertThat(r.query(RingBufMap.BPF_RB_AVAIL_DATA)).isEqualTo(255 * 16);
        assertThat(r.query(RingBufMap.BPF_RB_RING_SIZE)).isEqualTo(4096);
        assertThat(r.query(RingBufMap.BPF_RB_PROD_POS)).isEqualTo(255 * 16);
        assertThat(r.query(RingBufMap.BPF_RB_CONS_POS)).isZero();
        assertThat(r.query(99)).isZero();
        assertThat(asLong(r.poll().orElseThrow())).isZero();
        assertThat(output(r, u64(255))).isZero();
        for (long i = 1; i <= 255; i++) {
            assertThat(asLong(r.poll().orElseThrow())).isEqualTo(i);
        }
        // Too big ever to fit.
        assertThat(r.reserve(4096 - 8, 0)).isEqualTo(-1);
        assertThat(r.reserve(4096 - 16, 0)).isPositive();
    }

    @Test
    void wrapsAroundWithRecordsThatStraddleTheEnd() {
        RingBufMap r = ring(4096);
        Random random = new Random(42);
        int produced = 0;
        int consumed = 0;
        int straddling = 0;
        List<byte[]> pending = new ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            if (random.nextInt(3) > 0) {
                byte[] data = record(random.nextInt(700), produced);
                long sample = r.reserve(data.length, 0);
                if (sample < 0) {
                    assertThat(r.availableBytes() + ((data.length + 15) & ~7)).isGreaterThan(4095);
                    continue;
                }
                if (sample + data.length > 4096) {
                    straddling++;
                }
                MemorySegment.copy(data, 0, r.storage(), ValueLayout.JAVA_BYTE, sample, data.length);
                if (random.nextInt(10) == 0) {
                    r.discard(sample, 0);
                } else {
                    r.submit(sample, 0);
                    pending.add(data);
                }
                produced++;
            } else {
                Optional<byte[]> got = r.poll();
                if (pending.isEmpty()) {
                    assertThat(got).isEmpty();
                } else {
                    assertThat(got).hasValueSatisfying(v -> assertThat(v).isEqualTo(pending.getFirst()));
                    pending.removeFirst();
                    consumed++;
                }
            }
        }
        assertThat(straddling).isGreaterThan(50);
        assertThat(consumed).isGreaterThan(5000);
        assertThat(r.query(RingBufMap.BPF_RB_PROD_POS)).isGreaterThan(10L * 4096);
    }

    @Test
    void pollWaitsForACommit() throws Exception {
        RingBufMap r = ring(4096);
        CompletableFuture<Optional<byte[]>> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return r.poll(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(50);
        assertThat(output(r, u32(7))).isZero();
        assertThat(waiter.get(10, TimeUnit.SECONDS).map(Bytes::asInt)).hasValue(7);
        assertThat(r.poll(Duration.ofMillis(20))).isEmpty();
    }

    @Test
    void manyProducersOneConsumer() throws Exception {
        RingBufMap r = ring(1 << 16);
        int producers = 4;
        int perProducer = 20_000;
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            int id = p;
            threads[p] = Thread.ofPlatform().start(() -> {
                byte[] rec = new byte[12];
                for (int i = 0; i < perProducer; i++) {
                    MemorySegment.ofArray(rec).set(U32, 0, id);
                    MemorySegment.ofArray(rec).set(U64, 4, i);
                    while (output(r, rec) != 0) {
                        Thread.onSpinWait();
                    }
                }
            });
        }
        long[] next = new long[producers];
        int total = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (total < producers * perProducer && System.nanoTime() < deadline) {
            Optional<byte[]> rec = r.poll(Duration.ofMillis(100));
            if (rec.isPresent()) {
                MemorySegment s = MemorySegment.ofArray(rec.get());
                int id = s.get(U32, 0);
                assertThat(s.get(U64, 4)).isEqualTo(next[id]++);
                total++;
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(total).isEqualTo(producers * perProducer);
        assertThat(r.poll()).isEmpty();
    }

    @Test
    void noKeysNoValues() {
        RingBufMap r = ring(4096);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.lookup(new byte[0])).isInstanceOf(MapException.class)
                .satisfies(e -> assertThat(((MapException) e).errno()).isEqualTo(Errno.ENOTSUPP));
        assertThat(r.lookupOffset(seg(new byte[0]), 0, 0)).isEqualTo(-1);
        assertThat(r.update(seg(new byte[0]), 0, seg(new byte[0]), 0, 0, 0)).isEqualTo(-Errno.ENOTSUPP);
    }
}
