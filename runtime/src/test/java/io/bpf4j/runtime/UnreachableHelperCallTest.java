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
        {
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
    }
}
