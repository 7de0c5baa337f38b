package io.bpf4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.capture.CaptureFormatException;
import io.bpf4j.capture.CaptureReader;
import io.bpf4j.classic.ClassicFormatException;
import io.bpf4j.classic.ClassicReader;
import io.bpf4j.isa.Assembler;
import io.bpf4j.isa.Instructions;
import io.bpf4j.isa.InvalidInstructionException;
import io.bpf4j.loader.BpfObject;
import io.bpf4j.loader.ObjectFormatException;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.BudgetExhaustedFault;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramFault;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapDefinitionException;
import io.bpf4j.runtime.maps.MapFactory;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.verifier.VerificationRequest;
import io.bpf4j.verifier.VerificationResult;
import io.bpf4j.verifier.Verifier;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Every cap meets a hostile input with its own specific error: no OutOfMemoryError, no
 * StackOverflowError, no hang. One test per cap; docs/SECURITY.md lists them.
 */
class ResourceLimitsTest {
    @Test
    void programSizeCap() {
        byte[] huge = new byte[(Instructions.MAX_SLOTS + 1) * 8];
        assertThatThrownBy(() -> Instructions.decode(huge))
                .isInstanceOf(InvalidInstructionException.class)
                .hasMessageContaining("more than the limit of " + Instructions.MAX_SLOTS);
    }

    @Test
    void perRuntimeProgramSizeCap() {
        BpfRuntime runtime = BpfRuntime.builder().maxProgramSize(100).build();
        Instructions big = Assembler.assemble("r0 = 0\n".repeat(100) + "exit\n");
        assertThatThrownBy(() -> runtime.load(Program.of("big", big)))
                .isInstanceOf(io.bpf4j.runtime.ProgramLoadException.class)
                .hasMessageContaining("more than this runtime's limit of 100");
        assertThat(runtime.load(Program.of("small", Assembler.assemble("r0 = 0\n".repeat(99) + "exit\n"))).run(new byte[8])).isZero();
    }

    @Test
    void verificationWorkCap() {
        // A bounded loop of ten million iterations: the verifier walks each one until its step limit.
        Instructions loop = Assembler.assemble("r1 = 0\nl: r1 += 1\nif r1 < 10000000 goto l\nr0 = 0\nexit\n");
        VerificationResult r = Verifier.verify(VerificationRequest.of(loop, ProgramType.XDP));
        assertThat(r.accepted()).isFalse();
        assertThat(r.rejection().format()).contains("too large");
        assertThat(r.stats().instructionsProcessed()).isLessThanOrEqualTo(Verifier.INSTRUCTION_LIMIT + 1);
    }

    @ParameterizedTest
    @EnumSource(value = ExecutionMode.class, names = {"INTERPRETER", "COMPILED"})
    void instructionsPerRunCap(ExecutionMode mode) {
        BpfRuntime runtime = BpfRuntime.builder().executionMode(mode).instructionBudget(100_000).build();
        Program spin = Program.assemble(ProgramType.SOCKET_FILTER, "l: r0 += 1\ngoto l\n");
        assertThatThrownBy(() -> runtime.load(spin).run(new byte[8]))
                .isInstanceOf(BudgetExhaustedFault.class)
                .hasMessageContaining("100000");
    }

    @ParameterizedTest
    @EnumSource(value = ExecutionMode.class, names = {"INTERPRETER", "COMPILED"})
    void unboundedRecursionMeetsTheFrameCapNotAStackOverflow(ExecutionMode mode) {
        BpfRuntime runtime = BpfRuntime.builder().executionMode(mode).build();
        Program recurse = Program.assemble(ProgramType.SOCKET_FILTER, "f: call f\nexit\n");
        assertThatThrownBy(() -> runtime.load(recurse).run(new byte[8]))
                .isInstanceOf(ProgramFault.class)
                .hasMessageContaining("frames");
    }

    @Test
    void mapMemoryCap() {
        MapFactory small = MapFactory.defaults().withMaxMapBytes(1 << 20);
        MapDefinition big = MapDefinition.of(MapType.ARRAY, 4, 4096, 1024);
        assertThatThrownBy(() -> small.create(big))
                .isInstanceOf(MapDefinitionException.class)
                .hasMessageContaining("needs");
        // the default cap refuses a map that would need 4 TiB before allocating anything
        MapDefinition absurd = MapDefinition.of(MapType.ARRAY, 4, MapDefinition.MAX_VALUE_SIZE, 1 << 20);
        assertThatThrownBy(() -> MapFactory.defaults().create(absurd)).isInstanceOf(MapDefinitionException.class);
    }

    @Test
    void objectFileWithForgedSectionTableIsRefused() {
        ByteBuffer elf = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        elf.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        elf.putShort((short) 1).putShort((short) 247).putInt(1).putLong(0).putLong(0)
                .putLong(Long.MAX_VALUE / 2) // e_shoff far beyond the file
                .putInt(0).putShort((short) 64).putShort((short) 0).putShort((short) 0)
                .putShort((short) 64).putShort((short) 0xffff).putShort((short) 0);
        assertThatThrownBy(() -> BpfObject.parse(elf.array(), "forged.o")).isInstanceOf(ObjectFormatException.class);
    }

    @Test
    void classicFileSizeCap() {
        byte[] huge = new byte[ClassicReader.MAX_FILE + 8];
        assertThatThrownBy(() -> ClassicReader.read(huge)).isInstanceOf(ClassicFormatException.class);
    }

    @Test
    void capturedPacketSizeCap() {
        ByteBuffer pcap = ByteBuffer.allocate(24 + 16).order(ByteOrder.LITTLE_ENDIAN);
        pcap.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(Integer.MAX_VALUE).putInt(1);
        pcap.putInt(0).putInt(0).putInt(Integer.MAX_VALUE).putInt(Integer.MAX_VALUE); // a 2 GiB packet, claimed
        assertThatThrownBy(() -> {
            try (CaptureReader r = CaptureReader.open(new ByteArrayInputStream(pcap.array()))) {
                r.next();
            }
        }).isInstanceOf(CaptureFormatException.class);
    }
}
