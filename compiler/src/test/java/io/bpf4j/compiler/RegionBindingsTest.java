package io.bpf4j.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.isa.Assembler;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionMode;
import io.bpf4j.runtime.HelperFunction;
import io.bpf4j.runtime.Memory;
import io.bpf4j.runtime.MemoryAccessFault;
import io.bpf4j.runtime.Program;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.types.XdpPacket;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

/**
 * The regions compiled code binds to locals (see {@code RegionBindings}): a function's own stack
 * frame, reached at constant offsets of r10 without a region check, and the packet's array in
 * loops over proven-safe accesses. Each fast path must behave exactly as the checked one: same
 * values, same faults, and a region whose segment a helper replaced is seen afresh.
 */
class RegionBindingsTest {
    private static final BpfRuntime COMPILED = BpfRuntime.builder().executionMode(ExecutionMode.COMPILED).build();
    private static final BpfRuntime INTERPRETED = BpfRuntime.builder().executionMode(ExecutionMode.INTERPRETER).build();

    private static Program xdp(String name, String source) {
        return Program.of(ProgramType.XDP, name, Assembler.assemble(source));
    }

    /** Stores and loads of every size at the frame's first and last bytes. */
    private static final String FRAME_ACCESSES = """
            *(u64 *)(r10 - 512) = -2
            r1 = 0x11223344
            *(u32 *)(r10 - 8) = r1
            *(u16 *)(r10 - 2) = r1
            *(u8 *)(r10 - 1) = 0x80
            r0 = *(u64 *)(r10 - 512)
            r2 = *(u32 *)(r10 - 8)
            r0 += r2
            r3 = *(u16 *)(r10 - 2)
            r0 += r3
            r4 = *(s8 *)(r10 - 1)
            r0 += r4
            r5 = *(u8 *)(r10 - 512)
            r0 += r5
            r6 = *(s32 *)(r10 - 6)
            r0 += r6
            exit
            """;

    @Test
    void frameAccessesOfEverySizeReadWhatWasWritten() {
        Program program = Program.of("frame", Assembler.assemble(FRAME_ACCESSES));
        // bytes r10-8 to r10-1: 44 33 22 11 00 00 44 80 (the u8 store overwrote the u16's high byte)
        long expected = -2L + 0x11223344L + 0x8044L - 128 + 0xfe + 0x1122;
        Executable compiled = COMPILED.load(program);
        assertThat(compiled.isCompiled()).isTrue();
        assertThat(compiled.run(new byte[0])).isEqualTo(expected);
        assertThat(INTERPRETED.load(program).run(new byte[0])).isEqualTo(expected);
    }

    @Test
    void frameAccessesAtConstantOffsetsTakeNoRegionCheck() {
        String text = BytecodeDump.dump(Program.of("frame", Assembler.assemble(FRAME_ACCESSES)), BpfRuntime.builder());
        String f0 = text.substring(text.indexOf("f0("), text.indexOf("run("));
        assertThat(f0).contains("CompiledSupport.frameSegment", "MemorySegment.get", "MemorySegment.set");
        // Memory's own checks stay as the fallback (a frame that is not what frameSegment expects),
        // out of line: no inline region check, no byte[] cache
        assertThat(f0).contains("Memory.load(", "Memory.store(").doesNotContain("Memory.loadOffset", "Memory.byteArrayOf");
    }

    @Test
    void anAccessJustOutsideTheFrameStillFaultsAtItsInstruction() {
        for (String access : new String[] {"r0 = *(u64 *)(r10 - 520)", "r0 = *(u8 *)(r10 + 0)", "*(u32 *)(r10 - 2) = 1",
                                           "*(u16 *)(r10 - 513) = 1"}) {
            Program program = Program.of("outside", Assembler.assemble("r0 = 0\n" + access + "\nexit"));
            for (BpfRuntime runtime : new BpfRuntime[] {COMPILED, INTERPRETED}) {
                assertThatThrownBy(() -> runtime.load(program).run(new byte[0])).as(access)
                        .isInstanceOf(MemoryAccessFault.class).hasMessageContaining("instruction 1");
            }
        }
    }

    @Test
    void noProgramCanMoveR10WhichTheFrameShortcutAssumes() {
        // The shortcut takes r10 + constant to be in the frame; instructions are validated on
        // decoding, so a write to r10, plain or through a fetching atomic, never reaches a compiler.
        for (String write : new String[] {"r10 += -8", "r10 = *(u64 *)(r1 + 0)", "r10 = atomic_fetch_add((u64 *)(r1 + 0), r10)"}) {
            assertThatThrownBy(() -> Program.of("moved", Assembler.assemble(write + "\nexit"))).as(write)
                    .hasMessageContaining("read-only frame pointer");
        }
    }

    /**
     * Sums the packet's 16-bit words up to data_end: the loop's bound is data_end, read from the
     * context on every run. The word load (instruction 7) is in bounds on every path.
     */
    private static final Program WORD_SUM = xdp("word_sum", """
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r0 = 0
            r4 = r2
            r5 = r4
            r5 += 2
            if r5 > r3 goto +4
            r6 = *(u16 *)(r4 + 0)
            r0 += r6
            r4 += 2
            if r4 != r3 goto -7
            exit
            """);
    private static final int WORD_LOAD = 7;

    private static BitSet at(int pc) {
        BitSet set = new BitSet();
        set.set(pc);
        return set;
    }

    private static long wordSum(byte[] packet, int extra) {
        long sum = 0;
        for (int i = 0; i + 2 <= packet.length + extra; i += 2) {
            sum += (packet[i] & 0xff) | (packet[i + 1] & 0xff) << 8;
        }
        return sum;
    }

    private static byte[] packet(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 7 + 3);
        }
        return bytes;
    }

    @Test
    void aLoopOverProvenPacketLoadsFollowsItsBoundRunAfterRun() {
        Executable exe = COMPILED.load(WORD_SUM, at(WORD_LOAD));
        assertThat(BytecodeDump.dump(WORD_SUM, BpfRuntime.builder())).doesNotContain("byteArrayRegion");
        for (int length : new int[] {1500, 64, 0, 1, 3, 2, 1499, 200, 1500}) {
            byte[] bytes = packet(length);
            assertThat(exe.runXdp(XdpPacket.of(bytes)).returnValue()).as("length " + length).isEqualTo(wordSum(bytes, 0));
        }
    }

    @Test
    void theProvenLoopBindsThePacket() {
        java.util.concurrent.atomic.AtomicReference<String> text = new java.util.concurrent.atomic.AtomicReference<>();
        io.bpf4j.compiler.internal.BytecodeCompilerService.capture(
                c -> text.set(BytecodeDump.toText(c.classFile())), () -> COMPILED.load(WORD_SUM, at(WORD_LOAD)));
        assertThat(text.get()).contains("CompiledSupport.byteArrayRegion", "CompiledSupport.arrayLoad16");
    }

    /** As {@link #WORD_SUM}, but the bound is 64 bytes past data_end: only a check can stop it. */
    private static final Program OVERRUN = xdp("overrun", """
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r3 += 64
            r0 = 0
            r4 = r2
            r5 = r4
            r5 += 2
            if r5 > r3 goto +4
            r6 = *(u16 *)(r4 + 0)
            r0 += r6
            r4 += 2
            if r4 != r3 goto -7
            exit
            """);
    private static final int OVERRUN_LOAD = 8;

    @Test
    void anOverrunningPacketLoopFaultsUnlessTheLoadIsProven() {
        byte[] bytes = packet(100);
        assertThatThrownBy(() -> COMPILED.load(OVERRUN).runXdp(XdpPacket.of(bytes)))
                .isInstanceOf(MemoryAccessFault.class).hasMessageContaining("instruction " + OVERRUN_LOAD);
        // Wrongly "proven" (no verifier would): the run reads the frame's tailroom, as ProvenSafeAccessTest shows.
        assertThat(COMPILED.load(OVERRUN, at(OVERRUN_LOAD)).runXdp(XdpPacket.of(bytes)).returnValue())
                .isGreaterThanOrEqualTo(wordSum(bytes, 0));
    }

    /** The overrunning loop over the memory r1 points at, 80 bytes from r1. */
    private static final Program PLAIN_OVERRUN = xdp("plain_overrun", """
            r2 = r1
            r3 = r1
            r3 += 80
            r0 = 0
            r4 = r2
            r5 = r4
            r5 += 2
            if r5 > r3 goto +4
            r6 = *(u16 *)(r4 + 0)
            r0 += r6
            r4 += 2
            if r4 != r3 goto -7
            exit
            """);

    @Test
    void aProvenLoopOverPlainMemoryKeepsItsChecks() {
        // r1 points at plain bytes (a byte[] region, as a packet is): the proof does not hold in this run.
        Executable exe = COMPILED.load(PLAIN_OVERRUN, at(OVERRUN_LOAD));
        assertThatThrownBy(() -> exe.run(packet(32))).isInstanceOf(MemoryAccessFault.class)
                .hasMessageContaining("instruction " + OVERRUN_LOAD);
        assertThat(exe.run(packet(80))).isEqualTo(wordSum(packet(80), 0));
    }

    /**
     * A packet loop that calls, after its fourth word, a helper replacing the packet's segment
     * with one of all-0x01 bytes: the words after the call must come from the new segment.
     */
    private static final Program REPLACED = xdp("replaced", """
            r6 = *(u32 *)(r1 + 0)
            r7 = *(u32 *)(r1 + 4)
            r8 = 0
            r9 = r6
            r1 = r6
            r1 += 2
            if r1 > r7 goto +9
            r1 = *(u16 *)(r6 + 0)
            r8 += r1
            r6 += 2
            r1 = r6
            r1 -= r9
            if r1 != 8 goto +2
            r1 = r9
            call 1001
            if r6 != r7 goto -12
            r0 = r8
            exit
            """);
    private static final int REPLACED_LOAD = 7;

    private static final HelperFunction REPLACE_SEGMENT = (r1, r2, r3, r4, r5, ctx) -> {
        Memory memory = ctx.memory();
        byte[] ones = new byte[(int) memory.segmentOf(r1).byteSize()];
        Arrays.fill(ones, (byte) 1);
        memory.replaceSegment(r1, MemorySegment.ofArray(ones));
        return 0;
    };

    @Test
    void aLoopSeesThePacketSegmentAHelperReplaced() {
        byte[] bytes = packet(64);
        long expected = wordSum(Arrays.copyOf(bytes, 8), 0) + 28 * 0x0101L;
        for (ExecutionMode mode : new ExecutionMode[] {ExecutionMode.COMPILED, ExecutionMode.INTERPRETER}) {
            BpfRuntime runtime = BpfRuntime.builder().executionMode(mode).helper(1001, "replace_segment", REPLACE_SEGMENT).build();
            for (BitSet proven : new BitSet[] {new BitSet(), at(REPLACED_LOAD)}) {
                Executable exe = runtime.load(REPLACED, proven);
                for (int run = 0; run < 3; run++) {
                    assertThat(exe.runXdp(XdpPacket.of(bytes)).returnValue()).as(mode + " " + proven).isEqualTo(expected);
                }
            }
        }
    }
}
