package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Instruction;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.runtime.maps.Maps;
import io.bpf4j.runtime.maps.ProgArrayMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** bpf_tail_call through a program array: replacement, fall-through, the chain limit. */
class TailCallTest {
    private final ProgArrayMap jumps = (ProgArrayMap) Maps.create(MapDefinition.of(MapType.PROG_ARRAY, 4, 4, 4).withName("jumps"));

    private static Instruction[] mapRef(int dst, int index) {
        return Instruction.lddw(dst, PSEUDO_MAP_FD, index);
    }

    /** Tail-calls slot {@code slot}; if that fails, returns 99. */
    private Program dispatcher(int slot) {
        return Program.of("dispatch", code(
                mapRef(R2, 0), mov64(R3, slot), call(Interpreter.TAIL_CALL_HELPER),
                mov64(R0, 99), exit()), List.of(jumps));
    }

    /** Returns input[0] + 100: shows the target gets the caller's context in r1. */
    private static Program target() {
        return Program.of("target", code(ldx(B, R0, R1, 0), add64(R0, 100), exit()));
    }

    @Test
    void theTargetReplacesTheCallerAndSeesItsContext() {
        jumps.setProgram(1, RUNTIME.load(target()));
        assertThat(RUNTIME.load(dispatcher(1)).run(new byte[] {7})).isEqualTo(107);
    }

    @Test
    void anEmptySlotOrAnIndexOutOfRangeFallsThrough() {
        Executable dispatch = RUNTIME.load(dispatcher(2));
        assertThat(dispatch.run(new byte[] {7})).isEqualTo(99);
        assertThat(RUNTIME.load(dispatcher(4)).run(new byte[] {7})).isEqualTo(99);
        assertThat(RUNTIME.load(dispatcher(-1)).run(new byte[] {7})).isEqualTo(99);
        // the host fills the slot between runs: the same loaded program now jumps
        jumps.setProgram(2, RUNTIME.load(target()));
        assertThat(dispatch.run(new byte[] {7})).isEqualTo(107);
        jumps.clearProgram(2);
        assertThat(dispatch.run(new byte[] {7})).isEqualTo(99);
    }

    @Test
    void aChainStopsAfter33TailCalls() {
        // Adds 1 to input[0], then tail-calls itself; when the call fails, returns input[0].
        Program self = Program.of("self", code(
                ldx(B, R2, R1, 0), add64(R2, 1), stx(B, R1, R2, 0),
                mapRef(R2, 0), mov64(R3, 0), call(Interpreter.TAIL_CALL_HELPER),
                ldx(B, R0, R1, 0), exit()), List.of(jumps));
        Executable exe = RUNTIME.load(self);
        jumps.setProgram(0, exe);
        byte[] input = new byte[1];
        assertThat(exe.run(input)).isEqualTo(1 + Interpreter.MAX_TAIL_CALLS);
    }

    @Test
    void aTailCallFromASubprogramReplacesOnlyThatFrame() {
        // main calls sub, which tail-calls the target: the target's r0 comes back to main as sub's,
        // and main goes on in its own code (as Linux runs it since 5.10)
        jumps.setProgram(1, RUNTIME.load(target()));
        Program main = Program.of("main", code(
                mov64(R6, 1000), callLocal(3), add64(R0, 10), exit(), exit(),
                mapRef(R2, 0), mov64(R3, 1), call(Interpreter.TAIL_CALL_HELPER), mov64(R0, 7), exit()), List.of(jumps));
        assertThat(RUNTIME.load(main).run(new byte[] {7})).isEqualTo(117);
        jumps.clearProgram(1);
        assertThat(RUNTIME.load(main).run(new byte[] {7})).as("falling through in sub").isEqualTo(17);
    }

    @Test
    void theTargetUsesItsOwnMaps() {
        var counter = Maps.create(MapDefinition.of(MapType.ARRAY, 4, 8, 1).withName("count"));
        counter.updateLong(0, 41);
        // target: r0 = count[0] + 1, through its own map list where "count" is map 0
        Program withMap = Program.of("t", code(
                new Instruction[] {new Instruction(LDDW, R1, PSEUDO_MAP_VALUE, 0, 0), new Instruction(0, 0, 0, 0, 0)},
                ldx(DW, R0, R1, 0), add64(R0, 1), exit()), List.of(counter));
        jumps.setProgram(3, RUNTIME.load(withMap));
        assertThat(RUNTIME.load(dispatcher(3)).run(new byte[1])).isEqualTo(42);
    }

    @Test
    void aTailCallThroughSomethingElseThanAProgramArrayFaults() {
        var hash = Maps.create(MapDefinition.of(MapType.HASH, 4, 4, 4).withName("h"));
        Program p = Program.of("p", code(mapRef(R2, 0), mov64(R3, 0), call(Interpreter.TAIL_CALL_HELPER), exit()),
                List.of(hash));
        assertThatThrownBy(() -> RUNTIME.load(p).run(new byte[1]))
                .isInstanceOf(ProgramFault.class).hasMessageContaining("not a program array");
    }
}
