package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@link ExecutionTracer} sees every executed instruction, once, in order, with registers before and after. */
class TracerTest {
    private record Step(int pc, long[] before, long[] after) {}

    private static List<Step> trace(byte[] input, Object... parts) {
        List<Step> steps = new ArrayList<>();
        Programs.load(parts).run(input, (pc, before, after) -> steps.add(new Step(pc, before.clone(), after.clone())));
        return steps;
    }

    @Test
    void everyExecutedInstructionInOrderWithBeforeAndAfter() {
        List<Step> steps = trace(new byte[0], mov64(R0, 1), add64(R0, 2), ja(1), mov64(R0, 99), exit());
        assertThat(steps).extracting(Step::pc).containsExactly(0, 1, 2, 4);
        assertThat(steps.get(0).before()[R0]).isZero();
        assertThat(steps.get(0).after()[R0]).isEqualTo(1);
        assertThat(steps.get(1).before()[R0]).isEqualTo(1);
        assertThat(steps.get(1).after()[R0]).isEqualTo(3);
        assertThat(steps.get(2).before()).containsExactly(steps.get(2).after());
        assertThat(steps.get(3).after()[R0]).isEqualTo(3);
        for (Step s : steps) {
            assertThat(s.before()).hasSize(REGISTER_COUNT);
            assertThat(s.after()).hasSize(REGISTER_COUNT);
        }
        for (int i = 1; i < steps.size(); i++) {
            assertThat(steps.get(i).before()).as("step %d starts where %d ended", i, i - 1)
                    .containsExactly(steps.get(i - 1).after());
        }
    }

    @Test
    void initialRegisters() {
        List<Step> steps = trace(new byte[8], exit());
        long[] initial = steps.get(0).before();
        assertThat(initial[R1]).isNotZero();
        assertThat(initial[R2]).isEqualTo(8);
        assertThat(initial[R10]).isNotZero();
        for (int r : new int[] {R0, R3, R4, R5, R6, R7, R8, R9}) {
            assertThat(initial[r]).as("r%d", r).isZero();
        }
    }

    @Test
    void lddwIsOneStep() {
        List<Step> steps = trace(new byte[0], lddw(R3, 0x1_0000_0002L), mov64X(R0, R3), exit());
        assertThat(steps).extracting(Step::pc).containsExactly(0, 2, 3);
        assertThat(steps.get(0).after()[R3]).isEqualTo(0x1_0000_0002L);
    }

    @Test
    void callsAndReturnsAreTraced() {
        List<Step> steps = trace(new byte[0], mov64(R6, 6), callLocal(1), exit(), mov64(R6, 60), exit());
        assertThat(steps).extracting(Step::pc).containsExactly(0, 1, 3, 4, 2);
        Step call = steps.get(1);
        assertThat(call.after()[R10]).as("the call moves r10 to the new frame").isNotEqualTo(call.before()[R10]);
        Step ret = steps.get(3);
        assertThat(ret.before()[R6]).isEqualTo(60);
        assertThat(ret.after()[R6]).as("return restores r6").isEqualTo(6);
        assertThat(ret.after()[R10]).isEqualTo(call.before()[R10]);
    }

    @Test
    void helperCallsAreTracedWithTheirResult() {
        List<Step> steps = trace(new byte[0], call(StandardHelpers.GET_SMP_PROCESSOR_ID), exit());
        assertThat(steps).extracting(Step::pc).containsExactly(0, 1);
    }

    @Test
    void aFaultingInstructionIsNotReportedAsExecuted() {
        List<Integer> pcs = new ArrayList<>();
        Executable exe = Programs.load(mov64(R0, 0), ldx(B, R0, R0, 0), exit());
        try {
            exe.run(new byte[0], (pc, before, after) -> pcs.add(pc));
        } catch (MemoryAccessFault expected) {
            // the fault is the point
        }
        assertThat(pcs).containsExactly(0);
    }

    @Test
    void tracingDoesNotChangeTheResult() {
        Object[] parts = {mov64(R1, 10), mov64(R0, 0), alu64X(ADD, R0, R1), alu64(SUB, R1, 1), jmp(JNE, R1, 0, -3), exit()};
        long untraced = Programs.load(parts).run(new byte[0]);
        List<Step> steps = trace(new byte[0], parts);
        assertThat(untraced).isEqualTo(55);
        assertThat(steps.get(steps.size() - 1).after()[R0]).isEqualTo(55);
        assertThat(steps).hasSize(2 + 3 * 10 + 1);
    }
}
