package io.bpf4j.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.loader.KernelOracle.KernelRun;
import io.bpf4j.runtime.types.SkBuff;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * map_errors.c: the return value of map operations in their corner cases, one result slot each
 * (value + 1000, so that 993 is -E2BIG, 978 -EINVAL, 983 -EEXIST, 998 -ENOENT, 972 -ENOSPC). The
 * slots must hold what Linux's map implementations return, listed here and compared with the
 * kernel, and every map's final contents must agree too.
 */
class MapErrorsKernelTest {
    private static final String OBJECT = "map_errors";
    private static final int OK = 1000;
    private static final int ENOENT = 998;
    private static final int E2BIG = 993;
    private static final int EEXIST = 983;
    private static final int EINVAL = 978;
    private static final int ENOSPC = 972;

    /** What each slot of map_errors.c must hold, by Linux's semantics. */
    private static final long[] EXPECTED = {
        E2BIG, // 0 array: index 4 of 4
        EEXIST, // 1 array: BPF_NOEXIST, every element exists
        OK, // 2 array: BPF_EXIST
        EINVAL, // 3 array: delete
        EINVAL, // 4 array: flags 3
        OK, // 5 array: lookup out of range is NULL (0)
        EEXIST, // 6 per-CPU array: BPF_NOEXIST
        OK, // 7
        E2BIG, // 8 per-CPU array: index 2 of 2
        OK, // 9 trie: 10/8
        OK, // 10 trie: 10.1/16
        ENOSPC, // 11 trie full
        EEXIST, // 12 trie: 10/8 with BPF_NOEXIST
        ENOENT, // 13 trie: BPF_EXIST on an absent prefix (checked before fullness)
        EINVAL, // 14 trie: /33
        ENOENT, // 15 trie: delete an absent prefix
        OK, // 16 trie: delete 10.1/16
        OK, // 17 trie: 10.1.2/24 fits now
        OK, // 18 trie: replace 10/8 with BPF_EXIST
        OK + 24, // 19 lookup 10.1.2.3: the /24's value
        OK + 80, // 20 lookup 10.1.9.3: the /8's new value
        EINVAL, // 21 trie: BPF_F_LOCK
        EINVAL, // 22 trie: delete /40
        OK, OK, // 23, 24 queue: push 1, 2
        E2BIG, // 25 queue full
        OK, // 26 queue: BPF_EXIST evicts the oldest (1)
        EINVAL, // 27 queue: BPF_NOEXIST is not a queue flag
        OK + 2, // 28 peek: 2
        OK + 2, // 29 pop: 2
        OK + 3, // 30 pop: 3
        OK - 200, // 31 pop of an empty queue: -ENOENT * 100 + 0
        OK - 200, // 32 pop of an empty stack
        OK, OK, // 33, 34 stack: push 5, 6
        E2BIG, // 35 stack full
        OK, // 36 stack: BPF_EXIST evicts the bottom (5)
        OK + 7, // 37 pop: 7
        OK + 6, // 38 pop: 6
        OK - 200, // 39 peek of the now empty stack
        EINVAL, // 40 hash: BPF_F_LOCK without a bpf_spin_lock
        EINVAL, // 41 hash: BPF_NOEXIST | BPF_F_LOCK
        ENOENT, // 42 hash: delete, nothing was added
        EINVAL, // 43 ringbuf_output: flags 4
        OK, // 44 ringbuf_reserve: flags 1 gives NULL (0)
        OK, // 45 ringbuf_output with BPF_RB_FORCE_WAKEUP
        OK + 16, // 46 available data: one 4-byte record (8-byte header, padded to 16)
        OK, // 47 query with unknown flags: 0
    };

    @TempDir
    Path temp;

    @Test
    void everyCornerCaseReturnsWhatLinuxReturns() {
        byte[] frame = TestPackets.ethernet(TestPackets.ETH_P_IP, TestPackets.payload(50));
        LoadedObject obj = KernelOracle.load(OBJECT);
        // CPU 0 on both sides, for the per-CPU array
        long verdict = KernelOracle.onCpu(0, () -> obj.program("tc_map_errors").runTc(SkBuff.ofEthernet(frame)).returnValue());
        assertThat(verdict).isZero();
        long[] slots = new long[EXPECTED.length];
        for (int i = 0; i < slots.length; i++) {
            byte[] v = obj.map("results").lookup(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(i).array())
                    .orElseThrow();
            slots[i] = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }
        assertThat(slots).containsExactly(EXPECTED);

        KernelRun kernel = KernelOracle.require(temp).run(OBJECT, frame, "-c", "0");
        assertThat(kernel.retval()).isZero();
        KernelOracle.assertSameMaps(kernel, obj, "map errors");
    }
}
