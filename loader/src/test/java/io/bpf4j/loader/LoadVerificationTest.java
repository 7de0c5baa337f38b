package io.bpf4j.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.MemoryAccessFault;
import io.bpf4j.runtime.types.XdpPacket;
import org.junit.jupiter.api.Test;

/** Objects are verified before their programs can run, unless the embedder says otherwise. */
class LoadVerificationTest {
    @Test
    void objectsAreVerifiedByDefault() {
        LoadedObject loaded = LoadedObject.load(TestObjects.parse(TestObjects.Source.PREBUILT, "flow_parser"),
                BpfRuntime.create());
        assertThat(loaded.verification()).isEqualTo(Verification.REQUIRED);
    }

    @Test
    void aProgramTheVerifierRejectsIsNotLoadedUnlessVerificationIsSkipped() {
        // The packet read in this program is not bounds-checked against data_end: Linux rejects it.
        ObjectBuilder b = new ObjectBuilder();
        byte[] code = io.bpf4j.isa.Assembler.assemble("""
                r2 = *(u32 *)(r1 + 0)
                r0 = *(u8 *)(r2 + 0)
                exit""").toBytes();
        int xdp = b.section("xdp", io.bpf4j.loader.elf.ElfSection.SHT_PROGBITS,
                io.bpf4j.loader.elf.ElfSection.SHF_ALLOC | io.bpf4j.loader.elf.ElfSection.SHF_EXECINSTR, code);
        b.function("unchecked", xdp, 0, code.length);
        b.data("license", ObjectBuilder.cstring("GPL"));
        BpfObject unchecked = BpfObject.parse(b.build());
        assertThatThrownBy(() -> LoadedObject.load(unchecked, BpfRuntime.create()))
                .isInstanceOf(ProgramRejectedException.class)
                .hasMessageContaining("program 'unchecked' is rejected by the verifier")
                .satisfies(e -> assertThat(((ProgramRejectedException) e).log().instruction()).isEqualTo(1));

        // Unverified, it runs; the run-time checks still stop it at the end of the packet.
        LoadedObject loaded = ExecutionModes.checked(LoadedObject.load(unchecked, BpfRuntime.create(), Verification.SKIPPED));
        assertThat(loaded.program("unchecked").runXdp(XdpPacket.of(new byte[] {42})).returnValue()).isEqualTo(42);
        assertThatThrownBy(() -> loaded.program("unchecked").runXdp(XdpPacket.of(new byte[0])))
                .isInstanceOf(MemoryAccessFault.class);
    }

    @Test
    void theRuntimeBoundsTheVerificationWorkOfItsPrograms() {
        BpfObject flows = TestObjects.parse(TestObjects.Source.PREBUILT, "flow_parser");
        long steps = flows.programs().stream().mapToLong(p -> io.bpf4j.verifier.Verifier.verify(
                ObjectVerification.request(flows, p, p.kind())).stats().instructionsProcessed()).max().orElseThrow();
        assertThat(steps).isGreaterThan(10);

        BpfRuntime frugal = BpfRuntime.builder().verifierInstructionLimit(steps - 1).build();
        assertThatThrownBy(() -> LoadedObject.load(flows, frugal))
                .isInstanceOf(ProgramRejectedException.class)
                .hasMessageContaining("BPF program is too large");
        BpfRuntime enough = BpfRuntime.builder().verifierInstructionLimit(steps).build();
        assertThat(LoadedObject.load(flows, enough).programs()).isNotEmpty();
    }

    @Test
    void theRuntimeBoundsTheVerifierMemoryOfItsPrograms() {
        BpfObject flows = TestObjects.parse(TestObjects.Source.PREBUILT, "flow_parser");
        assertThat(LoadedObject.load(flows, BpfRuntime.builder().build()).programs()).isNotEmpty();
        // A state of one frame takes about 3 KB: 4 KB cannot hold the branches flow_parser leaves to explore.
        BpfRuntime littleMemory = BpfRuntime.builder().verifierMemoryLimit(4 << 10).build();
        assertThatThrownBy(() -> LoadedObject.load(flows, littleMemory))
                .isInstanceOf(ProgramRejectedException.class)
                .hasMessageContaining("verification needs more than its memory limit of 4096 bytes");
        assertThatThrownBy(() -> BpfRuntime.builder().verifierMemoryLimit(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
