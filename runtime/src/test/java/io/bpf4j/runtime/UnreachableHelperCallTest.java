package io.bpf4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Assembler;
import io.bpf4j.runtime.types.XdpPacket;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

/**
 * A call of a helper the runtime lacks: refused at load in an unverified program, loaded as a
 * trap in a verified one (where the verifier proved it unreachable, as Linux accepts such code).
 */
class UnreachableHelperCallTest {
    /** The call of helper 9999 sits behind a branch that is never taken (r0 is 0). */
    private static final Program DEAD_CALL = Program.of(ProgramType.XDP, "dead_call", Assembler.assemble("""
            r0 = 0
            if r0 == 1 goto +2
            r0 = 2
            exit
            call 9999
            exit"""));

    /** The same call on the path every run takes. */
    private static final Program LIVE_CALL = Program.of(ProgramType.XDP, "live_call", Assembler.assemble("""
            call 9999
            r0 = 2
            exit"""));

    @Test
    void unverifiedProgramsAreRefusedAtLoad() {
        BpfRuntime runtime = BpfRuntime.create();
        assertThatThrownBy(() -> runtime.load(DEAD_CALL))
                .isInstanceOf(ProgramLoadException.class)
                .hasMessageContaining("calls unknown helper id 9999");
    }

    @Test
    void verifiedProgramsLoadWithATrap() {
        // the runtime's default mode: the compiler module runs this suite again compiled
        BpfRuntime runtime = BpfRuntime.builder().build();
        Executable dead = runtime.load(DEAD_CALL, new BitSet());
        assertThat(dead.runXdp(XdpPacket.of(new byte[64])).returnValue()).isEqualTo(2);
        // Were the facts wrong (the runtime takes them on trust), the call faults where it stands.
        Executable live = runtime.load(LIVE_CALL, new BitSet());
        assertThatThrownBy(() -> live.runXdp(XdpPacket.of(new byte[64])))
                .isInstanceOf(ProgramFault.class)
                .hasMessageContaining("helper id 9999")
                .hasMessageContaining("unreachable")
                .satisfies(e -> assertThat(((ProgramFault) e).pc()).isZero());
    }

    @Test
    void deadKfuncCallsAreTrappedTooInVerifiedPrograms() {
        // call with src 2: a kernel function bpf4j does not provide, behind a branch never taken
        io.bpf4j.isa.Instructions code = io.bpf4j.isa.Instructions.of(java.util.List.of(
                io.bpf4j.isa.Instruction.of(0xb7, 0, 0, 0, 0),    // r0 = 0
                io.bpf4j.isa.Instruction.of(0x15, 0, 0, 1, 1),    // if r0 == 1 goto +1
                io.bpf4j.isa.Instruction.of(0x95, 0, 0, 0, 0),    // exit
                io.bpf4j.isa.Instruction.of(0x85, 0, 2, 0, 1),    // call kfunc with BTF id 1
                io.bpf4j.isa.Instruction.of(0x95, 0, 0, 0, 0)));  // exit
        Program program = Program.of(ProgramType.XDP, "dead_kfunc", code);
        BpfRuntime runtime = BpfRuntime.builder().build();
        assertThatThrownBy(() -> runtime.load(program))
                .isInstanceOf(ProgramLoadException.class).hasMessageContaining("kernel function (kfunc)");
        assertThat(runtime.load(program, new BitSet()).runXdp(XdpPacket.of(new byte[64])).returnValue()).isZero();
    }
}
