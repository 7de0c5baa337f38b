package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Helper calls: r1-r5 in, r0 out, the {@link HelperContext} (memory access through pointer
 * arguments, the call's pc), load-time rejection of unknown helpers and kfuncs, the standard
 * helpers and replacing them.
 */
class HelperCallTest {

    private static BpfRuntime runtimeWith(int id, HelperFunction f) {
        return BpfRuntime.builder().instructionBudget(BUDGET).helper(id, "test_helper", f).build();
    }

    @Test
    void argumentsInR1ToR5AndResultInR0() {
        List<long[]> calls = new ArrayList<>();
        List<Integer> pcs = new ArrayList<>();
        BpfRuntime rt = runtimeWith(1000, (r1, r2, r3, r4, r5, ctx) -> {
            calls.add(new long[] {r1, r2, r3, r4, r5});
            pcs.add(ctx.pc());
            return 0x9234_5678_9abc_def0L;
        });
        long[] regs = registersAtExit(rt.load(program(
                lddw(R1, 0x1111_0000_0000_0001L),
                lddw(R2, -2),
                mov64(R3, 3),
                mov64(R4, 4),
                mov64(R5, 5),
                mov64(R6, 6),
                call(1000),            // 8
                exit())), new byte[0]);
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0)).containsExactly(0x1111_0000_0000_0001L, -2, 3, 4, 5);
        assertThat(pcs).containsExactly(8);
        assertThat(regs[R0]).isEqualTo(0x9234_5678_9abc_def0L);
        assertThat(regs[R6]).isEqualTo(6);
    }

    @Test
    void helperReadsAndWritesThroughAPointerArgument() {
        BpfRuntime rt = runtimeWith(1001, (r1, r2, r3, r4, r5, ctx) -> {
            byte[] data = ctx.memory().read(r1, (int) r2, ctx.pc());
            byte[] reversed = new byte[data.length];
            for (int i = 0; i < data.length; i++) {
                reversed[i] = data[data.length - 1 - i];
            }
            ctx.memory().write(r1, reversed, ctx.pc());
            return data.length;
        });
        long r0 = rt.load(program(
                lddw(R3, 0x0807_0605_0403_0201L),
                stx(DW, R10, R3, -8),
                mov64X(R1, R10),
                add64(R1, -8),
                mov64(R2, 8),
                call(1001),
                ldx(DW, R0, R10, -8),
                exit())).run(new byte[0]);
        assertThat(r0).isEqualTo(0x0102_0304_0506_0708L);
    }

    @Test
    void helperWritesReachTheHostsInputArray() {
        BpfRuntime rt = runtimeWith(1002, (r1, r2, r3, r4, r5, ctx) -> {
            ctx.memory().store(r1 + r2, 2, 0xbeef, ctx.pc());
            return ctx.memory().load(r1, 4, ctx.pc());
        });
        byte[] input = bytes(1, 2, 3, 4, 0, 0, 0, 0);
        long r0 = rt.load(program(mov64(R2, 5), call(1002), exit())).run(input);
        assertThat(r0).isEqualTo(0x0403_0201L);
        assertThat(input).containsExactly(1, 2, 3, 4, 0, 0xef, 0xbe, 0);
    }

    @Test
    void helperAccessOutOfBoundsFaultsAtTheCall() {
        BpfRuntime rt = runtimeWith(1001, (r1, r2, r3, r4, r5, ctx) -> ctx.memory().read(r1, (int) r2, ctx.pc()).length);
        Executable exe = rt.load(program(mov64X(R1, R10), add64(R1, -8), mov64(R2, 16), call(1001), exit()));
        MemoryAccessFault fault = catchThrowableOfType(MemoryAccessFault.class, () -> exe.run(new byte[0]));
        assertThat(fault).isNotNull();
        assertThat(fault.pc()).isEqualTo(3);
        assertThat(fault.size()).isEqualTo(16);
        assertThat(fault).hasMessageContaining("instruction 3");
    }

    @Test
    void helperGivenANegativeLengthGetsAMemoryAccessFault() {
        // A program controls r2; a helper passing it on as a length must get a fault naming the
        // call, not a JVM exception from the segment (read) or a passed check (checkedOffset).
        BpfRuntime rt = BpfRuntime.builder()
                .helper(1001, "read", (r1, r2, r3, r4, r5, ctx) -> ctx.memory().read(r1, (int) r2, ctx.pc()).length)
                .helper(1006, "check", (r1, r2, r3, r4, r5, ctx) -> ctx.memory().checkedOffset(r1, (int) r2, false, ctx.pc()))
                .build();
        for (int helper : new int[] {1001, 1006}) {
            for (int length : new int[] {-1, -8, Integer.MIN_VALUE}) {
                Executable exe = rt.load(program(mov64X(R1, R10), add64(R1, -8), mov64(R2, length), call(helper), exit()));
                assertThatThrownBy(() -> exe.run(new byte[0])).as("helper %d, length %d", helper, length)
                        .isInstanceOf(MemoryAccessFault.class).hasMessageContaining("instruction 3");
            }
        }
    }

    @Test
    void helperCanMapMemoryForTheProgram() {
        long[] shared = {0x1234, 0};
        BpfRuntime rt = runtimeWith(1003, (r1, r2, r3, r4, r5, ctx) ->
                ctx.memory().map("shared", MemorySegment.ofArray(shared), true));
        long r0 = rt.load(program(call(1003), mov64X(R6, R0), ldx(DW, R0, R6, 0), st(DW, R6, 8, 77), exit()))
                .run(new byte[0]);
        assertThat(r0).isEqualTo(0x1234);
        assertThat(shared[1]).isEqualTo(77);
    }

    @Test
    void unknownHelperFailsAtLoadNamingTheInstruction() {
        Program p = program(mov64(R0, 0), mov64(R1, 0), call(99_999), exit());
        ProgramLoadException e = catchThrowableOfType(ProgramLoadException.class, () -> RUNTIME.load(p));
        assertThat(e).isNotNull().hasMessageContaining("instruction 2").hasMessageContaining("99999");
        assertThat(e.index()).isEqualTo(2);
    }

    @Test
    void kfuncCallFailsAtLoadNamingTheInstruction() {
        Program p = program(mov64(R0, 0), insn(CALL_IMM, 0, CALL_KFUNC, 0, 4321), exit());
        ProgramLoadException e = catchThrowableOfType(ProgramLoadException.class, () -> RUNTIME.load(p));
        assertThat(e).isNotNull().hasMessageContaining("instruction 1").hasMessageContaining("kfunc");
        assertThat(e.index()).isEqualTo(1);
    }

    @Test
    void standardHelpers() {
        assertThat(run(call(StandardHelpers.GET_SMP_PROCESSOR_ID), exit())).isZero();
        for (int i = 0; i < 20; i++) {
            assertThat(run(call(StandardHelpers.GET_PRANDOM_U32), exit())).isBetween(0L, 0xffff_ffffL);
        }
        for (int id : new int[] {StandardHelpers.KTIME_GET_NS, StandardHelpers.KTIME_GET_BOOT_NS}) {
            long delta = run(call(id), mov64X(R6, R0), call(id), alu64X(SUB, R0, R6), exit());
            assertThat(delta).as("helper %d is monotonic", id).isBetween(0L, 10_000_000_000L);
        }
    }

    @Test
    void aRegisteredHelperReplacesAStandardOne() {
        BpfRuntime rt = runtimeWith(StandardHelpers.GET_PRANDOM_U32, (r1, r2, r3, r4, r5, ctx) -> 4);
        assertThat(rt.load(program(call(StandardHelpers.GET_PRANDOM_U32), exit())).run(new byte[0])).isEqualTo(4);
        assertThat(rt.helpers().find(StandardHelpers.GET_PRANDOM_U32).orElseThrow().name()).isEqualTo("test_helper");
    }

    @Test
    void helperCalledFromACalleeSeesTheCalleesArguments() {
        List<Long> seen = new ArrayList<>();
        BpfRuntime rt = runtimeWith(1004, (r1, r2, r3, r4, r5, ctx) -> {
            seen.add(r1);
            return r1 + 1;
        });
        long r0 = rt.load(program(
                mov64(R1, 10),
                callLocal(2),          // to 4
                add64(R0, 100),
                exit(),
                add64(R1, 5),          // 4
                call(1004),
                exit())).run(new byte[0]);
        assertThat(seen).containsExactly(15L);
        assertThat(r0).isEqualTo(116);
    }

    @Test
    void manyMappedRegionsStayAddressable() {
        long[][] arrays = new long[40][];
        BpfRuntime rt = runtimeWith(1005, (r1, r2, r3, r4, r5, ctx) -> {
            long last = 0;
            for (int i = 0; i < arrays.length; i++) {
                arrays[i] = new long[] {i * 10L};
                last = ctx.memory().map("r" + i, MemorySegment.ofArray(arrays[i]), true);
            }
            return last;
        });
        long r0 = rt.load(program(call(1005), mov64X(R6, R0), ldx(DW, R0, R6, 0), st(DW, R6, 0, 5),
                ldx(DW, R1, R10, -8), exit())).run(new byte[8]); // the stack frame is still mapped too
        assertThat(r0).isEqualTo(390);
        assertThat(arrays[39][0]).isEqualTo(5);
        assertThat(arrays[38][0]).isEqualTo(380);
    }
}
