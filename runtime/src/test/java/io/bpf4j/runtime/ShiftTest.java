package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Shifts: the count is masked to 6 bits (64-bit) or 5 bits (32-bit), for immediates and
 * registers; 32-bit shifts see only the low half of the destination and zero-extend.
 */
class ShiftTest {

    @Test
    void leftShift64() {
        assertThat(evalK(ALU64 | LSH | K, 1, 63)).isEqualTo(Long.MIN_VALUE);
        assertThat(evalK(ALU64 | LSH | K, 0x8000_0001L, 1)).isEqualTo(0x1_0000_0002L);
        assertThat(evalK(ALU64 | LSH | K, 0x1234L, 0)).isEqualTo(0x1234L);
        assertThat(evalX(ALU64 | LSH | X, 1, 32)).isEqualTo(0x1_0000_0000L);
        assertThat(evalX(ALU64 | LSH | X, 3, 62)).isEqualTo(0xc000_0000_0000_0000L);
    }

    @Test
    void leftShift64MasksTheCountTo6Bits() {
        assertThat(evalK(ALU64 | LSH | K, 0x1234L, 64)).isEqualTo(0x1234L);
        assertThat(evalK(ALU64 | LSH | K, 0x1234L, 65)).isEqualTo(0x2468L);
        assertThat(evalK(ALU64 | LSH | K, 1, -1)).isEqualTo(Long.MIN_VALUE); // -1 & 63 = 63
        assertThat(evalX(ALU64 | LSH | X, 0x1234L, 64)).isEqualTo(0x1234L);
        assertThat(evalX(ALU64 | LSH | X, 0x1234L, 0x1_0000_0041L)).isEqualTo(0x2468L);
        assertThat(evalX(ALU64 | LSH | X, 1, -1)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void logicalRightShift64() {
        assertThat(evalK(ALU64 | RSH | K, Long.MIN_VALUE, 63)).isEqualTo(1);
        assertThat(evalK(ALU64 | RSH | K, -1, 32)).isEqualTo(0xffff_ffffL);
        assertThat(evalK(ALU64 | RSH | K, -1, 64)).isEqualTo(-1);
        assertThat(evalK(ALU64 | RSH | K, -1, 68)).isEqualTo(0x0fff_ffff_ffff_ffffL);
        assertThat(evalX(ALU64 | RSH | X, Long.MIN_VALUE, 4)).isEqualTo(0x0800_0000_0000_0000L);
        assertThat(evalX(ALU64 | RSH | X, Long.MIN_VALUE, -1)).isEqualTo(1);
        assertThat(evalX(ALU64 | RSH | X, 0x1234L, 0x40)).isEqualTo(0x1234L);
    }

    @Test
    void arithmeticRightShift64() {
        assertThat(evalK(ALU64 | ARSH | K, Long.MIN_VALUE, 63)).isEqualTo(-1);
        assertThat(evalK(ALU64 | ARSH | K, Long.MIN_VALUE, 4)).isEqualTo(0xf800_0000_0000_0000L);
        assertThat(evalK(ALU64 | ARSH | K, -2, 1)).isEqualTo(-1);
        assertThat(evalK(ALU64 | ARSH | K, Long.MAX_VALUE, 62)).isEqualTo(1);
        assertThat(evalK(ALU64 | ARSH | K, 0x8000_0000L, 4)).isEqualTo(0x0800_0000L); // bit 31 is not a sign bit here
        assertThat(evalK(ALU64 | ARSH | K, Long.MIN_VALUE, 64)).isEqualTo(Long.MIN_VALUE);
        assertThat(evalX(ALU64 | ARSH | X, Long.MIN_VALUE, 65)).isEqualTo(0xc000_0000_0000_0000L);
        assertThat(evalX(ALU64 | ARSH | X, -256, 0xffff_ffff_0000_0004L)).isEqualTo(-16);
    }

    @Test
    void leftShift32() {
        assertThat(evalK(ALU | LSH | K, 1, 31)).isEqualTo(0x8000_0000L);
        assertThat(evalK(ALU | LSH | K, 0x8000_0001L, 1)).isEqualTo(2); // bit 31 leaves; nothing reaches bit 32
        assertThat(evalK(ALU | LSH | K, 0xdead_beef_0000_0003L, 4)).isEqualTo(0x30);
        assertThat(evalX(ALU | LSH | X, 0xffff_ffffL, 16)).isEqualTo(0xffff_0000L);
    }

    @Test
    void leftShift32MasksTheCountTo5Bits() {
        assertThat(evalK(ALU | LSH | K, 0xdead_beef_0000_1234L, 32)).isEqualTo(0x1234L);
        assertThat(evalK(ALU | LSH | K, 0x1234L, 33)).isEqualTo(0x2468L);
        assertThat(evalK(ALU | LSH | K, 1, -1)).isEqualTo(0x8000_0000L);
        assertThat(evalX(ALU | LSH | X, 0x1234L, 0x1_0000_0021L)).isEqualTo(0x2468L);
        assertThat(evalX(ALU | LSH | X, 0x1234L, 32)).isEqualTo(0x1234L);
    }

    @Test
    void logicalRightShift32() {
        assertThat(evalK(ALU | RSH | K, 0xffff_ffff_8000_0000L, 31)).isEqualTo(1);
        assertThat(evalK(ALU | RSH | K, 0x1_0000_0000L, 1)).isZero(); // the upper half never shifts in
        assertThat(evalK(ALU | RSH | K, 0xffff_ffffL, 36)).isEqualTo(0x0fff_ffffL);
        assertThat(evalX(ALU | RSH | X, 0x8000_0000L, 0xffff_ffff_ffff_fffcL)).isEqualTo(0x8L); // count 28
        assertThat(evalX(ALU | RSH | X, 0xdead_beef_8000_0000L, 32)).isEqualTo(0x8000_0000L);
    }

    @Test
    void arithmeticRightShift32UsesBit31AsTheSign() {
        assertThat(evalK(ALU | ARSH | K, 0x8000_0000L, 31)).isEqualTo(0xffff_ffffL);
        assertThat(evalK(ALU | ARSH | K, 0x8000_0000L, 4)).isEqualTo(0xf800_0000L);
        assertThat(evalK(ALU | ARSH | K, 0x7fff_ffff_0000_0010L, 4)).isEqualTo(1);
        assertThat(evalK(ALU | ARSH | K, 0xffff_ffff_7fff_ffffL, 30)).isEqualTo(1);
        assertThat(evalK(ALU | ARSH | K, 0x8000_0000L, 32)).isEqualTo(0x8000_0000L);
        assertThat(evalK(ALU | ARSH | K, 0x8000_0000L, 33)).isEqualTo(0xc000_0000L);
        assertThat(evalX(ALU | ARSH | X, 0xffff_ff00L, 4)).isEqualTo(0xffff_fff0L);
        assertThat(evalX(ALU | ARSH | X, 0xffff_ff00L, 0x1_0000_0024L)).isEqualTo(0xffff_fff0L); // count 36 & 31 = 4
    }
}
