package io.bpf4j.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Assembler;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.ContextAccess;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.Memory;
import io.bpf4j.runtime.MemoryAccessFault;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.RunContext;
import io.bpf4j.runtime.spi.ContextFields;
import io.bpf4j.runtime.types.XdpFrame;
import io.bpf4j.runtime.types.XdpPacket;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

/**
 * Compiled code reads the fields of the runtime's own XDP context directly (see
 * {@code RegionBindings}): the values must be the checked path's at every moment of the run (after
 * each helper that moves the packet), every load that is not exactly a field keeps the checked
 * path and its fault, and contexts an embedder writes are never read behind their back.
 */
class ContextFieldLoadTest {
    private static final BpfRuntime COMPILED = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).build();
    private static final BpfRuntime INTERPRETED = BpfRuntime.builder().executionMode(ExecutionMode.INTERPRETER).build();
    private static final XdpPacket PACKET = XdpPacket.of(new byte[64]);

    private static Program xdp(String source) {
        return Program.of(ProgramType.XDP, "ctx_fields", Assembler.assemble(source));
    }

    /**
     * Runs {@code program} compiled (copying and in place, whole and split into chunk methods,
     * which bind the context each) and interpreted; returns r0, the same in all.
     */
    private static long runAll(Program program) {
        long interpreted = INTERPRETED.load(program).runXdp(PACKET).returnValue();
        Executable[] split = new Executable[1];
        io.bpf4j.compiler.internal.BytecodeCompilerService.splittingEverything(40, () -> split[0] = COMPILED.load(program));
        for (Executable compiled : new Executable[] {COMPILED.load(program), split[0]}) {
            assertThat(compiled.isCompiled()).isTrue();
            assertThat(compiled.runXdp(PACKET).returnValue()).isEqualTo(interpreted);
            assertThat(compiled.runXdpInPlace(XdpFrame.of(PACKET))).isEqualTo(interpreted);
        }
        return interpreted;
    }

    @Test
    void dataReadAfterAdjustHeadIsTheMovedPointer() {
        // data before and after bpf_xdp_adjust_head(ctx, 14), through the same (untouched) ctx register
        long r0 = runAll(xdp("""
                r6 = r1
                r7 = *(u32 *)(r6 + 0)
                r8 = *(u32 *)(r6 + 4)
                r2 = 14
                call 44
                if r0 != 0 goto fail
                r2 = *(u32 *)(r6 + 0)
                r3 = *(u32 *)(r6 + 4)
                r2 -= r7
                r3 -= r8
                r0 = r3
                r0 <<= 8
                r0 |= r2
                exit
                fail:
                r0 = 999
                exit"""));
        assertThat(r0).isEqualTo(14);
    }

    @Test
    void dataReadInALoopOfAdjustHeadsFollowsEachMove() {
        // four adjust_head(+2) in a loop, data re-read after each: the sum of the moves seen is 2+4+6+8
        long r0 = runAll(xdp("""
                r6 = r1
                r7 = *(u32 *)(r6 + 0)
                r8 = 0
                r9 = 4
                loop:
                r1 = r6
                r2 = 2
                call 44
                r2 = *(u32 *)(r6 + 0)
                r2 -= r7
                r8 += r2
                r9 -= 1
                if r9 != 0 goto loop
                r0 = r8
                exit"""));
        assertThat(r0).isEqualTo(20);
    }

    @Test
    void dataMetaAndDataEndReadAfterAdjustMetaAndAdjustTail() {
        // adjust_meta(-8): data - data_meta becomes 8; adjust_tail(-6): data_end moves back by 6
        long r0 = runAll(xdp("""
                r6 = r1
                r7 = *(u32 *)(r6 + 4)
                r2 = -8
                call 54
                if r0 != 0 goto fail
                r2 = *(u32 *)(r6 + 8)
                r3 = *(u32 *)(r6 + 0)
                r3 -= r2
                r9 = r3
                r1 = r6
                r2 = -6
                call 65
                if r0 != 0 goto fail
                r4 = *(u32 *)(r6 + 4)
                r7 -= r4
                r0 = r7
                r0 <<= 8
                r0 |= r9
                exit
                fail:
                r0 = 999
                exit"""));
        assertThat(r0).isEqualTo(6 << 8 | 8);
    }

    @Test
    void ifindexFieldsAndSignExtendingLoadsReadAsTheCheckedPathReadsThem() {
        XdpPacket packet = new XdpPacket(new byte[64], new byte[0], 7, 3, 5);
        Program fields = xdp("""
                r2 = *(u32 *)(r1 + 12)
                r3 = *(u32 *)(r1 + 16)
                r4 = *(u32 *)(r1 + 20)
                r0 = r2
                r0 <<= 8
                r0 |= r3
                r0 <<= 8
                r0 |= r4
                exit""");
        assertThat(INTERPRETED.load(fields).runXdp(packet).returnValue()).isEqualTo(7 << 16 | 3 << 8 | 5);
        assertThat(COMPILED.load(fields).runXdp(packet).returnValue()).isEqualTo(7 << 16 | 3 << 8 | 5);
        // a sign-extending load of a pointer field keeps its low half only, in both engines alike
        Program signed = xdp("""
                r0 = *(s32 *)(r1 + 4)
                exit""");
        long expected = INTERPRETED.load(signed).runXdp(packet).returnValue();
        assertThat(expected).isEqualTo(256 + 64); // data_end's offset in the frame: headroom + packet
        assertThat(COMPILED.load(signed).runXdp(packet).returnValue()).isEqualTo(expected);
    }

    @Test
    void loadsThatAreNotFieldsKeepTheCheckedPathAndItsFault() {
        for (String load : new String[] {
                "r0 = *(u32 *)(r1 + 24)", // past struct xdp_md
                "r0 = *(u32 *)(r1 + 252)",
                "r0 = *(u64 *)(r1 + 0)", // a pointer field read whole
                "r0 = *(u16 *)(r1 + 4)",
                "r0 = *(u32 *)(r1 + 2)", // misaligned
        }) {
            Executable compiled = COMPILED.load(xdp(load + "\nexit"));
            assertThatThrownBy(() -> compiled.runXdp(PACKET)).as(load).isInstanceOf(MemoryAccessFault.class)
                    .hasMessageContaining("instruction 0");
            assertThatThrownBy(() -> compiled.runXdpInPlace(XdpFrame.of(PACKET))).as(load)
                    .isInstanceOf(MemoryAccessFault.class);
        }
    }

    @Test
    void aFieldReachedFromAnotherBaseReadsTheSameValue() {
        // ctx + 4 as the base register: not the fast path's shape, the checked path reads data_end
        long r0 = runAll(xdp("""
                r2 = r1
                r2 += 4
                r3 = *(u32 *)(r2 + 0)
                r4 = *(u32 *)(r1 + 4)
                r0 = r3
                r0 -= r4
                exit"""));
        assertThat(r0).isZero();
    }

    @Test
    void addressZeroIsNoContextWhereNoneIsBound() {
        // With no context bound its address reads as 0: a load from address 0 must still fault.
        Executable compiled = COMPILED.load(Program.of("null_load", Assembler.assemble("""
                r1 = 0
                r0 = *(u32 *)(r1 + 0)
                exit""")));
        assertThatThrownBy(() -> compiled.run(new byte[8])).isInstanceOf(MemoryAccessFault.class)
                .hasMessageContaining("instruction 1");
        Executable typed = COMPILED.load(xdp("""
                r1 = 0
                r0 = *(u32 *)(r1 + 0)
                exit"""));
        assertThatThrownBy(() -> typed.runXdp(PACKET)).isInstanceOf(MemoryAccessFault.class);
    }

    /**
     * An embedder's XDP context that even claims to offer direct field reads: compiled code must
     * go through its {@link ContextAccess#load} (counted), never through {@link ContextFields},
     * whose values here are wrong on purpose.
     */
    private static final class EmbedderContext implements RunContext, ContextAccess, ContextFields {
        int loads;
        long address;

        @Override
        public ProgramType type() {
            return ProgramType.XDP;
        }

        @Override
        public Entry enter(Memory memory) {
            address = memory.mapContext("embedder context", this);
            return new Entry(address, 0, 0);
        }

        @Override
        public long load(long at, int offset, int size, int pc) {
            loads++;
            return 1000 + offset;
        }

        @Override
        public void store(long at, int offset, int size, long value, int pc) {
            throw new MemoryAccessFault(pc, at, size, "read-only");
        }

        @Override
        public long address() {
            return address;
        }

        @Override
        public long field(int offset) {
            return -1;
        }

        @Override
        public boolean isField(int offset) {
            return true;
        }
    }

    @Test
    void anEmbeddersContextIsReadThroughItsOwnLoadsEvenWithProofs() {
        Program program = xdp("""
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r0 = r2
                r0 += r3
                exit""");
        BitSet proven = new BitSet(); // proofs of other accesses: the run still must not trust the context
        proven.set(2);
        for (Executable exe : new Executable[] {COMPILED.load(program), COMPILED.load(program, proven)}) {
            assertThat(exe.isCompiled()).isTrue();
            EmbedderContext context = new EmbedderContext();
            assertThat(exe.run(context, null)).isEqualTo(2004);
            assertThat(context.loads).isEqualTo(2);
        }
    }

    @Test
    void theFastPathIsEmittedForFieldLoadsOnly() {
        String text = BytecodeDump.dump(xdp("""
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r0 = 0
                exit"""), BpfRuntime.builder());
        assertThat(text).contains("EngineRun.contextFields", "ContextFields.field");
        String none = BytecodeDump.dump(xdp("""
                r2 = *(u64 *)(r1 + 0)
                r0 = *(u32 *)(r10 - 4)
                exit"""), BpfRuntime.builder());
        assertThat(none).doesNotContain("contextFields", "ContextFields.field");
    }
}
