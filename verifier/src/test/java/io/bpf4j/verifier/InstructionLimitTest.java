package io.bpf4j.verifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Assembler;
import io.bpf4j.isa.Instructions;
import io.bpf4j.runtime.ProgramType;
import org.junit.jupiter.api.Test;

/** The verification work limit: Linux's one million steps by default, lower on request. */
class InstructionLimitTest {
    /** A loop of 100 iterations of 3 instructions: about 300 steps to prove it ends. */
    private static final Instructions LOOP = Assembler.assemble("""
            r0 = 0
            r1 = 0
            loop:
            r1 += 1
            r0 += r1
            if r1 < 100 goto loop
            exit""");

    @Test
    void defaultLimitIsLinuxs() {
        VerificationRequest request = VerificationRequest.of(LOOP, ProgramType.XDP);
        assertThat(request.instructionLimit()).isEqualTo(1_000_000).isEqualTo(Verifier.INSTRUCTION_LIMIT);
        assertThat(Verifier.verify(request).accepted()).isTrue();
    }

    @Test
    void aLowerLimitRejectsWhatNeedsMoreSteps() {
        VerificationResult full = Verifier.verify(VerificationRequest.of(LOOP, ProgramType.XDP));
        long steps = full.stats().instructionsProcessed();
        assertThat(steps).isGreaterThan(300);

        VerificationResult tooFew = Verifier.verify(VerificationRequest.of(LOOP, ProgramType.XDP).withInstructionLimit(steps - 1));
        assertThat(tooFew.accepted()).isFalse();
        assertThat(tooFew.rejection().reason()).startsWith("BPF program is too large. Processed " + steps + " insn");
        assertThat(Verifier.verify(VerificationRequest.of(LOOP, ProgramType.XDP).withInstructionLimit(steps)).accepted()).isTrue();
    }

    @Test
    void aRequestTakesTheLimitsARuntimeSetsForItsPrograms() {
        VerificationRequest request = VerificationRequest.of(LOOP, ProgramType.XDP);
        io.bpf4j.runtime.BpfRuntime limited = io.bpf4j.runtime.BpfRuntime.builder()
                .verifierInstructionLimit(1234).verifierMemoryLimit(56_789).build();
        assertThat(request.withLimitsOf(limited).instructionLimit()).isEqualTo(1234);
        assertThat(request.withLimitsOf(limited).stateMemoryLimit()).isEqualTo(56_789);
        // A runtime that leaves the memory limit to the verifier keeps the request's.
        io.bpf4j.runtime.BpfRuntime defaults = io.bpf4j.runtime.BpfRuntime.builder().build();
        assertThat(request.withLimitsOf(defaults).stateMemoryLimit()).isEqualTo(request.stateMemoryLimit());
        assertThat(request.withLimitsOf(defaults).instructionLimit()).isEqualTo(defaults.verifierInstructionLimit());
    }

    @Test
    void theLimitMustBePositive() {
        assertThatThrownBy(() -> VerificationRequest.of(LOOP, ProgramType.XDP).withInstructionLimit(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
