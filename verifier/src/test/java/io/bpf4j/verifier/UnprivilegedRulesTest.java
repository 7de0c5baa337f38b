package io.bpf4j.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpf4j.isa.Assembler;
import io.bpf4j.runtime.ProgramType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rules that differ between privileged and unprivileged verification (verdicts as Linux 6.18 gives them). */
class UnprivilegedRulesTest {
    private static VerificationResult verify(String asm, ProgramType type, boolean privileged) {
        return Verifier.verify(VerificationRequest.of(Assembler.assemble(asm), type).withPrivileged(privileged));
    }

    @Test
    void aPointerKnownNotNullMayBeComparedWithZero() {
        // An array lookup with a constant key in range cannot fail: the null check's outcome is known.
        String asm = """
                r2 = 0
                *(u32 *)(r10 - 4) = r2
                r2 = r10
                r2 += -4
                r1 = map(0) ll
                call 1
                r6 = r0
                if r6 == 0 goto +1
                r0 = *(u64 *)(r6 + 0)
                r0 = 0
                exit""";
        assertThat(Verifier.verify(CorpusPrograms.request(asm, "xdp", List.of("array:4:16:4"), "GPL")
                .withPrivileged(false)).accepted()).isTrue();
        // a stack pointer is not one Linux knows to be non-null: comparing it stays prohibited
        VerificationResult stack = verify("r1 = r10\nif r1 == 0 goto +0\nr0 = 0\nexit", ProgramType.XDP, false);
        assertThat(stack.accepted()).isFalse();
        assertThat(stack.rejection().reason()).isEqualTo("R1 pointer comparison prohibited");
    }

    @Test
    void aVariableSizeHelperWriteNeedsInitializedStackWhenUnprivileged() {
        String asm = """
                r4 = *(u32 *)(r1 + 0)
                r4 &= 15
                r4 += 1
                r2 = 0
                r3 = r10
                r3 += -16
                call 26
                r0 = 0
                exit""";
        assertThat(verify(asm, ProgramType.SCHED_CLS, true).accepted()).isTrue();
        VerificationResult unprivileged = verify(asm, ProgramType.SCHED_CLS, false);
        assertThat(unprivileged.accepted()).isFalse();
        assertThat(unprivileged.rejection().instruction()).isEqualTo(6);
        assertThat(unprivileged.rejection().reason()).contains("read from stack R3 off -16+0 size 16");
        // with a constant size the helper fills every byte: uninitialized stack is fine
        assertThat(verify(asm.replace("r4 &= 15\nr4 += 1", "r4 = 16"), ProgramType.SCHED_CLS, false).accepted()).isTrue();
    }

    @Test
    void perfmonHelpersAndTypesAreRefusedWhenUnprivileged() {
        String printk = """
                r1 = 0
                *(u64 *)(r10 - 8) = r1
                r1 = r10
                r1 += -8
                r2 = 8
                call 6
                r0 = 0
                exit""";
        assertThat(verify(printk, ProgramType.XDP, true).accepted()).isTrue();
        VerificationResult unprivileged = verify(printk, ProgramType.XDP, false);
        assertThat(unprivileged.accepted()).isFalse();
        assertThat(unprivileged.rejection().reason()).isEqualTo("unknown func bpf_trace_printk#6");

        assertThat(verify("r0 = 0\nexit", ProgramType.KPROBE, true).accepted()).isTrue();
        VerificationResult kprobe = verify("r0 = 0\nexit", ProgramType.KPROBE, false);
        assertThat(kprobe.accepted()).isFalse();
        assertThat(kprobe.rejection().reason()).contains("needs CAP_PERFMON");
    }
}
