package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The instruction budget: a run that executes exactly N instructions passes with budget N and
 * faults with N - 1 (naming the first instruction it may not execute); lddw counts once; calls
 * and their frames count; the budget is per run; 0 means unlimited.
 */
class BudgetTest {

    private static Executable withBudget(long budget, Object... parts) {
        return BpfRuntime.builder().instructionBudget(budget).build().load(program(parts));
    }

    /** Asserts the program runs in exactly {@code n} instructions: passes with n, faults at pc with n - 1. */
    private static void assertExactCount(int n, int pcOfNth, Object... parts) {
        assertThat(withBudget(n, parts).run(new byte[0])).as("budget %d", n).isNotNegative();
        BudgetExhaustedFault fault = catchThrowableOfType(BudgetExhaustedFault.class,
                () -> withBudget(n - 1, parts).run(new byte[0]));
        assertThat(fault).as("budget %d must not be enough", n - 1).isNotNull();
        assertThat(fault.pc()).isEqualTo(pcOfNth);
        assertThat(fault.budget()).isEqualTo(n - 1);
        assertThat(fault).hasMessageContaining("instruction " + pcOfNth + ":").hasMessageContaining("budget of " + (n - 1));
        // the tracer agrees on the count
        Programs.LastRegisters tracer = new Programs.LastRegisters();
        withBudget(n, parts).run(new byte[0], tracer);
        assertThat(tracer.count).isEqualTo(n);
    }

    @Test
    void straightLine() {
        assertExactCount(5, 4, mov64(R0, 1), mov64(R0, 2), mov64(R0, 3), mov64(R0, 4), exit());
    }

    @Test
    void lddwCountsAsOneInstruction() {
        assertExactCount(2, 2, lddw(R0, 5), exit());
        assertExactCount(3, 4, lddw(R0, 5), lddw(R1, 6), exit());
    }

    @Test
    void loopIterationsCount() {
        // mov; 3 x (sub, jne); exit = 8
        assertExactCount(8, 3, mov64(R1, 3), alu64(SUB, R1, 1), jmp(JNE, R1, 0, -2), exit());
    }

    @Test
    void callsCount() {
        // mov, call, f: mov, exit, exit = 5
        assertExactCount(5, 2, mov64(R0, 0), callLocal(1), exit(), mov64(R0, 1), exit());
    }

    @Test
    void skippedInstructionsDoNotCount() {
        assertExactCount(3, 4, mov64(R0, 0), ja(2), mov64(R0, 1), mov64(R0, 2), exit());
    }

    @Test
    @Timeout(10)
    void infiniteLoopStops() {
        Executable exe = withBudget(1_000_000, ja(-1), exit());
        BudgetExhaustedFault fault = catchThrowableOfType(BudgetExhaustedFault.class, () -> exe.run(new byte[0]));
        assertThat(fault).isNotNull();
        assertThat(fault.pc()).isZero();
        assertThat(fault.budget()).isEqualTo(1_000_000);
        assertThat(fault).isInstanceOf(ProgramFault.class);
    }

    @Test
    @Timeout(10)
    void infiniteRecursionStopsAtTheFrameLimitFirst() {
        Executable exe = withBudget(1_000_000, callLocal(-1), exit());
        assertThatThrownBy(() -> exe.run(new byte[0])).isInstanceOf(ProgramFault.class)
                .isNotInstanceOf(BudgetExhaustedFault.class).hasMessageContaining("frames");
    }

    @Test
    void budgetIsPerRun() {
        Executable exe = withBudget(8, mov64(R1, 3), alu64(SUB, R1, 1), jmp(JNE, R1, 0, -2), exit());
        for (int i = 0; i < 5; i++) {
            assertThat(exe.run(new byte[0])).isZero();
        }
    }

    @Test
    void zeroMeansUnlimited() {
        // 4 x 300,001 + 3 instructions: more than the 1,000,000 the other tests allow
        Executable exe = withBudget(0, lddw(R1, 300_001), mov64(R0, 0), add64(R0, 1), alu64(SUB, R1, 1),
                jmp(JNE, R1, 0, -3), exit());
        assertThat(exe.run(new byte[0])).isEqualTo(300_001);
        assertThat(BpfRuntime.create().instructionBudget()).isZero();
    }

    @Test
    void negativeBudgetIsRejected() {
        assertThatThrownBy(() -> BpfRuntime.builder().instructionBudget(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
