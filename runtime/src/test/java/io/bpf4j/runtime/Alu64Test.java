package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * 64-bit arithmetic (class ALU64) other than division, shifts, byte swaps and sign extension,
 * which have their own tests: K and X sources, immediates sign-extended to 64 bits, wrap-around.
 */
class Alu64Test {

    @Test
    void addImmediateIsSignExtendedAndWraps() {
        assertThat(evalK(ALU64 | ADD | K, 5, 3)).isEqualTo(8);
        assertThat(evalK(ALU64 | ADD | K, 5, -7)).isEqualTo(-2);
        assertThat(evalK(ALU64 | ADD | K, 0, Integer.MIN_VALUE)).isEqualTo(0xffff_ffff_8000_0000L);
        assertThat(evalK(ALU64 | ADD | K, 0xffff_ffffL, 1)).isEqualTo(0x1_0000_0000L); // carries past 32 bits
        assertThat(evalK(ALU64 | ADD | K, Long.MAX_VALUE, 1)).isEqualTo(Long.MIN_VALUE);
        assertThat(evalK(ALU64 | ADD | K, -1, 1)).isEqualTo(0);
    }

    @Test
    void addRegister() {
        assertThat(evalX(ALU64 | ADD | X, 0xffff_ffffL, 1)).isEqualTo(0x1_0000_0000L);
        assertThat(evalX(ALU64 | ADD | X, 0x1234_5678_0000_0000L, 0x0000_0000_9abc_def0L)).isEqualTo(0x1234_5678_9abc_def0L);
        assertThat(evalX(ALU64 | ADD | X, Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(-2);
        assertThat(run(lddw(R0, 0x4000_0000_0000_0001L), alu64X(ADD, R0, R0), exit())).isEqualTo(0x8000_0000_0000_0002L);
    }

    @Test
    void subtract() {
        assertThat(evalK(ALU64 | SUB | K, 0, 1)).isEqualTo(-1);
        assertThat(evalK(ALU64 | SUB | K, 0x1_0000_0000L, 1)).isEqualTo(0xffff_ffffL);
        assertThat(evalK(ALU64 | SUB | K, 0, Integer.MIN_VALUE)).isEqualTo(0x8000_0000L);
        assertThat(evalK(ALU64 | SUB | K, 10, -5)).isEqualTo(15);
        assertThat(evalX(ALU64 | SUB | X, Long.MIN_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
        assertThat(evalX(ALU64 | SUB | X, 3, 5)).isEqualTo(-2);
        assertThat(evalX(ALU64 | SUB | X, 0x1_0000_0000L, 0xffff_ffffL)).isEqualTo(1);
    }

    @Test
    void multiply() {
        assertThat(evalK(ALU64 | MUL | K, 0x1_0000_0000L, 0x10)).isEqualTo(0x10_0000_0000L);
        assertThat(evalK(ALU64 | MUL | K, -3, 7)).isEqualTo(-21);
        assertThat(evalK(ALU64 | MUL | K, 5, -1)).isEqualTo(-5);
        assertThat(evalK(ALU64 | MUL | K, 0x8000_0000_0000_0001L, 2)).isEqualTo(2);
        assertThat(evalK(ALU64 | MUL | K, 0x1_0000_0000L, Integer.MIN_VALUE)).isEqualTo(0x8000_0000_0000_0000L);
        assertThat(evalX(ALU64 | MUL | X, 0xffff_ffffL, 0xffff_ffffL)).isEqualTo(0xffff_fffe_0000_0001L);
        assertThat(evalX(ALU64 | MUL | X, 0x1234_5678_9abc_def0L, 0x10L)).isEqualTo(0x2345_6789_abcd_ef00L);
        assertThat(evalX(ALU64 | MUL | X, -1, -1)).isEqualTo(1);
    }

    @Test
    void or() {
        assertThat(evalK(ALU64 | OR | K, 0x1234_0000_0000_0000L, 0x0f)).isEqualTo(0x1234_0000_0000_000fL);
        assertThat(evalK(ALU64 | OR | K, 0, -1)).isEqualTo(-1);
        assertThat(evalK(ALU64 | OR | K, 1, Integer.MIN_VALUE)).isEqualTo(0xffff_ffff_8000_0001L);
        assertThat(evalX(ALU64 | OR | X, 0xf0f0_0000_0000_0000L, 0x0000_0000_0f0fL)).isEqualTo(0xf0f0_0000_0000_0f0fL);
    }

    @Test
    void and() {
        assertThat(evalK(ALU64 | AND | K, -1, 0x7fff_ffff)).isEqualTo(0x7fff_ffffL);
        assertThat(evalK(ALU64 | AND | K, 0x0123_4567_89ab_cdefL, -16)).isEqualTo(0x0123_4567_89ab_cde0L);
        assertThat(evalK(ALU64 | AND | K, 0x0123_4567_89ab_cdefL, Integer.MIN_VALUE)).isEqualTo(0x0123_4567_8000_0000L);
        assertThat(evalX(ALU64 | AND | X, 0xff00_ff00_ff00_ff00L, 0x0ff0_0ff0_0ff0_0ff0L)).isEqualTo(0x0f00_0f00_0f00_0f00L);
    }

    @Test
    void xor() {
        assertThat(evalK(ALU64 | XOR | K, 0x0123_4567_89ab_cdefL, -1)).isEqualTo(~0x0123_4567_89ab_cdefL);
        assertThat(evalK(ALU64 | XOR | K, 0x0123_4567_89ab_cdefL, 0x0f0f)).isEqualTo(0x0123_4567_89ab_c2e0L);
        assertThat(evalX(ALU64 | XOR | X, 0xaaaa_aaaa_5555_5555L, 0xffff_0000_ffff_0000L)).isEqualTo(0x5555_aaaa_aaaa_5555L);
        assertThat(run(lddw(R0, 0x1234_5678_9abc_def0L), alu64X(XOR, R0, R0), exit())).isZero();
    }

    @Test
    void moveImmediateIsSignExtended() {
        assertThat(evalK(ALU64 | MOV | K, 0xdead_beef_dead_beefL, -1)).isEqualTo(-1);
        assertThat(evalK(ALU64 | MOV | K, 0xdead_beef_dead_beefL, 0x7fff_ffff)).isEqualTo(0x7fff_ffffL);
        assertThat(evalK(ALU64 | MOV | K, 0xdead_beef_dead_beefL, Integer.MIN_VALUE)).isEqualTo(0xffff_ffff_8000_0000L);
        assertThat(evalK(ALU64 | MOV | K, 0xdead_beef_dead_beefL, 0)).isZero();
    }

    @Test
    void moveRegisterCopiesAll64Bits() {
        assertThat(evalX(ALU64 | MOV | X, 0, 0x8123_4567_89ab_cdefL)).isEqualTo(0x8123_4567_89ab_cdefL);
        assertThat(evalX(ALU64 | MOV | X, -1, 0x0000_0000_8000_0000L)).isEqualTo(0x8000_0000L);
    }

    @Test
    void negate() {
        assertThat(evalK(ALU64 | NEG | K, 5, 0)).isEqualTo(-5);
        assertThat(evalK(ALU64 | NEG | K, -5, 0)).isEqualTo(5);
        assertThat(evalK(ALU64 | NEG | K, 0, 0)).isZero();
        assertThat(evalK(ALU64 | NEG | K, Long.MIN_VALUE, 0)).isEqualTo(Long.MIN_VALUE);
        assertThat(evalK(ALU64 | NEG | K, 0xffff_ffffL, 0)).isEqualTo(0xffff_ffff_0000_0001L);
    }

    @Test
    void operationsOnlyTouchTheirDestination() {
        long[] regs = registersAtExit(
                lddw(R1, 0x1111), lddw(R2, 0x2222), lddw(R3, 0x3333),
                alu64X(ADD, R3, R2), alu64X(MUL, R2, R1), mov64(R0, 7), exit());
        assertThat(regs[R1]).isEqualTo(0x1111);
        assertThat(regs[R2]).isEqualTo(0x2222L * 0x1111L);
        assertThat(regs[R3]).isEqualTo(0x5555);
        assertThat(regs[R0]).isEqualTo(7);
    }

    @Test
    void everyGeneralRegisterWorksAsDestinationAndSource() {
        for (int d = 0; d <= 9; d++) {
            for (int s = 0; s <= 10; s++) {
                if (s == d) {
                    continue;
                }
                long[] regs = registersAtExit(
                        lddw(d, 0x1000_0000_0000_0000L), s == R10 ? ja(0) : lddw(s, 0x23), alu64X(ADD, d, s),
                        mov64X(R0, d), exit());
                long srcValue = s == R10 ? regs[R10] : 0x23;
                assertThat(regs[R0]).as("r%d += r%d", d, s).isEqualTo(0x1000_0000_0000_0000L + srcValue);
            }
        }
    }
}
