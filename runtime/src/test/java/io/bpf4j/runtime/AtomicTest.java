package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Instruction;
import io.bpf4j.isa.InvalidInstructionException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ten atomic operations (add, or, and, xor with and without fetch, xchg, cmpxchg) in 32 and
 * 64 bits, on every kind of memory that takes a different path in {@link Memory}: the stack
 * (long[]-backed, VarHandle atomics), the input (byte[], lock fallback), and host segments
 * mapped by a helper (heap long[] and native). Checks memory, the source register (old value
 * for fetch forms, untouched otherwise) and r0 (cmpxchg), and that 32-bit forms touch only the
 * low word and zero-extend what they fetch.
 */
class AtomicTest {
    private static final long M = 0x7ff0_0f0f_ffff_fff0L; // memory before
    private static final long S = 0x8001_f0f0_0000_0031L; // operand in r2
    private static final long R0_BEFORE = 0x0bad_0bad_0bad_0badL;
    private static final long LOW_M = 0x0000_0000_ffff_fff0L;
    private static final int MAP_HELPER = 4242;
    private static final Arena ARENA = Arena.ofShared();

    @AfterAll
    static void close() {
        ARENA.close();
    }

    enum Location {
        STACK, INPUT, HEAP_LONGS, NATIVE;

        /** Instructions leaving in r6 the address of 8 bytes to operate on. */
        List<Object> setup() {
            return switch (this) {
                case STACK -> List.of(mov64X(R6, R10), add64(R6, -16));
                case INPUT -> List.of(mov64X(R6, R1), add64(R6, 8));
                case HEAP_LONGS, NATIVE -> List.of(call(MAP_HELPER), mov64X(R6, R0), add64(R6, 8));
            };
        }

        BpfRuntime runtime() {
            MemorySegment segment = switch (this) {
                case HEAP_LONGS -> MemorySegment.ofArray(new long[3]);
                case NATIVE -> ARENA.allocate(24, 8);
                default -> null;
            };
            BpfRuntime.Builder b = BpfRuntime.builder().instructionBudget(BUDGET);
            if (segment != null) {
                b.helper(MAP_HELPER, "map_shared", (r1, r2, r3, r4, r5, ctx) -> ctx.memory().map("shared", segment, true));
            }
            return b.build();
        }
    }

    /** Registers at exit of: r6 = location; *(u64 *)r6 = M; r2 = S; r0 = r0Before; atomic; r7 = *(u64 *)r6. */
    private static long[] execute(Location where, int size, int operation, long r0Before) {
        Instruction atomic = Programs.atomic(size, R6, R2, 0, operation);
        List<Object> parts = List.of(where.setup(), lddw(R3, M), stx(DW, R6, R3, 0), lddw(R2, S), lddw(R0, r0Before),
                atomic, ldx(DW, R7, R6, 0), exit());
        Executable exe = where.runtime().load(Programs.program(parts));
        long[] regs = registersAtExit(exe, new byte[24]);
        return new long[] {regs[R7], regs[R2], regs[R0]};
    }

    static Stream<Arguments> operations() {
        // name, size, operation, memory after, r2 after
        Object[][] table = {
            {"add", DW, ADD, 0xfff2_0000_0000_0021L, S},
            {"or", DW, OR, 0xfff1_ffff_ffff_fff1L, S},
            {"and", DW, AND, 0x0000_0000_0000_0030L, S},
            {"xor", DW, XOR, 0xfff1_ffff_ffff_ffc1L, S},
            {"fetch_add", DW, ADD | ATOMIC_FETCH, 0xfff2_0000_0000_0021L, M},
            {"fetch_or", DW, OR | ATOMIC_FETCH, 0xfff1_ffff_ffff_fff1L, M},
            {"fetch_and", DW, AND | ATOMIC_FETCH, 0x0000_0000_0000_0030L, M},
            {"fetch_xor", DW, XOR | ATOMIC_FETCH, 0xfff1_ffff_ffff_ffc1L, M},
            {"xchg", DW, ATOMIC_XCHG, S, M},
            {"add32", W, ADD, 0x7ff0_0f0f_0000_0021L, S}, // no carry into the upper word
            {"or32", W, OR, 0x7ff0_0f0f_ffff_fff1L, S},
            {"and32", W, AND, 0x7ff0_0f0f_0000_0030L, S},
            {"xor32", W, XOR, 0x7ff0_0f0f_ffff_ffc1L, S},
            {"fetch_add32", W, ADD | ATOMIC_FETCH, 0x7ff0_0f0f_0000_0021L, LOW_M},
            {"fetch_or32", W, OR | ATOMIC_FETCH, 0x7ff0_0f0f_ffff_fff1L, LOW_M},
            {"fetch_and32", W, AND | ATOMIC_FETCH, 0x7ff0_0f0f_0000_0030L, LOW_M},
            {"fetch_xor32", W, XOR | ATOMIC_FETCH, 0x7ff0_0f0f_ffff_ffc1L, LOW_M},
            {"xchg32", W, ATOMIC_XCHG, 0x7ff0_0f0f_0000_0031L, LOW_M},
        };
        return Stream.of(Location.values()).flatMap(where -> Stream.of(table)
                .map(row -> Arguments.of(where, row[0], row[1], row[2], row[3], row[4])));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("operations")
    void readModifyWrite(Location where, String name, int size, int operation, long memoryAfter, long r2After) {
        long[] result = execute(where, size, operation, R0_BEFORE);
        assertThat(result[0]).as("memory").isEqualTo(memoryAfter);
        assertThat(result[1]).as("r2").isEqualTo(r2After);
        assertThat(result[2]).as("r0").isEqualTo(R0_BEFORE);
    }

    static Stream<Location> locations() {
        return Stream.of(Location.values());
    }

    @ParameterizedTest
    @MethodSource("locations")
    void compareExchange64(Location where) {
        long[] success = execute(where, DW, ATOMIC_CMPXCHG, M);
        assertThat(success).containsExactly(S, S, M); // memory = S, r2 untouched, r0 = old
        long[] failure = execute(where, DW, ATOMIC_CMPXCHG, M ^ 0x1_0000_0000L); // differs only in the upper word
        assertThat(failure).containsExactly(M, S, M);
    }

    @ParameterizedTest
    @MethodSource("locations")
    void compareExchange32ComparesTheLowWordOfR0(Location where) {
        long[] success = execute(where, W, ATOMIC_CMPXCHG, 0xdddd_dddd_0000_0000L | LOW_M);
        assertThat(success).containsExactly(0x7ff0_0f0f_0000_0031L, S, LOW_M); // r0 = old low word, zero-extended
        long[] failure = execute(where, W, ATOMIC_CMPXCHG, LOW_M ^ 1);
        assertThat(failure).containsExactly(M, S, LOW_M);
    }

    @ParameterizedTest
    @MethodSource("locations")
    void fetchIntoR0AndSameRegisterOperands(Location where) {
        // src = r0: fetch_add writes the old value into r0
        List<Object> parts = List.of(where.setup(), lddw(R3, M), stx(DW, R6, R3, 0), mov64(R0, 5),
                Programs.atomic(DW, R6, R0, 0, ADD | ATOMIC_FETCH), ldx(DW, R7, R6, 0), exit());
        long[] regs = registersAtExit(where.runtime().load(Programs.program(parts)), new byte[24]);
        assertThat(regs[R0]).isEqualTo(M);
        assertThat(regs[R7]).isEqualTo(M + 5);
        // cmpxchg with src = r0: succeeds against itself and stores r0
        parts = List.of(where.setup(), lddw(R3, M), stx(DW, R6, R3, 0), lddw(R0, M),
                Programs.atomic(DW, R6, R0, 0, ATOMIC_CMPXCHG), ldx(DW, R7, R6, 0), exit());
        regs = registersAtExit(where.runtime().load(Programs.program(parts)), new byte[24]);
        assertThat(regs[R0]).isEqualTo(M);
        assertThat(regs[R7]).isEqualTo(M);
    }

    @ParameterizedTest
    @MethodSource("locations")
    void atomicWithOffsetAddressesTheRightWord(Location where) {
        // r6 points 8 bytes in; operate at r6 - 8 + 4 (32-bit) and check neighbours
        List<Object> parts = List.of(where.setup(), st(DW, R6, -8, 0), st(DW, R6, 0, 0), mov64(R2, 0x11),
                Programs.atomic(W, R6, R2, -4, ADD), Programs.atomic(DW, R6, R2, 0, XOR),
                ldx(DW, R7, R6, -8), ldx(DW, R8, R6, 0), mov64(R0, 0), exit());
        long[] regs = registersAtExit(where.runtime().load(Programs.program(parts)), new byte[24]);
        assertThat(regs[R7]).isEqualTo(0x0000_0011_0000_0000L);
        assertThat(regs[R8]).isEqualTo(0x11L);
    }

    @Test
    void fetchIntoTheFramePointerIsRejected() {
        // A fetch form writes its src register (r10 here): r10 is read-only (Linux: "frame pointer
        // is read only"), so the program must not load; the same rule that rejects "ldx r10, ..." .
        for (int operation : new int[] {ADD | ATOMIC_FETCH, OR | ATOMIC_FETCH, AND | ATOMIC_FETCH,
                XOR | ATOMIC_FETCH, ATOMIC_XCHG}) {
            for (int size : new int[] {W, DW}) {
                assertThatThrownBy(() -> Programs.code(mov64(R0, 0), Programs.atomic(size, R1, R10, 0, operation), exit()))
                        .as("atomic 0x%x size 0x%x with src r10", operation, size)
                        .isInstanceOf(InvalidInstructionException.class).hasMessageContaining("r10");
            }
        }
        // without fetch, r10 is only read: fine
        assertThat(Programs.code(mov64(R0, 0), Programs.atomic(DW, R1, R10, 0, ADD), exit())).hasSize(3);
    }
}
