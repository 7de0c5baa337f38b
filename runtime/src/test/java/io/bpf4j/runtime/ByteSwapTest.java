package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Byte swaps: {@code le16/32/64} (ALU|END|K: on a little-endian machine a truncation),
 * {@code be16/32/64} (ALU|END|X: a swap) and the unconditional {@code bswap16/32/64} (ALU64|END|K).
 * Each keeps only the low {@code width} bits, zero-extended.
 */
class ByteSwapTest {
    private static final long V = 0x0123_4567_89ab_cdefL;
    private static final int TO_LE = ALU | END | K;
    private static final int TO_BE = ALU | END | X;
    private static final int BSWAP = ALU64 | END | K;

    @Test
    void toLittleEndianTruncates() {
        assertThat(evalK(TO_LE, V, 16)).isEqualTo(0xcdefL);
        assertThat(evalK(TO_LE, V, 32)).isEqualTo(0x89ab_cdefL);
        assertThat(evalK(TO_LE, V, 64)).isEqualTo(V);
        assertThat(evalK(TO_LE, -1, 16)).isEqualTo(0xffffL);
        assertThat(evalK(TO_LE, -1, 32)).isEqualTo(0xffff_ffffL);
        assertThat(evalK(TO_LE, -1, 64)).isEqualTo(-1);
    }

    @Test
    void toBigEndianSwaps() {
        assertThat(evalK(TO_BE, V, 16)).isEqualTo(0xefcdL);
        assertThat(evalK(TO_BE, V, 32)).isEqualTo(0xefcd_ab89L);
        assertThat(evalK(TO_BE, V, 64)).isEqualTo(0xefcd_ab89_6745_2301L);
        assertThat(evalK(TO_BE, -1, 16)).isEqualTo(0xffffL);
        assertThat(evalK(TO_BE, -1, 32)).isEqualTo(0xffff_ffffL);
        assertThat(evalK(TO_BE, 0x80L, 16)).isEqualTo(0x8000L);   // not sign-extended
        assertThat(evalK(TO_BE, 0x80L, 32)).isEqualTo(0x8000_0000L);
        assertThat(evalK(TO_BE, 0x80L, 64)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void unconditionalSwap() {
        assertThat(evalK(BSWAP, V, 16)).isEqualTo(0xefcdL);
        assertThat(evalK(BSWAP, V, 32)).isEqualTo(0xefcd_ab89L);
        assertThat(evalK(BSWAP, V, 64)).isEqualTo(0xefcd_ab89_6745_2301L);
        assertThat(evalK(BSWAP, -1, 16)).isEqualTo(0xffffL);
        assertThat(evalK(BSWAP, -1, 32)).isEqualTo(0xffff_ffffL);
        assertThat(evalK(BSWAP, 0xff00L, 16)).isEqualTo(0x00ffL);
        assertThat(evalK(BSWAP, 0x0000_0000_0000_0080L, 64)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void swappingTwiceRestoresTheLowBits() {
        long r0 = run(lddw(R0, V), insn(BSWAP, R0, 0, 0, 32), insn(TO_BE, R0, 0, 0, 32), exit());
        assertThat(r0).isEqualTo(0x89ab_cdefL);
    }

    @Test
    void swapsWorkOnAnyRegister() {
        long[] regs = registersAtExit(lddw(R7, V), insn(TO_BE, R7, 0, 0, 16), lddw(R3, V), insn(BSWAP, R3, 0, 0, 64),
                mov64(R0, 0), exit());
        assertThat(regs[R7]).isEqualTo(0xefcdL);
        assertThat(regs[R3]).isEqualTo(0xefcd_ab89_6745_2301L);
    }
}
