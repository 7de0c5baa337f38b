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
 * 32-bit arithmetic (class ALU): operands are the low 32 bits, and every result is zero-extended
 * to 64 bits, whatever the upper half of the destination held before.
 */
class Alu32Test {
    /** Upper half set, low half 0x00000006: an ALU32 result must never keep 0xdeadbeef. */
    private static final long DIRTY = 0xdead_beef_0000_0006L;

    @Test
    void add() {
        assertThat(evalK(ALU | ADD | K, DIRTY, 1)).isEqualTo(7);
        assertThat(evalK(ALU | ADD | K, 0xdead_beef_ffff_ffffL, 1)).isZero(); // no carry into bit 32
        assertThat(evalK(ALU | ADD | K, 0x7fff_ffffL, 1)).isEqualTo(0x8000_0000L);
        assertThat(evalK(ALU | ADD | K, 0, -1)).isEqualTo(0xffff_ffffL);
        assertThat(evalX(ALU | ADD | X, DIRTY, 0x0000_0001_0000_0005L)).isEqualTo(11); // src upper half ignored
        assertThat(evalX(ALU | ADD | X, 0xffff_ffffL, 0xffff_ffffL)).isEqualTo(0xffff_fffeL);
    }

    @Test
    void subtract() {
        assertThat(evalK(ALU | SUB | K, 0, 1)).isEqualTo(0xffff_ffffL);
        assertThat(evalK(ALU | SUB | K, DIRTY, 6)).isZero();
        assertThat(evalK(ALU | SUB | K, 0x8000_0000L, 1)).isEqualTo(0x7fff_ffffL);
        assertThat(evalX(ALU | SUB | X, 0x1_0000_0000L, 1)).isEqualTo(0xffff_ffffL); // dst low half is 0
        assertThat(evalX(ALU | SUB | X, DIRTY, 0xffff_ffff_0000_0007L)).isEqualTo(0xffff_ffffL);
    }

    @Test
    void multiply() {
        assertThat(evalK(ALU | MUL | K, 0x1_0000L, 0x1_0000)).isZero();
        assertThat(evalK(ALU | MUL | K, 0xffff_ffff_0000_0003L, -1)).isEqualTo(0xffff_fffdL);
        assertThat(evalK(ALU | MUL | K, DIRTY, 7)).isEqualTo(42);
        assertThat(evalX(ALU | MUL | X, 0xffff_ffffL, 0xffff_ffffL)).isEqualTo(1);
        assertThat(evalX(ALU | MUL | X, 0x1234_5678L, 0x1_0000_0010L)).isEqualTo(0x2345_6780L);
    }

    @Test
    void bitwise() {
        assertThat(evalK(ALU | OR | K, 0xaaaa_aaaa_0000_0000L, Integer.MIN_VALUE)).isEqualTo(0x8000_0000L);
        assertThat(evalK(ALU | OR | K, DIRTY, 0x10)).isEqualTo(0x16);
        assertThat(evalX(ALU | OR | X, 0x1_0000_0001L, 0x2_0000_0002L)).isEqualTo(3);
        assertThat(evalK(ALU | AND | K, -1, -1)).isEqualTo(0xffff_ffffL);
        assertThat(evalK(ALU | AND | K, DIRTY, 0x4)).isEqualTo(4);
        assertThat(evalX(ALU | AND | X, -1, 0x0f0f_0f0f_f0f0_f0f0L)).isEqualTo(0xf0f0_f0f0L);
        assertThat(evalK(ALU | XOR | K, -1, 0x0f0f_0f0f)).isEqualTo(0xf0f0_f0f0L);
        assertThat(evalX(ALU | XOR | X, DIRTY, 0xffff_ffff_0000_0006L)).isZero();
    }

    @Test
    void negate() {
        assertThat(evalK(ALU | NEG | K, 1, 0)).isEqualTo(0xffff_ffffL);
        assertThat(evalK(ALU | NEG | K, 0x8000_0000L, 0)).isEqualTo(0x8000_0000L);
        assertThat(evalK(ALU | NEG | K, DIRTY, 0)).isEqualTo(0xffff_fffaL);
        assertThat(evalK(ALU | NEG | K, 0x1_0000_0000L, 0)).isZero();
    }

    @Test
    void moveImmediateIsZeroExtended() {
        assertThat(evalK(ALU | MOV | K, DIRTY, -1)).isEqualTo(0xffff_ffffL);
        assertThat(evalK(ALU | MOV | K, DIRTY, Integer.MIN_VALUE)).isEqualTo(0x8000_0000L);
        assertThat(evalK(ALU | MOV | K, DIRTY, 5)).isEqualTo(5);
    }

    @Test
    void moveRegisterKeepsOnlyTheLowHalf() {
        assertThat(evalX(ALU | MOV | X, DIRTY, 0x1234_5678_9abc_def0L)).isEqualTo(0x9abc_def0L);
        assertThat(evalX(ALU | MOV | X, DIRTY, -1)).isEqualTo(0xffff_ffffL);
        // w1 = w1 clears the upper half of r1 itself
        assertThat(run(lddw(R1, 0xffff_ffff_8000_0001L), alu32X(MOV, R1, R1), mov64X(R0, R1), exit()))
                .isEqualTo(0x8000_0001L);
    }

    static Stream<Arguments> everyAlu32Operation() {
        // opcode, offset, imm (K) or src value (X), expected low half for DIRTY (…_00000006)
        return Stream.of(
                Arguments.of("add", ALU | ADD | K, 0, 1L, 7L),
                Arguments.of("add x", ALU | ADD | X, 0, 1L, 7L),
                Arguments.of("sub", ALU | SUB | K, 0, 1L, 5L),
                Arguments.of("sub x", ALU | SUB | X, 0, 1L, 5L),
                Arguments.of("mul", ALU | MUL | K, 0, 3L, 18L),
                Arguments.of("mul x", ALU | MUL | X, 0, 3L, 18L),
                Arguments.of("div", ALU | DIV | K, 0, 4L, 1L),
                Arguments.of("div x", ALU | DIV | X, 0, 4L, 1L),
                Arguments.of("sdiv", ALU | DIV | K, 1, 4L, 1L),
                Arguments.of("sdiv x", ALU | DIV | X, 1, 4L, 1L),
                Arguments.of("div by 0", ALU | DIV | X, 0, 0L, 0L),
                Arguments.of("mod", ALU | MOD | K, 0, 4L, 2L),
                Arguments.of("mod x", ALU | MOD | X, 0, 4L, 2L),
                Arguments.of("smod", ALU | MOD | K, 1, 4L, 2L),
                Arguments.of("smod x", ALU | MOD | X, 1, 4L, 2L),
                Arguments.of("mod by 0", ALU | MOD | X, 0, 0L, 6L),
                Arguments.of("smod by 0", ALU | MOD | K, 1, 0L, 6L),
                Arguments.of("or", ALU | OR | K, 0, 1L, 7L),
                Arguments.of("or x", ALU | OR | X, 0, 1L, 7L),
                Arguments.of("and", ALU | AND | K, 0, -1L, 6L),
                Arguments.of("and x", ALU | AND | X, 0, -1L, 6L),
                Arguments.of("xor", ALU | XOR | K, 0, 3L, 5L),
                Arguments.of("xor x", ALU | XOR | X, 0, 3L, 5L),
                Arguments.of("lsh", ALU | LSH | K, 0, 1L, 12L),
                Arguments.of("lsh x", ALU | LSH | X, 0, 1L, 12L),
                Arguments.of("lsh 0", ALU | LSH | K, 0, 0L, 6L),
                Arguments.of("rsh", ALU | RSH | K, 0, 1L, 3L),
                Arguments.of("rsh x", ALU | RSH | X, 0, 1L, 3L),
                Arguments.of("rsh 0", ALU | RSH | X, 0, 0L, 6L),
                Arguments.of("arsh", ALU | ARSH | K, 0, 1L, 3L),
                Arguments.of("arsh x", ALU | ARSH | X, 0, 1L, 3L),
                Arguments.of("arsh 0", ALU | ARSH | K, 0, 0L, 6L),
                Arguments.of("neg", ALU | NEG | K, 0, 0L, 0xffff_fffaL),
                Arguments.of("mov", ALU | MOV | K, 0, 9L, 9L),
                Arguments.of("mov x", ALU | MOV | X, 0, 9L, 9L),
                Arguments.of("movsx8", ALU | MOV | X, 8, 0x7fL, 0x7fL),
                Arguments.of("movsx16", ALU | MOV | X, 16, 0x7fffL, 0x7fffL),
                Arguments.of("le16", ALU | END | K, 0, 16L, 6L),
                Arguments.of("le32", ALU | END | K, 0, 32L, 6L),
                Arguments.of("be16", ALU | END | X, 0, 16L, 0x0600L),
                Arguments.of("be32", ALU | END | X, 0, 32L, 0x0600_0000L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyAlu32Operation")
    void everyResultIsZeroExtended(String name, int opcode, int offset, long operand, long expected) {
        boolean register = source(opcode) == X && operation(opcode) != END;
        long result = register
                ? evalX(opcode, offset, DIRTY, 0xffff_0000_0000_0000L | operand & 0xffff_ffffL)
                : evalK(opcode, offset, DIRTY, (int) operand);
        assertThat(result).as(name).isEqualTo(expected);
    }
}
