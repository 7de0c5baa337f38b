package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.isa.Instruction;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One {@link Executable} run by many threads at once: atomic instructions on shared memory are
 * atomic (64-bit add, 32-bit add, fetch-add handing out distinct old values, a cmpxchg retry
 * loop), on every path {@link Memory} takes: a heap long[] segment and a native segment
 * (VarHandle atomics), and a shared input byte[] (lock fallback). Runs do not share stacks or
 * registers.
 */
@Timeout(30)
class ConcurrencyTest {
    private static final int THREADS = 8;
    private static final int RUNS_PER_THREAD = 20;
    private static final int ITERATIONS = 400;
    private static final long TOTAL = (long) THREADS * RUNS_PER_THREAD * ITERATIONS;
    private static final int MAP_HELPER = 3001;

    private static ExecutorService pool;

    @BeforeAll
    static void start() {
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    /**
     * With r6 = base of 32 shared bytes, ITERATIONS times: lock add [0] += 1 (64-bit); lock
     * add [8] += 1 (32-bit); r8 += fetch_add([16], 1); CAS loop [24] += 1. Returns r8.
     */
    private static List<Object> counterLoop(Instruction baseIntoR0) {
        return List.of(
                baseIntoR0,                                     // 0
                mov64X(R6, R0),                                 // 1
                mov64(R7, ITERATIONS),                          // 2
                mov64(R8, 0),                                   // 3
                mov64(R2, 1),                                   // 4: loop
                Programs.atomic(DW, R6, R2, 0, ADD),            // 5
                Programs.atomic(W, R6, R2, 8, ADD),             // 6
                mov64(R3, 1),                                   // 7
                Programs.atomic(DW, R6, R3, 16, ADD | ATOMIC_FETCH), // 8
                alu64X(ADD, R8, R3),                            // 9
                ldx(DW, R0, R6, 24),                            // 10: retry
                mov64X(R3, R0),                                 // 11
                mov64X(R4, R0),                                 // 12
                add64(R4, 1),                                   // 13
                Programs.atomic(DW, R6, R4, 24, ATOMIC_CMPXCHG), // 14
                jmpX(JNE, R0, R3, -6),                          // 15: to 10
                alu64(SUB, R7, 1),                              // 16
                jmp(JNE, R7, 0, -14),                           // 17: to 4
                mov64X(R0, R8),                                 // 18
                exit());
    }

    /** Runs {@code task} RUNS_PER_THREAD times on each of THREADS threads, all released at once; sums the results. */
    private static long hammer(Callable<Long> task) throws Exception {
        CountDownLatch ready = new CountDownLatch(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            futures.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                long sum = 0;
                for (int i = 0; i < RUNS_PER_THREAD; i++) {
                    sum += task.call();
                }
                return sum;
            }));
        }
        ready.await();
        go.countDown();
        long total = 0;
        for (Future<Long> f : futures) {
            total += f.get();
        }
        return total;
    }

    private static void assertCounters(long fetchedSum, long c64, long c32, long fetchCounter, long casCounter) {
        assertThat(c64).as("64-bit lock add").isEqualTo(TOTAL);
        assertThat(c32).as("32-bit lock add").isEqualTo(TOTAL);
        assertThat(fetchCounter).as("fetch_add").isEqualTo(TOTAL);
        assertThat(casCounter).as("cmpxchg loop").isEqualTo(TOTAL);
        // fetch_add handed out 0 .. TOTAL-1, each exactly once (checked through their sum)
        assertThat(fetchedSum).as("sum of fetched old values").isEqualTo(TOTAL * (TOTAL - 1) / 2);
    }

    private static long hammerSegment(MemorySegment shared) throws Exception {
        BpfRuntime rt = BpfRuntime.builder().instructionBudget(10_000_000)
                .helper(MAP_HELPER, "map_shared", (r1, r2, r3, r4, r5, ctx) -> ctx.memory().map("shared", shared, true))
                .build();
        Executable exe = rt.load(program(counterLoop(call(MAP_HELPER))));
        return hammer(() -> exe.run(new byte[0]));
    }

    @Test
    void atomicsOnAHeapLongArrayAreExact() throws Exception {
        long[] shared = new long[4];
        long fetched = hammerSegment(MemorySegment.ofArray(shared));
        assertCounters(fetched, shared[0], shared[1], shared[2], shared[3]);
    }

    @Test
    void atomicsOnNativeMemoryAreExact() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment shared = arena.allocate(32, 8);
            long fetched = hammerSegment(shared);
            assertCounters(fetched, shared.get(ValueLayout.JAVA_LONG, 0), shared.get(ValueLayout.JAVA_LONG, 8),
                    shared.get(ValueLayout.JAVA_LONG, 16), shared.get(ValueLayout.JAVA_LONG, 24));
        }
    }

    @Test
    void atomicsOnASharedInputByteArrayAreExact() throws Exception {
        byte[] shared = new byte[32];
        Executable exe = load(counterLoop(mov64X(R0, R1)));
        long fetched = hammer(() -> exe.run(shared));
        ByteBuffer b = ByteBuffer.wrap(shared).order(ByteOrder.LITTLE_ENDIAN);
        assertCounters(fetched, b.getLong(0), b.getLong(8), b.getLong(16), b.getLong(24));
    }

    @Test
    void concurrentRunsHaveTheirOwnStackAndRegisters() throws Exception {
        // r6 = token from the input; keep it on the stack through a busy loop that also writes the stack
        Executable exe = load(
                ldx(DW, R6, R1, 0),
                stx(DW, R10, R6, -8),
                mov64(R7, 500),
                alu64(SUB, R7, 1),           // 3
                stx(DW, R10, R7, -16),
                jmp(JNE, R7, 0, -3),         // to 3
                ldx(DW, R0, R10, -8),
                alu64X(XOR, R0, R6),         // 0 when both the stack slot and r6 survived
                exit());
        long mismatches = hammer(() -> {
            long token = Thread.currentThread().threadId() * 0x1_0001L + System.nanoTime();
            byte[] in = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(token).array();
            long r0 = exe.run(in);
            return r0 == 0 ? 0L : 1L;
        });
        assertThat(mismatches).isZero();
    }
}
