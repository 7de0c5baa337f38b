package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Sign extension: {@code movsx} (ALU64|MOV|X with offset 8/16/32, ALU|MOV|X with offset 8/16) and
 * the sign-extending loads {@code ldxsb/ldxsh/ldxsw} (LDX|MEMSX), against the zero-extending ones.
 */
class SignExtensionTest {
    private static final int MOVSX64 = ALU64 | MOV | X;
    private static final int MOVSX32 = ALU | MOV | X;

    @Test
    void movsx64From8() {
        assertThat(evalX(MOVSX64, 8, 0, 0x80L)).isEqualTo(0xffff_ffff_ffff_ff80L);
        assertThat(evalX(MOVSX64, 8, 0, 0x7fL)).isEqualTo(0x7fL);
        assertThat(evalX(MOVSX64, 8, 0, 0x1234_5678_9abc_de7fL)).isEqualTo(0x7fL);
        assertThat(evalX(MOVSX64, 8, 0, 0x1234_5678_9abc_deffL)).isEqualTo(-1);
        assertThat(evalX(MOVSX64, 8, -1, 0x100L)).isZero();
    }

    @Test
    void movsx64From16() {
        assertThat(evalX(MOVSX64, 16, 0, 0x8000L)).isEqualTo(0xffff_ffff_ffff_8000L);
        assertThat(evalX(MOVSX64, 16, 0, 0x7fffL)).isEqualTo(0x7fffL);
        assertThat(evalX(MOVSX64, 16, 0, 0xffff_ffff_0001_7fffL)).isEqualTo(0x7fffL);
        assertThat(evalX(MOVSX64, 16, 0, 0x0000_0000_0000_ff80L)).isEqualTo(-128);
    }

    @Test
    void movsx64From32() {
        assertThat(evalX(MOVSX64, 32, 0, 0x8000_0000L)).isEqualTo(0xffff_ffff_8000_0000L);
        assertThat(evalX(MOVSX64, 32, 0, 0x1234_5678_7fff_ffffL)).isEqualTo(0x7fff_ffffL);
        assertThat(evalX(MOVSX64, 32, 0, 0x0000_0000_ffff_fffeL)).isEqualTo(-2);
    }

    @Test
    void movsx32SignExtendsTo32BitsThenZeroExtends() {
        assertThat(evalX(MOVSX32, 8, -1, 0x80L)).isEqualTo(0xffff_ff80L);
        assertThat(evalX(MOVSX32, 8, -1, 0x7fL)).isEqualTo(0x7fL);
        assertThat(evalX(MOVSX32, 8, 0, 0xffff_ffff_ffff_ff01L)).isEqualTo(1);
        assertThat(evalX(MOVSX32, 16, -1, 0x8000L)).isEqualTo(0xffff_8000L);
        assertThat(evalX(MOVSX32, 16, 0, 0xffff_ffff_ffff_7fffL)).isEqualTo(0x7fffL);
    }

    @Test
    void movsxOntoItself() {
        assertThat(run(lddw(R0, 0xff), insn(MOVSX64, R0, R0, 8, 0), exit())).isEqualTo(-1);
        assertThat(run(lddw(R0, 0xdead_0000_0000_ffffL), insn(MOVSX32, R0, R0, 16, 0), exit())).isEqualTo(0xffff_ffffL);
    }

    private static final byte[] DATA = bytes(0x80, 0xff, 0x7f, 0x80, 0x01, 0x00, 0x00, 0x80);

    private static long load(int opcode, int offset) {
        return runOn(DATA.clone(), lddw(R0, 0x5555_5555_5555_5555L), insn(opcode, R0, R1, offset, 0), exit());
    }

    @Test
    void signExtendingLoads() {
        assertThat(load(LDX | MEMSX | B, 0)).isEqualTo(-128);
        assertThat(load(LDX | MEMSX | B, 2)).isEqualTo(0x7f);
        assertThat(load(LDX | MEMSX | H, 0)).isEqualTo(0xffff_ffff_ffff_ff80L); // 0xff80
        assertThat(load(LDX | MEMSX | H, 2)).isEqualTo(0xffff_ffff_ffff_807fL); // 0x807f
        assertThat(load(LDX | MEMSX | H, 4)).isEqualTo(1);
        assertThat(load(LDX | MEMSX | W, 0)).isEqualTo(0xffff_ffff_807f_ff80L);
        assertThat(load(LDX | MEMSX | W, 4)).isEqualTo(0xffff_ffff_8000_0001L);
        assertThat(load(LDX | MEMSX | W, 1)).isEqualTo(0x0180_7fffL);
    }

    @Test
    void zeroExtendingLoadsOfTheSameBytes() {
        assertThat(load(LDX | MEM | B, 0)).isEqualTo(0x80);
        assertThat(load(LDX | MEM | H, 0)).isEqualTo(0xff80);
        assertThat(load(LDX | MEM | W, 0)).isEqualTo(0x807f_ff80L);
        assertThat(load(LDX | MEM | W, 4)).isEqualTo(0x8000_0001L);
        assertThat(load(LDX | MEM | DW, 0)).isEqualTo(0x8000_0001_807f_ff80L);
    }

    @Test
    void signExtendingLoadWithNegativeOffsetFromTheStack() {
        long[] regs = registersAtExit(
                lddw(R1, 0x0000_0000_ffff_fffeL), stx(DW, R10, R1, -8),
                ldxs(W, R2, R10, -8), ldxs(H, R3, R10, -7), ldxs(B, R4, R10, -5), ldxs(B, R5, R10, -1), mov64(R0, 0), exit());
        assertThat(regs[R2]).isEqualTo(-2);
        assertThat(regs[R3]).isEqualTo(-1);  // bytes 0xff 0xff
        assertThat(regs[R4]).isEqualTo(-1);  // byte 3 of 0xfffffffe
        assertThat(regs[R5]).isZero();
    }
}
