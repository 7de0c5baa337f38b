package io.bpf4j.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Assembler;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.MemoryAccessFault;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.types.XdpPacket;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

/**
 * Accesses handed to {@link BpfRuntime#load(Program, BitSet)} as proven safe run without their
 * region check, but only in runs of the program's own type with the runtime's own context: a
 * program without such a set, and any run on plain memory, keep every check. The program here
 * reads the packet without comparing against data_end, so only a skipped check lets the read
 * through (a verifier would never prove it: the set is deliberately wrong, to make the skipping
 * visible).
 */
class ProvenSafeAccessTest {
    /** Reads the u32 at data + 64 of the packet, with no bounds check. */
    private static final Program UNCHECKED_READ = Program.of(ProgramType.XDP, "unchecked_read", Assembler.assemble("""
            r2 = *(u32 *)(r1 + 0)
            r0 = *(u32 *)(r2 + 64)
            exit
            """));
    private static final int PACKET_LOAD = 1;

    private static final BpfRuntime COMPILED = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).build();

    private static BitSet provenPacketLoad() {
        BitSet proven = new BitSet();
        proven.set(PACKET_LOAD);
        return proven;
    }

    @Test
    void withoutAProvenSetTheAccessIsCheckedAndFaults() {
        Executable exe = COMPILED.load(UNCHECKED_READ);
        assertThat(exe.isCompiled()).isTrue();
        assertThatThrownBy(() -> exe.runXdp(XdpPacket.of(new byte[16]))).isInstanceOf(MemoryAccessFault.class)
                .hasMessageContaining("instruction " + PACKET_LOAD);
    }

    @Test
    void aProvenAccessSkipsItsCheckInARunOfTheProgramsType() {
        Executable exe = COMPILED.load(UNCHECKED_READ, provenPacketLoad());
        // Past data_end but inside the frame's buffer: the unchecked read does not fault. (What it
        // reads is the frame's tailroom, which a thread's pooled frame does not clear between runs.)
        assertThatCode(() -> exe.runXdp(XdpPacket.of(new byte[16]))).doesNotThrowAnyException();
    }

    @Test
    void aRunOnPlainMemoryKeepsTheChecksOfAProvenAccess() {
        Executable exe = COMPILED.load(UNCHECKED_READ, provenPacketLoad());
        // r1 points at plain bytes, not an xdp_md: what the verifier assumed does not hold.
        assertThatThrownBy(() -> exe.run(new byte[8])).isInstanceOf(MemoryAccessFault.class)
                .hasMessageContaining("instruction " + PACKET_LOAD);
    }

    @Test
    void anUntypedProgramKeepsItsChecksWhateverTheSet() {
        Executable exe = COMPILED.load(UNCHECKED_READ.withType(ProgramType.UNSPEC), provenPacketLoad());
        assertThatThrownBy(() -> exe.runXdp(XdpPacket.of(new byte[16]))).isInstanceOf(MemoryAccessFault.class);
    }

    @Test
    void theInterpreterKeepsEveryCheck() {
        Executable exe = BpfRuntime.builder().executionMode(ExecutionMode.INTERPRETER).build()
                .load(UNCHECKED_READ, provenPacketLoad());
        assertThatThrownBy(() -> exe.runXdp(XdpPacket.of(new byte[16]))).isInstanceOf(MemoryAccessFault.class);
    }
}
