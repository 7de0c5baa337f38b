package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Assembler;
import org.junit.jupiter.api.Test;

/**
 * Runs on one thread reuse its stack frames, but each run still starts with a zeroed stack, and a
 * run started from inside another (a helper running a program) gets frames of its own.
 */
class StackReuseTest {
    private static final Program WRITE = Program.of("write", Assembler.assemble("""
            r1 = 0x1122334455667788 ll
            *(u64 *)(r10 - 8) = r1
            *(u64 *)(r10 - 512) = r1
            r0 = *(u64 *)(r10 - 8)
            exit
            """));
    private static final Program READ = Program.of("read", Assembler.assemble("""
            r0 = *(u64 *)(r10 - 8)
            r1 = *(u64 *)(r10 - 512)
            r0 |= r1
            exit
            """));

    @Test
    void everyRunStartsWithAZeroedStack() {
        BpfRuntime runtime = BpfRuntime.create();
        Executable write = runtime.load(WRITE);
        Executable read = runtime.load(READ);
        for (int i = 0; i < 3; i++) {
            assertThat(write.run(new byte[0])).isEqualTo(0x1122334455667788L);
            assertThat(read.run(new byte[0])).isZero();
        }
    }

    @Test
    void aRunInsideARunHasItsOwnStack() {
        Executable[] inner = new Executable[1];
        BpfRuntime runtime = BpfRuntime.builder()
                .helper(1001, "run_inner", (r1, r2, r3, r4, r5, ctx) -> inner[0].run(new byte[0]))
                .build();
        inner[0] = runtime.load(WRITE);
        Executable outer = runtime.load(Program.of("outer", Assembler.assemble("""
                r1 = 7
                *(u64 *)(r10 - 8) = r1
                call 1001
                r0 = *(u64 *)(r10 - 8)
                exit
                """)));
        assertThat(outer.run(new byte[0])).isEqualTo(7);
    }

    /** Writes 0x5a5a at the bottom and the top of its own frame and of the frames of three nested calls. */
    private static final Object[] DEEP_WRITER = {
        st(DW, R10, -8, 0x5a5a), st(DW, R10, -512, 0x5a5a),
        callLocal(2),                                   // 2: to 5
        mov64(R0, 0),
        exit(),
        st(DW, R10, -8, 0x5a5a), st(DW, R10, -512, 0x5a5a), // 5
        callLocal(1),                                   // 7: to 9
        exit(),
        st(DW, R10, -8, 0x5a5a), st(DW, R10, -512, 0x5a5a), // 9
        callLocal(1),                                   // 11: to 13
        exit(),
        st(DW, R10, -8, 0x5a5a), st(DW, R10, -512, 0x5a5a), // 13
        exit(),
    };

    /** ORs the bottom and top slot of its frame and of three nested calls' frames into r0. */
    private static final Object[] DEEP_READER = {
        ldx(DW, R6, R10, -8), ldx(DW, R7, R10, -512), alu64X(OR, R6, R7),
        callLocal(3),                                   // 3: to 7
        alu64X(OR, R0, R6),
        exit(),
        exit(),
        ldx(DW, R6, R10, -8), ldx(DW, R7, R10, -512), alu64X(OR, R6, R7), // 7
        callLocal(2),                                   // 10: to 13
        alu64X(OR, R0, R6),
        exit(),
        ldx(DW, R6, R10, -8), ldx(DW, R7, R10, -512), alu64X(OR, R6, R7), // 13
        callLocal(2),                                   // 16: to 19
        alu64X(OR, R0, R6),
        exit(),
        ldx(DW, R0, R10, -8), ldx(DW, R7, R10, -512), alu64X(OR, R0, R7), // 19
        exit(),
    };

    @Test
    void framesOfNestedCallsAreZeroedForTheNextRun() {
        Executable writer = load(DEEP_WRITER);
        Executable reader = load(DEEP_READER);
        for (int i = 0; i < 3; i++) {
            assertThat(writer.run(new byte[0])).isZero();
            assertThat(reader.run(new byte[0])).isZero();
        }
    }

    @Test
    void aFrameTheRunHasNotReachedCannotBeWrittenEvenThroughAForgedAddress() {
        // Frames are regions 1 to 8: region 4 is frame 3, which this run never reaches.
        Object[] forger = {
            lddw(R1, (4L << 32) + 504),
            st(DW, R1, 0, 0x77),
            mov64(R0, 0),
            exit(),
        };
        Executable forge = load(forger);
        Executable reader = load(DEEP_READER);
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> forge.run(new byte[0])).isInstanceOf(MemoryAccessFault.class)
                    .hasMessageContaining("stack frame 3");
            assertThat(reader.run(new byte[0])).isZero();
        }
    }

    @Test
    void aFrameReachedInARunCanBeWrittenThroughItsAddressUntilTheRunEnds() {
        // Frame 1 is opened by the call; after it returns its bytes stay readable in this run.
        long r0 = run(
                callLocal(4),             // 0: to 5
                lddw(R1, (2L << 32) + 504),
                ldx(DW, R0, R1, 0),
                exit(),
                st(DW, R10, -8, 0x3c),    // 5: f
                exit());
        assertThat(r0).isEqualTo(0x3c);
        assertThat(load(DEEP_READER).run(new byte[0])).isZero();
    }

    // ------------------------------------------------------------ runs that skip the zeroing

    /** Returns 5 without naming r10: verified, it can reach no stack byte (Interpreter.stackUntouched). */
    private static final Program UNTOUCHED = Program.of("untouched", code(mov64(R0, 5), exit()));

    /** Writes 0x55 into frame 0 through a forged address, without naming r10. */
    private static final Program FORGED_WRITER = Program.of("forged", code(
            lddw(R1, (1L << 32) + 504), st(DW, R1, 0, 0x55), mov64(R0, 0), exit()));

    @Test
    void aStackUntouchedRunBetweenAWriterAndAReaderDoesNotLetTheWritesThrough() {
        BpfRuntime runtime = BpfRuntime.create();
        Executable untouched = runtime.load(UNTOUCHED, new java.util.BitSet()); // loaded as verified
        Executable write = runtime.load(WRITE);
        Executable read = runtime.load(READ);
        for (int i = 0; i < 3; i++) {
            assertThat(write.run(new byte[0])).isEqualTo(0x1122334455667788L);
            assertThat(untouched.run(new byte[0])).isEqualTo(5);
            assertThat(untouched.run(new byte[0])).isEqualTo(5);
            assertThat(read.run(new byte[0])).isZero();
        }
    }

    @Test
    void anUnverifiedProgramThatNeverNamesR10StillHasItsWritesZeroed() {
        BpfRuntime runtime = BpfRuntime.create();
        Executable forged = runtime.load(FORGED_WRITER);
        Executable read = runtime.load(READ);
        for (int i = 0; i < 3; i++) {
            assertThat(forged.run(new byte[0])).isZero();
            assertThat(read.run(new byte[0])).isZero();
        }
    }

    @Test
    void aTailCallFromAStackUntouchedProgramToAWriterHasItsWritesZeroed() {
        BpfRuntime runtime = BpfRuntime.create();
        io.bpf4j.runtime.maps.ProgArrayMap jumps = (io.bpf4j.runtime.maps.ProgArrayMap) io.bpf4j.runtime.maps.Maps.create(
                io.bpf4j.runtime.maps.MapDefinition.of(io.bpf4j.runtime.maps.MapType.PROG_ARRAY, 4, 4, 4).withName("jumps"));
        jumps.setProgram(0, runtime.load(WRITE));
        Program dispatcher = Program.of("dispatch", code(
                io.bpf4j.isa.Instruction.lddw(R2, PSEUDO_MAP_FD, 0), mov64(R3, 0), call(Interpreter.TAIL_CALL_HELPER),
                mov64(R0, 99), exit()), java.util.List.of(jumps));
        Executable dispatch = runtime.load(dispatcher, new java.util.BitSet()); // verified, never names r10
        Executable read = runtime.load(READ);
        for (int i = 0; i < 3; i++) {
            assertThat(dispatch.run(new byte[0])).isEqualTo(0x1122334455667788L);
            assertThat(read.run(new byte[0])).isZero();
        }
    }
}
