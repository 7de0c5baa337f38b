package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * Every invalid access is a {@link MemoryAccessFault} naming the instruction and the program
 * address, never a JVM exception and never a partial write: below and past the stack frame and
 * the input, null and small-integer pointers, unmapped regions, read-only regions, misaligned
 * atomics, a callee's frame against its caller's.
 */
class MemorySafetyTest {
    private static final int LEN = 16;

    /** The fault and the registers just before the faulting instruction. */
    private record Caught(MemoryAccessFault fault, long[] registers) {}

    private static Caught caught(byte[] input, Object... parts) {
        return caught(RUNTIME, input, parts);
    }

    private static Caught caught(BpfRuntime rt, byte[] input, Object... parts) {
        Executable exe = rt.load(program(parts));
        Programs.LastRegisters tracer = new Programs.LastRegisters();
        MemoryAccessFault fault = catchThrowableOfType(MemoryAccessFault.class, () -> exe.run(input, tracer));
        assertThat(fault).as("expected a MemoryAccessFault").isNotNull();
        return new Caught(fault, tracer.registers);
    }

    private static void assertFault(Caught c, int pc, long address, int size) {
        assertThat(c.fault().pc()).as("pc").isEqualTo(pc);
        assertThat(c.fault().address()).as("address").isEqualTo(address);
        assertThat(c.fault().size()).as("size").isEqualTo(size);
        assertThat(c.fault()).hasMessageContaining("instruction " + pc + ":")
                .hasMessageContaining(String.format("0x%x", address));
    }

    // ------------------------------------------------------------ stack

    @Test
    void readBelowTheStackFrame() {
        Caught c = caught(new byte[0], mov64(R0, 0), ldx(DW, R0, R10, -520));
        assertFault(c, 1, c.registers()[R10] - 520, 8);
        Caught oneByte = caught(new byte[0], mov64(R0, 0), ldx(B, R0, R10, -513));
        assertFault(oneByte, 1, oneByte.registers()[R10] - 513, 1);
    }

    @Test
    void accessAtOrStraddlingTheFramePointer() {
        Caught write = caught(new byte[0], mov64(R0, 0), st(B, R10, 0, 1), exit());
        assertFault(write, 1, write.registers()[R10], 1);
        Caught straddle = caught(new byte[0], mov64(R0, 0), ldx(DW, R0, R10, -4), exit());
        assertFault(straddle, 1, straddle.registers()[R10] - 4, 8);
        Caught far = caught(new byte[0], mov64(R0, 0), mov64X(R1, R10), add64(R1, 4096), stx(W, R1, R0, 0), exit());
        assertFault(far, 3, far.registers()[R10] + 4096, 4);
    }

    @Test
    void calleeCannotReachItsCallersFrameByOverrunningItsOwn() {
        // the stack frames lie next to each other in one array; each is its own region
        Caught below = caught(new byte[0],
                st(DW, R10, -8, 0x1111), callLocal(2), ldx(DW, R0, R10, -8), exit(),
                mov64(R0, 0), st(DW, R10, -520, 0x2222), exit());
        assertFault(below, 5, below.registers()[R10] - 520, 8);
        Caught above = caught(new byte[0],
                callLocal(1), exit(),
                mov64(R0, 0), ldx(DW, R0, R10, 504), exit());
        assertFault(above, 3, above.registers()[R10] + 504, 8);
    }

    // ------------------------------------------------------------ input

    @Test
    void inputBoundsAreExact() {
        assertThat(runOn(new byte[LEN], ldx(W, R0, R1, LEN - 4), exit())).isZero();
        Caught past = caught(new byte[LEN], mov64(R0, 0), ldx(W, R0, R1, LEN - 3), exit());
        assertFault(past, 1, past.registers()[R1] + LEN - 3, 4);
        Caught atEnd = caught(new byte[LEN], mov64(R0, 0), ldx(B, R0, R1, LEN), exit());
        assertFault(atEnd, 1, atEnd.registers()[R1] + LEN, 1);
        Caught before = caught(new byte[LEN], mov64(R0, 0), ldx(B, R0, R1, -1), exit());
        assertFault(before, 1, before.registers()[R1] - 1, 1);
    }

    @Test
    void failedWritesLeaveTheInputUntouched() {
        byte[] input = new byte[LEN];
        Caught c = caught(input, mov64(R0, 0), st(DW, R1, LEN - 4, -1), exit());
        assertFault(c, 1, c.registers()[R1] + LEN - 4, 8);
        assertThat(input).containsOnly(0);
        Caught below = caught(input, mov64(R0, 0), st(W, R1, -2, -1), exit());
        assertFault(below, 1, below.registers()[R1] - 2, 4);
        assertThat(input).containsOnly(0);
    }

    @Test
    void pointerArithmeticPastTheRegionEnd() {
        Caught c = caught(new byte[LEN], mov64X(R2, R1), add64(R2, LEN + 100), ldx(B, R0, R2, 0), exit());
        assertFault(c, 2, c.registers()[R1] + LEN + 100, 1);
        Caught big = caught(new byte[LEN], mov64X(R2, R1), add64(R2, 0x7fff_0000), stx(B, R2, R1, 0), exit());
        assertFault(big, 2, big.registers()[R1] + 0x7fff_0000, 1);
    }

    // ------------------------------------------------------------ non-pointers

    @Test
    void nullPointer() {
        Caught c = caught(new byte[0], mov64(R2, 0), ldx(W, R0, R2, 0), exit());
        assertFault(c, 1, 0, 4);
        assertThat(c.fault()).hasMessageContaining("null");
        Caught write = caught(new byte[0], mov64(R2, 0), st(DW, R2, 16, 1), exit());
        assertFault(write, 1, 16, 8);
    }

    @Test
    void smallIntegerAsPointer() {
        Caught c = caught(new byte[LEN], mov64(R2, 42), stx(DW, R2, R1, 0), exit());
        assertFault(c, 1, 42, 8);
    }

    @Test
    void unmappedRegion() {
        Caught c = caught(new byte[LEN], lddw(R2, 0x0000_7fff_0000_0000L), ldx(B, R0, R2, 8), exit());
        assertFault(c, 2, 0x0000_7fff_0000_0008L, 1);
        assertThat(c.fault()).hasMessageContaining("outside every memory region");
        Caught negative = caught(new byte[LEN], lddw(R2, -8), ldx(DW, R0, R2, 0), exit());
        assertFault(negative, 2, -8, 8);
    }

    // ------------------------------------------------------------ permissions and alignment

    @Test
    void readOnlyRegion() {
        long[] data = {0x55};
        BpfRuntime rt = BpfRuntime.builder().helper(3000, "map_ro",
                (r1, r2, r3, r4, r5, ctx) -> ctx.memory().map("constants", MemorySegment.ofArray(data), false)).build();
        assertThat(rt.load(program(call(3000), ldx(DW, R0, R0, 0), exit())).run(new byte[0])).isEqualTo(0x55);
        Caught store = caught(rt, new byte[0], call(3000), mov64X(R6, R0), st(W, R6, 4, 1), exit());
        assertFault(store, 2, store.registers()[R6] + 4, 4);
        assertThat(store.fault()).hasMessageContaining("read-only");
        Caught atomic = caught(rt, new byte[0], call(3000), mov64X(R6, R0), mov64(R1, 1), Programs.atomic(DW, R6, R1, 0, ADD), exit());
        assertFault(atomic, 3, atomic.registers()[R6], 8);
        assertThat(data[0]).isEqualTo(0x55);
    }

    @Test
    void misalignedAtomicsFault() {
        Caught stack64 = caught(new byte[0], mov64(R1, 1), Programs.atomic(DW, R10, R1, -12, ADD), exit());
        assertFault(stack64, 1, stack64.registers()[R10] - 12, 8);
        assertThat(stack64.fault()).hasMessageContaining("aligned");
        Caught stack32 = caught(new byte[0], mov64(R1, 1), Programs.atomic(W, R10, R1, -6, ADD | ATOMIC_FETCH), exit());
        assertFault(stack32, 1, stack32.registers()[R10] - 6, 4);
        // the input goes through the locked path, which must check alignment too
        Caught input = caught(new byte[LEN], mov64(R2, 1), Programs.atomic(W, R1, R2, 2, ATOMIC_XCHG), exit());
        assertFault(input, 1, input.registers()[R1] + 2, 4);
        Caught cmpxchg = caught(new byte[LEN], mov64(R2, 1), Programs.atomic(DW, R1, R2, 4, ATOMIC_CMPXCHG), exit());
        assertFault(cmpxchg, 1, cmpxchg.registers()[R1] + 4, 8);
        // 4-aligned is enough for 32 bits
        assertThat(run(mov64(R1, 1), Programs.atomic(W, R10, R1, -4, ADD), ldx(W, R0, R10, -4), exit())).isEqualTo(1);
    }

    @Test
    void atomicOutOfBoundsFaults() {
        Caught c = caught(new byte[LEN], mov64(R2, 1), Programs.atomic(DW, R1, R2, LEN, ADD), exit());
        assertFault(c, 1, c.registers()[R1] + LEN, 8);
        Caught nul = caught(new byte[0], mov64(R2, 1), Programs.atomic(W, R2, R2, 0, ADD), exit());
        assertFault(nul, 1, 1, 4);
    }

    @Test
    void anExecutableStillRunsAfterAFault() {
        Executable exe = Programs.load(ldx(DW, R0, R1, 0), exit());
        assertThat(catchThrowableOfType(MemoryAccessFault.class, () -> exe.run(new byte[4]))).isNotNull();
        assertThat(exe.run(bytes(7, 0, 0, 0, 0, 0, 0, 0))).isEqualTo(7);
    }

    @Test
    void stackIsFreshForEveryRun() {
        Executable writer = Programs.load(ldx(DW, R0, R10, -8), st(DW, R10, -8, 0x77), exit());
        assertThat(writer.run(new byte[0])).isZero();
        assertThat(writer.run(new byte[0])).as("nothing left over from the previous run").isZero();
    }
}
