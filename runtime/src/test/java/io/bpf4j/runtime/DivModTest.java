package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Division and modulo, unsigned (offset 0) and signed (offset 1), in 32 and 64 bits: by zero,
 * overflow (MIN / -1), truncation toward zero, sign of the remainder, sign-extended immediates.
 */
class DivModTest {
    private static final int UNSIGNED = 0;
    private static final int SIGNED = 1;
    private static final int INT_MIN = Integer.MIN_VALUE;

    // ------------------------------------------------------------ 64-bit unsigned

    @Test
    void unsignedDivide64() {
        assertThat(evalK(ALU64 | DIV | K, UNSIGNED, 100, 7)).isEqualTo(14);
        assertThat(evalX(ALU64 | DIV | X, UNSIGNED, 100, 7)).isEqualTo(14);
        assertThat(evalK(ALU64 | DIV | K, UNSIGNED, -1, 2)).isEqualTo(Long.MAX_VALUE); // dividend is unsigned
        assertThat(evalX(ALU64 | DIV | X, UNSIGNED, Long.MIN_VALUE, -1)).isZero();     // divisor is unsigned
        assertThat(evalX(ALU64 | DIV | X, UNSIGNED, -1, Long.MIN_VALUE)).isEqualTo(1);
        assertThat(evalX(ALU64 | DIV | X, UNSIGNED, 0x10_0000_0000L, 0x1_0000_0000L)).isEqualTo(16); // divisor's low half is 0
    }

    @Test
    void unsignedDivide64ByImmediateSignExtendsItFirst() {
        // imm -1 is 0xffffffffffffffff, not 0xffffffff
        assertThat(evalK(ALU64 | DIV | K, UNSIGNED, 0xffff_ffff_ffff_fffeL, -1)).isZero();
        assertThat(evalK(ALU64 | DIV | K, UNSIGNED, -1, -1)).isEqualTo(1);
        assertThat(evalK(ALU64 | DIV | K, UNSIGNED, 0xffff_ffffL, -1)).isZero();
        // imm 0x80000000 is 0xffffffff80000000
        assertThat(evalK(ALU64 | DIV | K, UNSIGNED, -1, INT_MIN)).isEqualTo(1);
        assertThat(evalK(ALU64 | DIV | K, UNSIGNED, 0x8000_0000L, INT_MIN)).isZero();
    }

    @Test
    void unsignedDivide64ByZeroGivesZero() {
        assertThat(evalK(ALU64 | DIV | K, UNSIGNED, 12345, 0)).isZero();
        assertThat(evalX(ALU64 | DIV | X, UNSIGNED, -1, 0)).isZero();
    }

    @Test
    void unsignedModulo64() {
        assertThat(evalK(ALU64 | MOD | K, UNSIGNED, 100, 7)).isEqualTo(2);
        assertThat(evalX(ALU64 | MOD | X, UNSIGNED, 100, 7)).isEqualTo(2);
        assertThat(evalK(ALU64 | MOD | K, UNSIGNED, -1, 10)).isEqualTo(5); // 18446744073709551615 % 10
        assertThat(evalK(ALU64 | MOD | K, UNSIGNED, 5, -1)).isEqualTo(5);  // divisor 2^64-1
        assertThat(evalK(ALU64 | MOD | K, UNSIGNED, -1, -1)).isZero();
        assertThat(evalX(ALU64 | MOD | X, UNSIGNED, 0x1_0000_0005L, 0x1_0000_0000L)).isEqualTo(5);
    }

    @Test
    void unsignedModulo64ByZeroLeavesTheDestination() {
        assertThat(evalK(ALU64 | MOD | K, UNSIGNED, 0xdead_beef_1234_5678L, 0)).isEqualTo(0xdead_beef_1234_5678L);
        assertThat(evalX(ALU64 | MOD | X, UNSIGNED, -7, 0)).isEqualTo(-7);
    }

    // ------------------------------------------------------------ 64-bit signed

    @Test
    void signedDivide64TruncatesTowardZero() {
        assertThat(evalK(ALU64 | DIV | K, SIGNED, -7, 2)).isEqualTo(-3);
        assertThat(evalK(ALU64 | DIV | K, SIGNED, 7, -2)).isEqualTo(-3);
        assertThat(evalK(ALU64 | DIV | K, SIGNED, -7, -2)).isEqualTo(3);
        assertThat(evalX(ALU64 | DIV | X, SIGNED, -7, 2)).isEqualTo(-3);
        assertThat(evalX(ALU64 | DIV | X, SIGNED, 7, -2)).isEqualTo(-3);
        assertThat(evalX(ALU64 | DIV | X, SIGNED, -7, -2)).isEqualTo(3);
        assertThat(evalK(ALU64 | DIV | K, SIGNED, 10, -1)).isEqualTo(-10);
        assertThat(evalX(ALU64 | DIV | X, SIGNED, -1, Long.MIN_VALUE)).isZero();
        assertThat(evalX(ALU64 | DIV | X, SIGNED, Long.MIN_VALUE, 2)).isEqualTo(0xc000_0000_0000_0000L);
    }

    @Test
    void signedDivide64Overflow() {
        assertThat(evalK(ALU64 | DIV | K, SIGNED, Long.MIN_VALUE, -1)).isEqualTo(Long.MIN_VALUE);
        assertThat(evalX(ALU64 | DIV | X, SIGNED, Long.MIN_VALUE, -1)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void signedDivide64ByZeroGivesZero() {
        assertThat(evalK(ALU64 | DIV | K, SIGNED, -5, 0)).isZero();
        assertThat(evalX(ALU64 | DIV | X, SIGNED, Long.MIN_VALUE, 0)).isZero();
    }

    @Test
    void signedModulo64FollowsTheDividendsSign() {
        assertThat(evalK(ALU64 | MOD | K, SIGNED, -7, 2)).isEqualTo(-1);
        assertThat(evalK(ALU64 | MOD | K, SIGNED, 7, -2)).isEqualTo(1);
        assertThat(evalK(ALU64 | MOD | K, SIGNED, -7, -2)).isEqualTo(-1);
        assertThat(evalX(ALU64 | MOD | X, SIGNED, -7, 2)).isEqualTo(-1);
        assertThat(evalX(ALU64 | MOD | X, SIGNED, 7, -2)).isEqualTo(1);
        assertThat(evalX(ALU64 | MOD | X, SIGNED, -7, -2)).isEqualTo(-1);
        assertThat(evalX(ALU64 | MOD | X, SIGNED, Long.MIN_VALUE, Long.MAX_VALUE)).isEqualTo(-1);
    }

    @Test
    void signedModulo64OverflowAndZero() {
        assertThat(evalK(ALU64 | MOD | K, SIGNED, Long.MIN_VALUE, -1)).isZero();
        assertThat(evalX(ALU64 | MOD | X, SIGNED, Long.MIN_VALUE, -1)).isZero();
        assertThat(evalK(ALU64 | MOD | K, SIGNED, -7, 0)).isEqualTo(-7);
        assertThat(evalX(ALU64 | MOD | X, SIGNED, 0xdead_beef_1234_5678L, 0)).isEqualTo(0xdead_beef_1234_5678L);
    }

    // ------------------------------------------------------------ 32-bit unsigned

    @Test
    void unsignedDivide32UsesLowHalves() {
        assertThat(evalK(ALU | DIV | K, UNSIGNED, 0xffff_ffff_0000_0064L, 7)).isEqualTo(14);
        assertThat(evalK(ALU | DIV | K, UNSIGNED, 0xffff_ffffL, 2)).isEqualTo(0x7fff_ffffL);
        assertThat(evalK(ALU | DIV | K, UNSIGNED, 0xffff_fffeL, -1)).isZero(); // imm is 0xffffffff
        assertThat(evalK(ALU | DIV | K, UNSIGNED, 0xffff_ffffL, -1)).isEqualTo(1);
        assertThat(evalK(ALU | DIV | K, UNSIGNED, -1, INT_MIN)).isEqualTo(1);
        assertThat(evalX(ALU | DIV | X, UNSIGNED, 0xffff_ffff_0000_0064L, 0x1234_0000_0000_0007L)).isEqualTo(14);
        assertThat(evalX(ALU | DIV | X, UNSIGNED, 0x8000_0000L, 0xffff_ffffL)).isZero();
    }

    @Test
    void unsignedDivide32ByZeroGivesZero() {
        assertThat(evalK(ALU | DIV | K, UNSIGNED, 0xdead_beef_1234_5678L, 0)).isZero();
        assertThat(evalX(ALU | DIV | X, UNSIGNED, 0xdead_beef_1234_5678L, 0)).isZero();
        // the divisor's low half is zero: that is a division by zero in 32 bits
        assertThat(evalX(ALU | DIV | X, UNSIGNED, 100, 0x1_0000_0000L)).isZero();
    }

    @Test
    void unsignedModulo32() {
        assertThat(evalK(ALU | MOD | K, UNSIGNED, 0xffff_ffff_0000_0064L, 7)).isEqualTo(2);
        assertThat(evalK(ALU | MOD | K, UNSIGNED, 0xffff_ffffL, 10)).isEqualTo(5);   // 4294967295 % 10
        assertThat(evalK(ALU | MOD | K, UNSIGNED, 0xffff_fffeL, -1)).isEqualTo(0xffff_fffeL);
        assertThat(evalX(ALU | MOD | X, UNSIGNED, 0x8000_0005L, 0x1_8000_0000L)).isEqualTo(5);
    }

    @Test
    void unsignedModulo32ByZeroKeepsTheLowHalfZeroExtended() {
        assertThat(evalK(ALU | MOD | K, UNSIGNED, 0xdead_beef_1234_5678L, 0)).isEqualTo(0x1234_5678L);
        assertThat(evalX(ALU | MOD | X, UNSIGNED, 0xdead_beef_8765_4321L, 0)).isEqualTo(0x8765_4321L);
        assertThat(evalX(ALU | MOD | X, UNSIGNED, 0xdead_beef_8765_4321L, 0x5_0000_0000L)).isEqualTo(0x8765_4321L);
    }

    // ------------------------------------------------------------ 32-bit signed

    @Test
    void signedDivide32() {
        assertThat(evalK(ALU | DIV | K, SIGNED, -7, 2)).isEqualTo(0xffff_fffdL);
        assertThat(evalK(ALU | DIV | K, SIGNED, 0xffff_fff9L, 2)).isEqualTo(0xffff_fffdL); // low half is -7
        assertThat(evalK(ALU | DIV | K, SIGNED, 7, -2)).isEqualTo(0xffff_fffdL);
        assertThat(evalK(ALU | DIV | K, SIGNED, -7, -2)).isEqualTo(3);
        assertThat(evalX(ALU | DIV | X, SIGNED, 0x1234_5678_ffff_fff9L, 0x0000_0001_0000_0002L)).isEqualTo(0xffff_fffdL);
        assertThat(evalX(ALU | DIV | X, SIGNED, 7, 0xffff_fffeL)).isEqualTo(0xffff_fffdL); // divisor -2 in 32 bits
        assertThat(evalX(ALU | DIV | X, SIGNED, 0x7fff_ffffL, 0x8000_0000L)).isZero();
    }

    @Test
    void signedDivide32OverflowAndZero() {
        assertThat(evalK(ALU | DIV | K, SIGNED, 0x8000_0000L, -1)).isEqualTo(0x8000_0000L);
        assertThat(evalX(ALU | DIV | X, SIGNED, 0xffff_ffff_8000_0000L, 0xffff_ffffL)).isEqualTo(0x8000_0000L);
        assertThat(evalK(ALU | DIV | K, SIGNED, 0xdead_beef_1234_5678L, 0)).isZero();
        assertThat(evalX(ALU | DIV | X, SIGNED, -1, 0x7_0000_0000L)).isZero();
    }

    @Test
    void signedModulo32() {
        assertThat(evalK(ALU | MOD | K, SIGNED, -7, 2)).isEqualTo(0xffff_ffffL);
        assertThat(evalK(ALU | MOD | K, SIGNED, 7, -2)).isEqualTo(1);
        assertThat(evalK(ALU | MOD | K, SIGNED, -7, -2)).isEqualTo(0xffff_ffffL);
        assertThat(evalX(ALU | MOD | X, SIGNED, 0x0000_0000_ffff_fff9L, 0xffff_ffff_0000_0002L)).isEqualTo(0xffff_ffffL);
        assertThat(evalX(ALU | MOD | X, SIGNED, 0x8000_0000L, 0x7fff_ffffL)).isEqualTo(0xffff_ffffL);
    }

    @Test
    void signedModulo32OverflowAndZero() {
        assertThat(evalK(ALU | MOD | K, SIGNED, 0x8000_0000L, -1)).isZero();
        assertThat(evalX(ALU | MOD | X, SIGNED, 0x8000_0000L, -1)).isZero();
        assertThat(evalK(ALU | MOD | K, SIGNED, 0xdead_beef_ffff_fff9L, 0)).isEqualTo(0xffff_fff9L);
        assertThat(evalX(ALU | MOD | X, SIGNED, 0xdead_beef_ffff_fff9L, 0x1_0000_0000L)).isEqualTo(0xffff_fff9L);
    }
}
