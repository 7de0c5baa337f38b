package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Instruction;
import org.junit.jupiter.api.Test;

/**
 * Loads and stores of every size (ldx, st, stx) through the input and the stack: little-endian
 * layout, zero extension, positive and negative offsets, only {@code size} bytes written,
 * unaligned access; {@code lddw} of full 64-bit values; the r1/r2 run convention.
 */
class LoadStoreTest {
    private static byte[] input() {
        byte[] b = new byte[16];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (0xf0 + i);
        }
        return b; // f0 f1 f2 ... ff
    }

    private static long load(int size, int offset) {
        return runOn(input(), lddw(R0, 0x5555_5555_5555_5555L), ldx(size, R0, R1, offset), exit());
    }

    @Test
    void loadsAreLittleEndianAndZeroExtended() {
        assertThat(load(B, 0)).isEqualTo(0xf0);
        assertThat(load(B, 15)).isEqualTo(0xff);
        assertThat(load(H, 0)).isEqualTo(0xf1f0);
        assertThat(load(H, 14)).isEqualTo(0xfffe);
        assertThat(load(W, 0)).isEqualTo(0xf3f2_f1f0L);
        assertThat(load(W, 12)).isEqualTo(0xfffe_fdfcL);
        assertThat(load(DW, 0)).isEqualTo(0xf7f6_f5f4_f3f2_f1f0L);
        assertThat(load(DW, 8)).isEqualTo(0xfffe_fdfc_fbfa_f9f8L);
    }

    @Test
    void unalignedLoads() {
        assertThat(load(H, 1)).isEqualTo(0xf2f1);
        assertThat(load(W, 3)).isEqualTo(0xf6f5_f4f3L);
        assertThat(load(DW, 5)).isEqualTo(0xfcfb_faf9_f8f7_f6f5L);
    }

    @Test
    void negativeOffsets() {
        // r2 = r1 + 8
        assertThat(runOn(input(), mov64X(R2, R1), add64(R2, 8), ldx(W, R0, R2, -4), exit())).isEqualTo(0xf7f6_f5f4L);
        assertThat(runOn(input(), mov64X(R2, R1), add64(R2, 16), ldx(DW, R0, R2, -8), exit())).isEqualTo(0xfffe_fdfc_fbfa_f9f8L);
        assertThat(runOn(input(), mov64X(R2, R1), add64(R2, 16), ldx(B, R0, R2, -16), exit())).isEqualTo(0xf0);
    }

    @Test
    void registerStoresWriteExactlyTheirSizeLittleEndian() {
        long value = 0x0807_0605_0403_0201L;
        assertThat(stored(stx(B, R1, R3, 3), value)).containsExactly(bytesWith(3, 0x01));
        assertThat(stored(stx(H, R1, R3, 3), value)).containsExactly(bytesWith(3, 0x01, 0x02));
        assertThat(stored(stx(W, R1, R3, 3), value)).containsExactly(bytesWith(3, 0x01, 0x02, 0x03, 0x04));
        assertThat(stored(stx(DW, R1, R3, 3), value))
                .containsExactly(bytesWith(3, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08));
    }

    @Test
    void immediateStoresSignExtendTheImmediate() {
        assertThat(stored(st(B, R1, 0, 0x1234_56ab), 0)).containsExactly(bytesWith(0, 0xab));
        assertThat(stored(st(H, R1, 1, 0x1234_abcd), 0)).containsExactly(bytesWith(1, 0xcd, 0xab));
        assertThat(stored(st(W, R1, 2, Integer.MIN_VALUE), 0)).containsExactly(bytesWith(2, 0x00, 0x00, 0x00, 0x80));
        assertThat(stored(st(DW, R1, 8, -2), 0))
                .containsExactly(bytesWith(8, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
        assertThat(stored(st(DW, R1, 0, 0x7fff_ffff), 0))
                .containsExactly(bytesWith(0, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0));
    }

    @Test
    void storesWithNegativeOffset() {
        byte[] in = input();
        runOn(in, mov64X(R2, R1), add64(R2, 16), st(W, R2, -4, 0x0a0b0c0d), lddw(R3, 0x1122), stx(H, R2, R3, -16),
                mov64(R0, 0), exit());
        byte[] expected = input();
        expected[12] = 0x0d;
        expected[13] = 0x0c;
        expected[14] = 0x0b;
        expected[15] = 0x0a;
        expected[0] = 0x22;
        expected[1] = 0x11;
        assertThat(in).containsExactly(expected);
    }

    /** Runs {@code r3 = value; <store>} on a 16-byte zero input and returns the input afterwards. */
    private static byte[] stored(Instruction store, long value) {
        byte[] in = new byte[16];
        runOn(in, lddw(R3, value), store, mov64(R0, 0), exit());
        return in;
    }

    private static byte[] bytesWith(int at, int... values) {
        byte[] b = new byte[16];
        for (int i = 0; i < values.length; i++) {
            b[at + i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void stackStoreAndLoadEverySize() {
        long[] regs = registersAtExit(
                lddw(R1, 0x8877_6655_4433_2211L),
                stx(DW, R10, R1, -8),
                stx(W, R10, R1, -16),
                stx(H, R10, R1, -24),
                stx(B, R10, R1, -32),
                ldx(DW, R2, R10, -8),
                ldx(W, R3, R10, -16),
                ldx(H, R4, R10, -24),
                ldx(B, R5, R10, -32),
                ldx(B, R6, R10, -1),   // most significant byte of the doubleword
                ldx(H, R7, R10, -7),   // unaligned, inside the doubleword
                mov64(R0, 0),
                exit());
        assertThat(regs[R2]).isEqualTo(0x8877_6655_4433_2211L);
        assertThat(regs[R3]).isEqualTo(0x4433_2211L);
        assertThat(regs[R4]).isEqualTo(0x2211L);
        assertThat(regs[R5]).isEqualTo(0x11L);
        assertThat(regs[R6]).isEqualTo(0x88L);
        assertThat(regs[R7]).isEqualTo(0x3322L);
    }

    @Test
    void wholeStackFrameIsUsable() {
        // write at the bottom (r10 - 512) and the top (r10 - 1) of the 512-byte frame
        long r0 = run(st(DW, R10, -512, 0x1234), st(B, R10, -1, 0x56), ldx(DW, R0, R10, -512), ldx(B, R1, R10, -1),
                alu64X(ADD, R0, R1), exit());
        assertThat(r0).isEqualTo(0x1234 + 0x56);
    }

    @Test
    void storesThroughACopyOfTheFramePointer() {
        long r0 = run(mov64X(R6, R10), add64(R6, -100), st(W, R6, 0, 0x7777), ldx(W, R0, R10, -100), exit());
        assertThat(r0).isEqualTo(0x7777);
    }

    @Test
    void lddwLoadsAll64Bits() {
        for (long v : new long[] {
                0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x1234_5678_9abc_def0L,
                0xffff_ffff_0000_0000L, // low imm 0, high imm -1
                0x0000_0000_ffff_ffffL, // low imm -1 must not sign-extend into the upper half
                0x0000_0000_8000_0000L, 0x8000_0000_0000_0000L, 0x0000_0001_0000_0000L}) {
            assertThat(run(lddw(R0, 0x5555_5555_5555_5555L), lddw(R0, v), exit())).as("lddw %x", v).isEqualTo(v);
        }
    }

    @Test
    void lddwIntoEveryRegister() {
        for (int r = 0; r <= 9; r++) {
            long v = 0x0101_0101_0101_0101L * (r + 1);
            assertThat(run(lddw(r, v), mov64X(R0, r), exit())).as("r%d", r).isEqualTo(v);
        }
    }

    @Test
    void lddwOfAMapOrKernelObjectNothingProvidedIsRejectedAtLoad() {
        for (int kind : new int[] {PSEUDO_MAP_FD, PSEUDO_MAP_VALUE, PSEUDO_BTF_ID, PSEUDO_MAP_IDX, PSEUDO_MAP_IDX_VALUE}) {
            Instruction[] lddw = Instruction.lddw(R0, kind, 1);
            Program p = program(mov64(R0, 0), lddw, exit());
            assertThatThrownBy(() -> RUNTIME.load(p)).as("src %d", kind)
                    .isInstanceOf(ProgramLoadException.class).hasMessageContaining("instruction 1");
        }
    }

    @Test
    void runConventionPassesAddressAndLength() {
        byte[] in = new byte[37];
        long[] regs = registersAtExit(in, mov64(R0, 0), exit());
        assertThat(regs[R2]).isEqualTo(37);
        assertThat(regs[R1]).isNotZero();
        // r1 points at the input: a store through it lands in the array
        byte[] data = new byte[4];
        runOn(data, st(W, R1, 0, 0x0403_0201), mov64(R0, 0), exit());
        assertThat(data).containsExactly(1, 2, 3, 4);
    }

    @Test
    void emptyInputGivesNullPointerAndZeroLength() {
        long[] regs = registersAtExit(mov64(R0, 0), exit());
        assertThat(regs[R1]).isZero();
        assertThat(regs[R2]).isZero();
    }

    @Test
    void inputIsReadInPlaceEachRun() {
        Executable exe = Programs.load(ldx(W, R0, R1, 0), exit());
        byte[] in = new byte[4];
        in[0] = 7;
        assertThat(exe.run(in)).isEqualTo(7);
        in[0] = 9;
        assertThat(exe.run(in)).isEqualTo(9);
    }
}
