package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.isa.Instruction;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.Errno;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.runtime.maps.Maps;
import java.util.List;
import org.junit.jupiter.api.Test;

/** bpf_loop and bpf_for_each_map_elem calling back into the program. */
class CallbackHelpersTest {

    /**
     * Sums the loop index into a u64 on the caller's stack; the callback stops when i == stopAt.
     * Returns sum * 1000 + iterations reported by bpf_loop.
     */
    private static long loopProgram(int count, int stopAt, int flags) {
        return run(
                st(DW, R10, -8, 0),
                mov64(R1, count),
                lddwFunc(R2, 9),                 // callback: the function after main's exit
                mov64X(R3, R10), add64(R3, -8),
                mov64(R4, flags),
                call(CallbackHelpers.LOOP),
                ldx(DW, R1, R10, -8),
                alu64(MUL, R1, 1000),
                alu64X(ADD, R0, R1),
                exit(),
                // callback(r1 = i, r2 = &sum): sum += i; return i == stopAt
                ldx(DW, R3, R2, 0), alu64X(ADD, R3, R1), stx(DW, R2, R3, 0),
                mov64(R0, 0),
                jmp(JNE, R1, stopAt, 1),
                mov64(R0, 1),
                exit());
    }

    @Test
    void loopCallsBackWithEachIndexAndCountsIterations() {
        assertThat(loopProgram(10, -1, 0)).isEqualTo(45 * 1000 + 10);
    }

    @Test
    void aCallbackReturning1StopsTheLoop() {
        assertThat(loopProgram(10, 3, 0)).isEqualTo(6 * 1000 + 4);
    }

    @Test
    void loopRejectsFlagsAndTooManyIterations() {
        assertThat(loopProgram(10, -1, 1)).isEqualTo(-Errno.EINVAL);
        assertThat(run(mov64(R1, (1 << 23) + 1), lddwFunc(R2, 5), mov64(R3, 0), mov64(R4, 0),
                call(CallbackHelpers.LOOP), exit(), mov64(R0, 0), exit())).isEqualTo(-Errno.E2BIG);
    }

    @Test
    void callbacksHaveTheirOwnFrameAndTheCallersRegistersSurvive() {
        // main keeps 7 in r6 and data at r10-8; the callback scribbles on its own r6 and stack
        long r0 = run(
                mov64(R6, 7), st(DW, R10, -8, 5),
                mov64(R1, 3), lddwFunc(R2, 7), mov64(R3, 0), mov64(R4, 0),
                call(CallbackHelpers.LOOP),
                ldx(DW, R0, R10, -8), alu64X(ADD, R0, R6), exit(),
                mov64(R6, 1000), st(DW, R10, -8, 1000), mov64(R0, 0), exit());
        assertThat(r0).isEqualTo(12);
    }

    @Test
    void forEachMapElementVisitsEveryElementWithKeyAndValuePointers() {
        BpfMap map = Maps.create(MapDefinition.of(MapType.HASH, 4, 8, 8).withName("h"));
        map.updateLong(1, 10);
        map.updateLong(2, 20);
        map.updateLong(3, 30);
        Program p = Program.of("sum", code(
                st(DW, R10, -8, 0),
                Instruction.lddw(R1, PSEUDO_MAP_FD, 0),
                lddwFunc(R2, 9),
                mov64X(R3, R10), add64(R3, -8),
                mov64(R4, 0),
                call(CallbackHelpers.FOR_EACH_MAP_ELEM),
                ldx(DW, R1, R10, -8), alu64(MUL, R1, 10), alu64X(ADD, R0, R1),
                exit(),
                // callback(map, &key, &value, &acc): acc += key * value; value += 1
                ldx(W, R5, R2, 0), ldx(DW, R6, R3, 0), alu64X(MUL, R5, R6),
                ldx(DW, R7, R4, 0), alu64X(ADD, R7, R5), stx(DW, R4, R7, 0),
                add64(R6, 1), stx(DW, R3, R6, 0),
                mov64(R0, 0), exit()), List.of(map));
        long r0 = RUNTIME.load(p).run(new byte[0]);
        assertThat(r0).isEqualTo((10 + 40 + 90) * 10 + 3);
        assertThat(map.lookupLong(2)).isEqualTo(21); // values are written in place
    }
}
