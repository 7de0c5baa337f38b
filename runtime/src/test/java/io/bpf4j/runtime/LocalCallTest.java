package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Local (bpf-to-bpf) calls and {@code callx}: r0 returned, r1-r5 passed, r6-r9 preserved, each
 * frame with its own 512-byte stack at its own r10 (restored on return), pointers into a
 * caller's stack usable by the callee, at most 8 frames.
 */
class LocalCallTest {

    @Test
    void callReturnsR0AndContinuesAfterTheCall() {
        long r0 = run(
                mov64(R0, 1),
                callLocal(2),       // 1: to 4
                add64(R0, 100),
                exit(),
                mov64(R0, 42),      // 4: f
                exit());
        assertThat(r0).isEqualTo(142);
    }

    @Test
    void argumentsArePassedAndCalleeSavedRegistersPreserved() {
        long[] regs = registersAtExit(
                mov64(R6, 6), mov64(R7, 7), mov64(R8, 8), mov64(R9, 9),
                mov64(R1, 1), mov64(R2, 2), mov64(R3, 3), mov64(R4, 4), mov64(R5, 5),
                callLocal(1),        // 9: to 11
                exit(),              // 10
                mov64(R6, 60), mov64(R7, 70), mov64(R8, 80), mov64(R9, 90), // 11: f clobbers r6-r9
                mov64X(R0, R1),
                alu64(LSH, R2, 8), alu64X(OR, R0, R2),
                alu64(LSH, R3, 16), alu64X(OR, R0, R3),
                alu64(LSH, R4, 24), alu64X(OR, R0, R4),
                alu64(LSH, R5, 32), alu64X(OR, R0, R5),
                exit());
        assertThat(regs[R0]).isEqualTo(0x05_0403_0201L);
        assertThat(regs[R6]).isEqualTo(6);
        assertThat(regs[R7]).isEqualTo(7);
        assertThat(regs[R8]).isEqualTo(8);
        assertThat(regs[R9]).isEqualTo(9);
    }

    @Test
    void eachFrameHasItsOwnStackAndFramePointer() {
        long[] regs = registersAtExit(
                st(DW, R10, -8, 0x1111),
                mov64X(R6, R10),       // caller's r10
                callLocal(4),          // 2: to 7
                ldx(DW, R0, R10, -8),  // the caller's slot is intact
                mov64X(R7, R10),       // r10 restored after return
                mov64X(R8, R1),        // callee's r10
                exit(),
                st(DW, R10, -8, 0x2222), // 7: f
                mov64X(R1, R10),
                ldx(DW, R0, R10, -8),
                exit());
        assertThat(regs[R0]).isEqualTo(0x1111);
        assertThat(regs[R7]).isEqualTo(regs[R6]);
        assertThat(regs[R8]).isNotEqualTo(regs[R6]);
        assertThat(regs[R8] >>> 32).as("callee frame is another region").isNotEqualTo(regs[R6] >>> 32);
        assertThat(regs[R6] & 0xffff_ffffL).as("r10 is the end of a 512-byte region").isEqualTo(512);
        assertThat(regs[R8] & 0xffff_ffffL).isEqualTo(512);
    }

    @Test
    void calleeReadsAndWritesTheCallersStackThroughAPointer() {
        long r0 = run(
                st(DW, R10, -8, 5),
                mov64X(R1, R10),
                add64(R1, -8),
                callLocal(3),          // 3: to 7
                ldx(DW, R2, R10, -8),
                alu64X(ADD, R0, R2),
                exit(),
                ldx(DW, R0, R1, 0),    // 7: f returns *p and stores 99 there
                st(DW, R1, 0, 99),
                exit());
        assertThat(r0).isEqualTo(5 + 99);
    }

    /** f(n) = n == 0 ? 0 : f(n - 1) + n, keeping n in r6 across the recursive call. */
    private static Object[] sumWithCalleeSavedRegister(int n) {
        return new Object[] {
            mov64(R1, n),
            callLocal(1),          // 1: to 3
            exit(),
            jmp(JEQ, R1, 0, 5),    // 3: f; to 9
            mov64X(R6, R1),
            alu64(SUB, R1, 1),
            callLocal(-4),         // 6: to 3
            alu64X(ADD, R0, R6),
            exit(),
            mov64(R0, 0),          // 9
            exit()};
    }

    /** The same, keeping n in the frame's stack. */
    private static Object[] sumWithStack(int n) {
        return new Object[] {
            mov64(R1, n),
            callLocal(1),          // 1: to 3
            exit(),
            jmp(JEQ, R1, 0, 6),    // 3: f; to 10
            stx(DW, R10, R1, -8),
            alu64(SUB, R1, 1),
            callLocal(-4),         // 6: to 3
            ldx(DW, R2, R10, -8),
            alu64X(ADD, R0, R2),
            exit(),
            mov64(R0, 0),          // 10
            exit()};
    }

    @Test
    void recursionUpToEightFrames() {
        // main + f(6) ... f(0) = 8 frames
        assertThat(run(sumWithCalleeSavedRegister(6))).isEqualTo(21);
        assertThat(run(sumWithStack(6))).isEqualTo(21);
        assertThat(run(sumWithStack(3))).isEqualTo(6);
    }

    @Test
    void aNinthFrameFaults() {
        ProgramFault fault = fault(ProgramFault.class, new byte[0], sumWithCalleeSavedRegister(7));
        assertThat(fault.pc()).isEqualTo(6);
        assertThat(fault).hasMessageContaining("instruction 6").hasMessageContaining("8 frames");
        ProgramFault again = fault(ProgramFault.class, new byte[0], sumWithStack(7));
        assertThat(again.pc()).isEqualTo(6);
    }

    @Test
    void callxToACodeAddress() {
        long[] regs = registersAtExit(
                lddwFunc(R8, 5),       // 0-1: address of 6
                mov64X(R7, R8),        // the address as the caller saw it
                mov64(R1, 20),
                callx(R8),             // 4
                exit(),
                mov64X(R0, R1),        // 6: f
                add64(R0, 1),
                mov64(R8, 0),          // clobbers r8, which the caller gets back
                exit());
        assertThat(regs[R0]).isEqualTo(21);
        assertThat(regs[R8]).isEqualTo(regs[R7]).isNotZero();
    }

    @Test
    void callxToACodeAddressGetsItsOwnFrame() {
        long[] regs = registersAtExit(
                lddwFunc(R8, 3),       // 0-1: address of 4
                mov64X(R6, R10),
                callx(R8),
                exit(),
                mov64X(R0, R10),       // 4: f returns its r10
                exit());
        assertThat(regs[R0]).isNotEqualTo(regs[R6]);
        assertThat(regs[R10]).isEqualTo(regs[R6]);
    }

    @Test
    void callxToAHelperId() {
        int[] pc = new int[1];
        BpfRuntime rt = BpfRuntime.builder().helper(777, "double", (r1, r2, r3, r4, r5, ctx) -> {
            pc[0] = ctx.pc();
            return r1 * 2;
        }).build();
        long r0 = rt.load(program(mov64(R8, 777), mov64(R1, 21), callx(R8), exit())).run(new byte[0]);
        assertThat(r0).isEqualTo(42);
        assertThat(pc[0]).isEqualTo(2);
    }

    @Test
    void callxToNeitherFaults() {
        ProgramFault fault = fault(ProgramFault.class, new byte[0], mov64(R8, 123_456), callx(R8), exit());
        assertThat(fault.pc()).isEqualTo(1);
        assertThat(fault).hasMessageContaining("instruction 1").hasMessageContaining("123456");
        ProgramFault negative = fault(ProgramFault.class, new byte[0], mov64(R8, -1), callx(R8), exit());
        assertThat(negative.pc()).isEqualTo(1);
    }

    @Test
    void callxToACodeAddressThatIsNotAnInstructionFaults() {
        // the loader only makes valid code addresses; arithmetic on them can make invalid ones
        ProgramFault secondHalf = fault(ProgramFault.class, new byte[0],
                lddwFunc(R8, 1),       // 0-1: address of 2, a lddw
                lddw(R0, 7),           // 2-3
                add64(R8, 1),          // 4: now the address of 3, the lddw's second slot
                callx(R8),             // 5
                exit());
        assertThat(secondHalf.pc()).isEqualTo(5);
        assertThat(secondHalf).hasMessageContaining("instruction 5").hasMessageContaining("not an instruction");
        ProgramFault pastTheEnd = fault(ProgramFault.class, new byte[0], lddwFunc(R8, 2), add64(R8, 100), callx(R8),
                exit());
        assertThat(pastTheEnd.pc()).isEqualTo(3);
        ProgramFault negative = fault(ProgramFault.class, new byte[0], lddwFunc(R8, 2), add64(R8, -10), callx(R8),
                exit());
        assertThat(negative.pc()).isEqualTo(3);
    }

    @Test
    void callxCountsTowardsTheFrameLimit() {
        // f: r1 -= 1; if r1 == 0 exit; callx r8 -- recursion through a code address
        Object[] parts = {
            lddwFunc(R8, 4),           // 0-1: address of 5
            mov64(R1, 7),              // depth 7 calls: main + 7 = 8 frames
            callx(R8),
            exit(),
            alu64(SUB, R1, 1),         // 5
            jmp(JEQ, R1, 0, 2),
            callx(R8),                 // 7
            add64(R0, 1),
            exit()};
        assertThat(run(parts)).isEqualTo(6); // frames 1-6 each add 1 on the way back
        parts[1] = mov64(R1, 8); // parts[1] is slot 2
        ProgramFault fault = fault(ProgramFault.class, new byte[0], parts);
        assertThat(fault.pc()).isEqualTo(7);
    }
}
