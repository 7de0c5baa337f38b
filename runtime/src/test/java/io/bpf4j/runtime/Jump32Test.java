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
 * 32-bit jumps (class JMP32): conditions compare only the low halves, taken and not taken, K and
 * X, at 0x80000000, 0xffffffff and with upper halves chosen so that a 64-bit compare would give
 * the other answer; and {@code gotol} (JMP32|JA, offset in imm) forward and backward.
 */
class Jump32Test {
    private static final long INT_MIN = 0x8000_0000L;
    private static final long INT_MAX = 0x7fff_ffffL;
    private static final long U32_MAX = 0xffff_ffffL;

    static Stream<Arguments> cases() {
        return Stream.of(
                // operation, a, b (low half is the operand; K uses (int) b), taken
                Arguments.of("jeq", JEQ, 0x1_0000_0005L, 5L, true),
                Arguments.of("jeq", JEQ, 5L, 0x1_0000_0006L, false),
                Arguments.of("jeq", JEQ, U32_MAX, -1L, true),
                Arguments.of("jeq", JEQ, 0xffff_ffff_0000_0000L, 0L, true),
                Arguments.of("jne", JNE, 0x1_0000_0005L, 5L, false),
                Arguments.of("jne", JNE, 5L, 6L, true),
                Arguments.of("jne", JNE, U32_MAX, -1L, false),
                Arguments.of("jgt", JGT, INT_MIN, INT_MAX, true),         // unsigned
                Arguments.of("jgt", JGT, 0x1_0000_0000L, 1L, false),      // 64-bit compare would jump
                Arguments.of("jgt", JGT, U32_MAX, -1L, false),
                Arguments.of("jgt", JGT, U32_MAX, 0xffff_fffeL, true),
                Arguments.of("jgt", JGT, 2L, 0x1_0000_0001L, true),       // 64-bit compare would not
                Arguments.of("jge", JGE, U32_MAX, -1L, true),
                Arguments.of("jge", JGE, 0x1_0000_0000L, 1L, false),
                Arguments.of("jge", JGE, INT_MIN, INT_MIN, true),
                Arguments.of("jge", JGE, INT_MAX, INT_MIN, false),
                Arguments.of("jlt", JLT, INT_MAX, INT_MIN, true),
                Arguments.of("jlt", JLT, INT_MIN, INT_MAX, false),
                Arguments.of("jlt", JLT, 0x1_0000_0000L, 1L, true),       // 64-bit compare would not
                Arguments.of("jlt", JLT, 5L, 5L, false),
                Arguments.of("jle", JLE, 5L, 5L, true),
                Arguments.of("jle", JLE, U32_MAX, 0xffff_fffeL, false),
                Arguments.of("jle", JLE, 0xffff_ffff_0000_0001L, 1L, true),
                Arguments.of("jle", JLE, 2L, 0x1_0000_0001L, false),
                Arguments.of("jset", JSET, 0x1_0000_0000L, 0x1_0000_0000L, false), // only bit 32 in common
                Arguments.of("jset", JSET, 0xffff_ffff_0000_0000L, -1L, false),    // K: imm -1 must not reach the upper half
                Arguments.of("jset", JSET, INT_MIN, INT_MIN, true),
                Arguments.of("jset", JSET, 0xffff_ffff_0000_00f0L, 0x0fL, false),
                Arguments.of("jset", JSET, 0xffff_ffff_0000_00f0L, 0x10L, true),
                Arguments.of("jsgt", JSGT, INT_MIN, 1L, false),           // -2^31 > 1 is false
                Arguments.of("jsgt", JSGT, 0xffff_ffff_0000_0001L, U32_MAX, true), // 1 > -1
                Arguments.of("jsgt", JSGT, INT_MAX, INT_MIN, true),
                Arguments.of("jsgt", JSGT, 0x1_0000_0000L, 0xffff_ffffL, true), // 0 > -1
                Arguments.of("jsgt", JSGT, 3L, 3L, false),
                Arguments.of("jsge", JSGE, INT_MIN, INT_MIN, true),
                Arguments.of("jsge", JSGE, INT_MIN, INT_MAX, false),
                Arguments.of("jsge", JSGE, 0L, U32_MAX, true),
                Arguments.of("jsge", JSGE, U32_MAX, 0L, false),           // -1 >= 0 is false (64-bit would jump)
                Arguments.of("jslt", JSLT, INT_MIN, 0L, true),
                Arguments.of("jslt", JSLT, INT_MAX, INT_MIN, false),
                Arguments.of("jslt", JSLT, U32_MAX, 0x1_0000_0000L, true), // -1 < 0
                Arguments.of("jslt", JSLT, 0L, 0L, false),
                Arguments.of("jsle", JSLE, U32_MAX, U32_MAX, true),
                Arguments.of("jsle", JSLE, 0L, U32_MAX, false),
                Arguments.of("jsle", JSLE, INT_MIN, INT_MAX, true),
                Arguments.of("jsle", JSLE, 0xffff_ffff_0000_0001L, 0x0000_0001_0000_0000L, false));
    }

    @ParameterizedTest(name = "{0} 0x{2} 0x{3} -> {4}")
    @MethodSource("cases")
    void conditionWithRegister(String name, int op, long a, long b, boolean taken) {
        assertThat(takenX(JMP32 | op | X, a, b)).as("%s32 %x, %x", name, a, b).isEqualTo(taken);
    }

    @ParameterizedTest(name = "{0} 0x{2} 0x{3} -> {4}")
    @MethodSource("cases")
    void conditionWithImmediate(String name, int op, long a, long b, boolean taken) {
        // the immediate is 32 bits: (int) b is exactly the low half of b
        assertThat(takenK(JMP32 | op | K, a, (int) b)).as("%s32 %x, %d", name, a, (int) b).isEqualTo(taken);
    }

    @Test
    void everyConditionHasTakenAndNotTakenCases() {
        for (int op : new int[] {JEQ, JNE, JGT, JGE, JLT, JLE, JSET, JSGT, JSGE, JSLT, JSLE}) {
            assertThat(cases().filter(c -> (int) c.get()[1] == op).map(c -> c.get()[4]).distinct().count())
                    .as("op 0x%x", op).isEqualTo(2);
        }
    }

    @Test
    void gotolForward() {
        assertThat(run(mov64(R0, 1), gotol(2), mov64(R0, 2), exit(), add64(R0, 40), exit())).isEqualTo(41);
        assertThat(run(mov64(R0, 1), gotol(0), add64(R0, 1), exit())).isEqualTo(2);
    }

    @Test
    void gotolBackward() {
        long r0 = run(
                mov64(R0, 0),
                mov64(R1, 4),
                jmp(JEQ, R1, 0, 3),  // 2: loop head
                alu64(ADD, R0, 3),
                alu64(SUB, R1, 1),
                gotol(-4),           // to 2
                exit());
        assertThat(r0).isEqualTo(12);
    }

    @Test
    void gotolFartherThanA16BitOffset() {
        int filler = 40_000; // beyond Short.MAX_VALUE
        Object[] parts = new Object[filler + 4];
        parts[0] = mov64(R0, 7);
        parts[1] = gotol(filler);
        for (int i = 0; i < filler; i++) {
            parts[2 + i] = mov64(R0, 0);
        }
        parts[filler + 2] = add64(R0, 1);
        parts[filler + 3] = exit();
        assertThat(run(parts)).isEqualTo(8);
    }

    @Test
    void jump32OffsetIsTheSixteenBitFieldNotImm() {
        // jeq32 r1, 5, +1 with imm 5: offset from the offset field
        assertThat(run(mov64(R0, 1), mov64(R1, 5), jmp32(JEQ, R1, 5, 1), mov64(R0, 2), exit())).isEqualTo(1);
    }
}
