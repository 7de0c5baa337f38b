package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a run ends: exit returns all 64 bits of r0; running past the last instruction faults naming it. */
class ProgramEndTest {

    @Test
    void exitReturnsAll64BitsOfR0() {
        assertThat(run(lddw(R0, 0x8000_0000_0000_0001L), exit())).isEqualTo(0x8000_0000_0000_0001L);
        assertThat(run(exit())).isZero(); // r0 starts at 0
    }

    @Test
    void runningPastTheEndFaults() {
        ProgramFault fault = fault(ProgramFault.class, new byte[0], mov64(R0, 1), mov64(R0, 2));
        assertThat(fault).isNotInstanceOf(MemoryAccessFault.class).isNotInstanceOf(BudgetExhaustedFault.class);
        assertThat(fault.pc()).isEqualTo(1);
        assertThat(fault).hasMessageContaining("instruction 1:").hasMessageContaining("without exit");
    }

    @Test
    void runningPastTheEndAfterAnUntakenJumpFaults() {
        ProgramFault fault = fault(ProgramFault.class, new byte[0], mov64(R0, 1), jmp(JEQ, R0, 0, -2));
        assertThat(fault.pc()).isEqualTo(1);
    }

    @Test
    void runningPastTheEndInACalleeFaults() {
        ProgramFault fault = fault(ProgramFault.class, new byte[0], callLocal(1), exit(), mov64(R0, 1));
        assertThat(fault.pc()).isEqualTo(2);
    }

    @Test
    void runningPastTheEndAfterLddwNamesTheLddw() {
        // the last slot is the second half of the lddw at 1: the fault must name instruction 1
        ProgramFault fault = fault(ProgramFault.class, new byte[0], mov64(R0, 1), lddw(R0, 2));
        assertThat(fault.pc()).isEqualTo(1);
        assertThat(fault).hasMessageContaining("instruction 1:");
    }
}
