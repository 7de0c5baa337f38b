package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.isa.Instruction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Legacy packet loads LD_ABS and LD_IND: big-endian values zero-extended into r0, the input as
 * the packet, and an out-of-bounds access ending the program with 0.
 */
class LegacyPacketLoadTest {
    private static final byte[] PACKET = bytes(0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x11, 0x22);

    private static Instruction abs(int size, int offset) {
        return insn(LD | ABS | size, 0, 0, 0, offset);
    }

    private static Instruction ind(int size, int src, int offset) {
        return insn(LD | IND | size, 0, src, 0, offset);
    }

    /** r0 = -1; the load; r0 |= 0 (proves execution continued); exit. */
    private static long load(Instruction ld, long r6) {
        return runOn(PACKET.clone(), lddw(R0, -1), lddw(R6, r6), ld, alu64(OR, R0, 0), exit());
    }

    @Test
    void absoluteLoadsAreBigEndianAndZeroExtended() {
        assertThat(load(abs(B, 0), 0)).isEqualTo(0x12);
        assertThat(load(abs(H, 0), 0)).isEqualTo(0x1234);
        assertThat(load(abs(W, 0), 0)).isEqualTo(0x1234_5678L);
        assertThat(load(abs(W, 4), 0)).isEqualTo(0x9abc_def0L);
        assertThat(load(abs(H, 4), 0)).isEqualTo(0x9abcL);
        assertThat(load(abs(B, 4), 0)).isEqualTo(0x9aL);
        assertThat(load(abs(H, 8), 0)).isEqualTo(0x1122);
        assertThat(load(abs(B, 9), 0)).isEqualTo(0x22);
        assertThat(load(abs(W, 6), 0)).isEqualTo(0xdef0_1122L); // the last four bytes
    }

    @Test
    void indirectLoadsAddTheRegister() {
        assertThat(load(ind(H, R6, 1), 2)).isEqualTo(0x789a);
        assertThat(load(ind(W, R6, -2), 2)).isEqualTo(0x1234_5678L);
        assertThat(load(ind(B, R6, 0), 9)).isEqualTo(0x22);
        assertThat(load(ind(W, R6, 0), 6)).isEqualTo(0xdef0_1122L);
    }

    @Test
    void outOfBoundsEndsTheProgramWithZero() {
        assertThat(load(abs(W, 7), 0)).isZero();
        assertThat(load(abs(H, 9), 0)).isZero();
        assertThat(load(abs(B, 10), 0)).isZero();
        assertThat(load(abs(B, -1), 0)).isZero();
        assertThat(load(abs(W, Integer.MAX_VALUE), 0)).isZero();
        assertThat(load(ind(B, R6, 0), -1)).isZero();
        assertThat(load(ind(W, R6, 1), 6)).isZero();
        assertThat(load(ind(B, R6, 0), 10)).isZero();
        // nothing after the failed load runs
        assertThat(runOn(PACKET.clone(), abs(W, 8), mov64(R0, 99), exit())).isZero();
    }

    @Test
    void noPacketMeansEveryLoadIsOutOfBounds() {
        assertThat(run(mov64(R0, 5), abs(B, 0), mov64(R0, 99), exit())).isZero();
    }

    @Test
    void onlyR0Changes() {
        long[] regs = registersAtExit(PACKET.clone(), mov64(R6, 1), mov64(R7, 7), ind(H, R6, 0), exit());
        assertThat(regs[R0]).isEqualTo(0x3456);
        assertThat(regs[R6]).isEqualTo(1);
        assertThat(regs[R7]).isEqualTo(7);
    }

    @Test
    void tracerSeesTheEndingLoadWithR0Zero() {
        List<Integer> pcs = new ArrayList<>();
        long[] lastAfter = new long[1];
        long r0 = Programs.load(mov64(R0, 5), abs(W, 100), mov64(R0, 99), exit()).run(PACKET.clone(),
                (pc, before, after) -> {
                    pcs.add(pc);
                    lastAfter[0] = after[R0];
                });
        assertThat(r0).isZero();
        assertThat(pcs).containsExactly(0, 1);
        assertThat(lastAfter[0]).isZero();
    }
}
