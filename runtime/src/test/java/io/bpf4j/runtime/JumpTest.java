package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 64-bit jumps (class JMP): every condition taken and not taken, with X and (where the right
 * operand fits a sign-extended 32-bit immediate) K sources, at signed/unsigned edge values; and
 * {@code ja} forward, backward and by zero.
 */
class JumpTest {
    private static final long MIN = Long.MIN_VALUE;
    private static final long MAX = Long.MAX_VALUE;

    static Stream<Arguments> cases() {
        return Stream.of(
                // operation, a, b, taken
                Arguments.of("jeq", JEQ, 5L, 5L, true),
                Arguments.of("jeq", JEQ, 5L, 6L, false),
                Arguments.of("jeq", JEQ, -1L, -1L, true),                 // K: imm -1 is sign-extended
                Arguments.of("jeq", JEQ, 0xffff_ffffL, -1L, false),       // ... so it is not 0xffffffff
                Arguments.of("jeq", JEQ, 0xffff_ffff_8000_0000L, (long) Integer.MIN_VALUE, true),
                Arguments.of("jeq", JEQ, 0x8000_0000L, (long) Integer.MIN_VALUE, false),
                Arguments.of("jeq", JEQ, 0x1_0000_0005L, 5L, false),      // upper half compared
                Arguments.of("jne", JNE, 5L, 6L, true),
                Arguments.of("jne", JNE, 5L, 5L, false),
                Arguments.of("jne", JNE, 0xffff_ffffL, -1L, true),
                Arguments.of("jne", JNE, -1L, -1L, false),
                Arguments.of("jne", JNE, 0x1_0000_0005L, 5L, true),
                Arguments.of("jgt", JGT, 2L, 1L, true),
                Arguments.of("jgt", JGT, 1L, 1L, false),
                Arguments.of("jgt", JGT, 1L, 2L, false),
                Arguments.of("jgt", JGT, -1L, 1L, true),                  // unsigned: 2^64-1 > 1
                Arguments.of("jgt", JGT, 1L, -1L, false),
                Arguments.of("jgt", JGT, MIN, MAX, true),
                Arguments.of("jgt", JGT, 0xffff_ffffL, (long) Integer.MIN_VALUE, false), // imm is 0xffffffff80000000
                Arguments.of("jgt", JGT, 0x1_0000_0000L, 0xffff_ffffL, true),
                Arguments.of("jge", JGE, 1L, 1L, true),
                Arguments.of("jge", JGE, 0L, 1L, false),
                Arguments.of("jge", JGE, MIN, MAX, true),
                Arguments.of("jge", JGE, -1L, -1L, true),
                Arguments.of("jge", JGE, 0x7fff_ffffL, -1L, false),
                Arguments.of("jlt", JLT, 1L, -1L, true),
                Arguments.of("jlt", JLT, -1L, 1L, false),
                Arguments.of("jlt", JLT, 1L, 1L, false),
                Arguments.of("jlt", JLT, MAX, MIN, true),
                Arguments.of("jlt", JLT, 0L, 1L, true),
                Arguments.of("jle", JLE, 1L, 1L, true),
                Arguments.of("jle", JLE, MIN, MAX, false),
                Arguments.of("jle", JLE, 2L, 1L, false),
                Arguments.of("jle", JLE, 0xffff_ffffL, -1L, true),
                Arguments.of("jset", JSET, 0x1_0000_0000L, 0x1_0000_0000L, true),
                Arguments.of("jset", JSET, 0x1_0000_0000L, 0xffff_ffffL, false),
                Arguments.of("jset", JSET, MIN, (long) Integer.MIN_VALUE, true), // sign-extended imm reaches bit 63
                Arguments.of("jset", JSET, 6L, 1L, false),
                Arguments.of("jset", JSET, 6L, 2L, true),
                Arguments.of("jset", JSET, 0L, -1L, false),
                Arguments.of("jsgt", JSGT, 1L, -1L, true),
                Arguments.of("jsgt", JSGT, -1L, 1L, false),
                Arguments.of("jsgt", JSGT, 0L, -1L, true),
                Arguments.of("jsgt", JSGT, MAX, MIN, true),
                Arguments.of("jsgt", JSGT, MIN, MAX, false),
                Arguments.of("jsgt", JSGT, 5L, 5L, false),
                Arguments.of("jsgt", JSGT, 0x8000_0000L, (long) Integer.MAX_VALUE, true),  // 2^31 > 2^31-1 in 64 bits
                Arguments.of("jsge", JSGE, 5L, 5L, true),
                Arguments.of("jsge", JSGE, MIN, MAX, false),
                Arguments.of("jsge", JSGE, -1L, -2L, true),
                Arguments.of("jsge", JSGE, -2L, -1L, false),
                Arguments.of("jsge", JSGE, MIN, MIN, true),
                Arguments.of("jslt", JSLT, MIN, MAX, true),
                Arguments.of("jslt", JSLT, 0L, -1L, false),
                Arguments.of("jslt", JSLT, -1L, 0L, true),
                Arguments.of("jslt", JSLT, 5L, 5L, false),
                Arguments.of("jslt", JSLT, 0x8000_0000L, 0L, false),
                Arguments.of("jsle", JSLE, 5L, 5L, true),
                Arguments.of("jsle", JSLE, MAX, MIN, false),
                Arguments.of("jsle", JSLE, -1L, 0L, true),
                Arguments.of("jsle", JSLE, 0L, -1L, false),
                Arguments.of("jsle", JSLE, MIN, -1L, true));
    }

    @ParameterizedTest(name = "{0} 0x{2} 0x{3} -> {4}")
    @MethodSource("cases")
    void conditionWithRegister(String name, int op, long a, long b, boolean taken) {
        assertThat(takenX(JMP | op | X, a, b)).as("%s %x, %x", name, a, b).isEqualTo(taken);
    }

    @ParameterizedTest(name = "{0} 0x{2} 0x{3} -> {4}")
    @MethodSource("cases")
    void conditionWithImmediate(String name, int op, long a, long b, boolean taken) {
        if (b == (int) b) { // representable as a sign-extended immediate
            assertThat(takenK(JMP | op | K, a, (int) b)).as("%s %x, %d", name, a, (int) b).isEqualTo(taken);
        }
    }

    @Test
    void everyConditionHasTakenAndNotTakenImmediateCases() {
        for (int op : new int[] {JEQ, JNE, JGT, JGE, JLT, JLE, JSET, JSGT, JSGE, JSLT, JSLE}) {
            assertThat(cases().filter(c -> (int) c.get()[1] == op && (long) c.get()[3] == (int) (long) c.get()[3])
                    .map(c -> c.get()[4]).distinct().count()).as("op 0x%x", op).isEqualTo(2);
        }
    }

    @Test
    void jumpToTheNextInstructionIsANop() {
        assertThat(run(mov64(R0, 3), jmp(JEQ, R0, 3, 0), add64(R0, 1), exit())).isEqualTo(4);
        assertThat(run(mov64(R0, 3), ja(0), add64(R0, 1), exit())).isEqualTo(4);
    }

    @Test
    void unconditionalJumpForward() {
        assertThat(run(mov64(R0, 1), ja(2), mov64(R0, 2), exit(), add64(R0, 10), exit())).isEqualTo(11);
    }

    @Test
    void unconditionalJumpBackward() {
        // r0 = 0; r1 = 5; loop: r0 += r1; r1 -= 1; if r1 != 0 goto loop; exit
        long r0 = run(
                mov64(R0, 0),
                mov64(R1, 5),
                ja(1),
                ja(4),              // 3: leave the loop (to 8)
                alu64X(ADD, R0, R1), // 4
                alu64(SUB, R1, 1),
                jmp(JEQ, R1, 0, -4), // to 3
                ja(-4),             // to 4
                exit());
        assertThat(r0).isEqualTo(15);
    }

    @Test
    void conditionalJumpBackward() {
        long r0 = run(
                mov64(R0, 0),
                mov64(R1, 10),
                alu64(ADD, R0, 2),  // 2
                alu64(SUB, R1, 1),
                jmp(JNE, R1, 0, -3),
                exit());
        assertThat(r0).isEqualTo(20);
    }

    @Test
    void jumpOverLddwLandsAfterBothSlots() {
        assertThat(run(mov64(R0, 1), ja(2), lddw(R0, 99), exit())).isEqualTo(1);
        assertThat(run(mov64(R0, 1), jmp(JEQ, R0, 1, 2), lddw(R0, 99), exit())).isEqualTo(1);
        assertThat(run(mov64(R0, 1), jmp(JEQ, R0, 2, 2), lddw(R0, 99), exit())).isEqualTo(99);
    }

    @Test
    void comparingAgainstTheFramePointer() {
        // r1 = r10; if r1 == r10 goto +1; r0 = 0 ... must be taken
        assertThat(run(mov64(R0, 1), mov64X(R1, R10), jmpX(JEQ, R1, R10, 1), mov64(R0, 0), exit())).isEqualTo(1);
    }
}
