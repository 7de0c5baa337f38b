package io.bpf4j.runtime.types;

import static io.bpf4j.runtime.types.TypedPrograms.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bpf4j.runtime.AddressSpace;
import io.bpf4j.runtime.BpfRuntime;
import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.HostEnvironment;
import io.bpf4j.runtime.MemoryAccessFault;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.TaskInfo;
import io.bpf4j.runtime.maps.BpfMap;
import io.bpf4j.runtime.maps.MapDefinition;
import io.bpf4j.runtime.maps.MapType;
import io.bpf4j.runtime.maps.Maps;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tracing contexts (pt_regs, perf event data, tracepoint records, u64 arguments) and the tracing helpers. */
class TracingTest {
    static final long KERNEL_STRUCT = 0xffff_8880_1234_5000L;
    static final long USER_STRING = 0x0000_5555_0000_1000L;
    static final byte[] KERNEL_BYTES = range(1, 33);

    static final List<String> PRINTED = new ArrayList<>();
    static final HostEnvironment HOST = HostEnvironment.builder()
            .currentTask(new TaskInfo(4321, 1234, 1000, 100, "curl-worker-thread-1"))
            .kernelMemory(AddressSpace.builder().map(KERNEL_STRUCT, KERNEL_BYTES)
                    .map(KERNEL_STRUCT + 0x100, "kernel name\0".getBytes(StandardCharsets.US_ASCII))
                    .map(KERNEL_STRUCT + 0x200, new byte[] {(byte) 192, (byte) 168, 0, 1})
                    .build())
            .userMemory(AddressSpace.builder().map(USER_STRING, "/etc/passwd\0".getBytes(StandardCharsets.US_ASCII)).build())
            .tracePrintk(PRINTED::add)
            .build();
    static final BpfRuntime TRACING = BpfRuntime.builder().instructionBudget(100_000).host(HOST).build();

    static Executable tracing(ProgramType type, String assembly, BpfMap... maps) {
        return load(TRACING, type, assembly, maps);
    }

    // ------------------------------------------------------------------ kprobe: struct pt_regs

    @ParameterizedTest(name = "{0} at {1}")
    @CsvSource({"PARM1 di, 112, 11", "PARM2 si, 104, 22", "PARM3 dx, 96, 33", "PARM4 cx, 88, 44", "PARM5 r8, 72, 55",
            "PARM6 r9, 64, 66", "RC ax, 80, 77", "IP, 128, 88", "SP, 152, 99"})
    void ptRegsArgumentMapping(String what, int offset, long expected) {
        PtRegs regs = PtRegs.ofArguments(11, 22, 33, 44, 55, 66).withReturnValue(77).with(PtRegs.Register.IP, 88)
                .with(PtRegs.Register.SP, 99);
        assertThat(tracing(ProgramType.KPROBE, "r0 = *(u64 *)(r1 + " + offset + ")\nexit").runKprobe(regs)).isEqualTo(expected);
        assertThat(PtRegs.Register.values()[offset / 8].offset()).isEqualTo(offset);
    }

    @Test
    void ptRegsNarrowAlignedReadsAndFaults() {
        PtRegs regs = PtRegs.ofArguments(0x1122334455667788L);
        assertThat(tracing(ProgramType.KPROBE, "r0 = *(u32 *)(r1 + 116)\nexit").runKprobe(regs)).isEqualTo(0x11223344);
        assertThat(tracing(ProgramType.KPROBE, "r0 = *(u8 *)(r1 + 112)\nexit").runKprobe(regs)).isEqualTo(0x88);
        MemoryAccessFault write = accessFault(() -> tracing(ProgramType.KPROBE, "*(u64 *)(r1 + 80) = 0\nexit").runKprobe(regs));
        assertThat(write.reason()).contains("struct pt_regs is read-only for KPROBE programs");
        MemoryAccessFault past = accessFault(() -> tracing(ProgramType.KPROBE, "r0 = *(u64 *)(r1 + 168)\nexit").runKprobe(regs));
        assertThat(past.reason()).contains("8-byte read at offset 168 is outside struct pt_regs (168 bytes) of KPROBE programs");
        MemoryAccessFault misaligned = accessFault(() -> tracing(ProgramType.KPROBE, "r0 = *(u64 *)(r1 + 4)\nexit").runKprobe(regs));
        assertThat(misaligned.reason()).contains("misaligned 8-byte read at offset 4 of struct pt_regs");
    }

    // ------------------------------------------------------------------ perf events

    @Test
    void perfEventDataLayoutAndRules() {
        PerfEventData data = new PerfEventData(PtRegs.ofArguments(5), 10_000, 0xdead_beef_0000L);
        assertThat(tracing(ProgramType.PERF_EVENT, "r0 = *(u64 *)(r1 + 112)\nexit").runPerfEvent(data)).isEqualTo(5);
        assertThat(tracing(ProgramType.PERF_EVENT, "r0 = *(u64 *)(r1 + 168)\nexit").runPerfEvent(data)).isEqualTo(10_000);
        assertThat(tracing(ProgramType.PERF_EVENT, "r0 = *(u32 *)(r1 + 176)\nexit").runPerfEvent(data)).isEqualTo(0xbeef_0000L);
        assertThat(tracing(ProgramType.PERF_EVENT, "r0 = *(u16 *)(r1 + 180)\nexit").runPerfEvent(data)).isEqualTo(0xdead);
        MemoryAccessFault narrowRegs = accessFault(() -> tracing(ProgramType.PERF_EVENT, "r0 = *(u32 *)(r1 + 112)\nexit")
                .runPerfEvent(data));
        assertThat(narrowRegs.reason()).contains("may only be read with 8-byte loads");
        accessFault(() -> tracing(ProgramType.PERF_EVENT, "r0 = *(u64 *)(r1 + 184)\nexit").runPerfEvent(data));
    }

    // ------------------------------------------------------------------ tracepoints and arguments

    @Test
    void tracepointRecordFromItsCommonFieldsOn() {
        byte[] record = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 312).put((byte) 0).put((byte) 0)
                .putInt(1234).putLong(59).putLong(0x7fff_0000_1000L).array();
        Executable exe = tracing(ProgramType.TRACEPOINT, "r0 = *(u64 *)(r1 + 8)\nexit");
        assertThat(exe.runTracepoint(record)).isEqualTo(59);
        MemoryAccessFault common = accessFault(() -> tracing(ProgramType.TRACEPOINT, "r0 = *(u32 *)(r1 + 4)\nexit")
                .runTracepoint(record));
        assertThat(common.reason()).contains("the common fields (the first 8 bytes) of a tracepoint record cannot be read");
        MemoryAccessFault past = accessFault(() -> tracing(ProgramType.TRACEPOINT, "r0 = *(u64 *)(r1 + 24)\nexit")
                .runTracepoint(record));
        assertThat(past.reason()).contains("outside the tracepoint record (24 bytes) of TRACEPOINT programs");
    }

    @Test
    void rawTracepointAndTracingArguments() {
        assertThat(tracing(ProgramType.RAW_TRACEPOINT, "r0 = *(u64 *)(r1 + 16)\nexit").runRawTracepoint(7, 8, 9)).isEqualTo(9);
        assertThat(tracing(ProgramType.RAW_TRACEPOINT_WRITABLE, "r0 = *(u64 *)(r1 + 0)\nexit").runRawTracepoint(7)).isEqualTo(7);
        assertThat(tracing(ProgramType.TRACING, "r0 = *(u32 *)(r1 + 8)\nexit").runTracing(1, -2)).isEqualTo(0xffff_fffeL);
        MemoryAccessFault past = accessFault(() -> tracing(ProgramType.RAW_TRACEPOINT, "r0 = *(u64 *)(r1 + 24)\nexit")
                .runRawTracepoint(7, 8, 9));
        assertThat(past.reason()).contains("outside struct bpf_raw_tracepoint_args (3 arguments)");
        MemoryAccessFault write = accessFault(() -> tracing(ProgramType.TRACING, "*(u64 *)(r1 + 0) = 1\nexit").runTracing(1));
        assertThat(write.reason()).contains("is read-only for TRACING programs");
    }

    // ------------------------------------------------------------------ current task

    /** The samples perf_event_output delivered to the sink of {@link #collecting}. */
    final List<byte[]> samples = new ArrayList<>();
    final List<Integer> sampleCpus = new ArrayList<>();
    final BpfMap events = Maps.create(MapDefinition.of(MapType.ARRAY, 4, 4, 4).withName("events"));

    BpfRuntime collecting() {
        return BpfRuntime.builder().instructionBudget(100_000).host(HOST.toBuilder().perfEvents((map, cpu, data) -> {
            assertThat(map).isSameAs(events);
            sampleCpus.add(cpu);
            samples.add(data);
        }).build()).build();
    }

    /** Runs {@code body} as a kprobe (r6 = ctx), then sends the stack bytes [r10 - n, r10) to the sink; returns them. */
    byte[] stackAfter(String body, int n) {
        String program = "r6 = r1\n" + body + """
                r1 = r6
                ld_pseudo r2, 1, 0
                r3 = 0
                r4 = r10
                r4 += -%d
                r5 = %d
                call 25
                exit""".formatted(n, n);
        long r0 = load(collecting(), ProgramType.KPROBE, program, events).runKprobe(PtRegs.empty());
        assertThat(r0).isZero();
        return samples.get(samples.size() - 1);
    }

    /** Assembly that fills [r10 - n, r10) with 0xff bytes, n a multiple of 8. */
    static String fill(int n) {
        StringBuilder out = new StringBuilder("r1 = -1\n");
        for (int i = 8; i <= n; i += 8) {
            out.append("*(u64 *)(r10 - ").append(i).append(") = r1\n");
        }
        return out.toString();
    }

    @Test
    void currentTaskHelpers() {
        assertThat(tracing(ProgramType.KPROBE, "call 14\nexit").runKprobe(PtRegs.empty())).isEqualTo(1234L << 32 | 4321);
        assertThat(tracing(ProgramType.KPROBE, "call 15\nexit").runKprobe(PtRegs.empty())).isEqualTo(100L << 32 | 1000);
        byte[] stack = stackAfter(fill(24) + """
                r1 = r10
                r1 += -24
                r2 = 20
                call 16
                """, 24);
        // at most 15 bytes of name, NUL, zero padding to 20, the rest untouched
        assertThat(new String(stack, 0, 15, StandardCharsets.US_ASCII)).isEqualTo("curl-worker-thr");
        assertThat(java.util.Arrays.copyOfRange(stack, 15, 20)).containsOnly(0);
        assertThat(java.util.Arrays.copyOfRange(stack, 20, 24)).containsOnly(-1);
    }

    @Test
    void defaultTaskIsTheJvmThread() {
        long pidTgid = load(ProgramType.KPROBE, "call 14\nexit").runKprobe(PtRegs.empty());
        assertThat(pidTgid >>> 32).isEqualTo(ProcessHandle.current().pid());
        assertThat((int) pidTgid).isEqualTo((int) Thread.currentThread().threadId());
        assertThat(TaskInfo.currentThread().comm()).isEqualTo(Thread.currentThread().getName());
    }

    // ------------------------------------------------------------------ probe reads

    static String probe(int helper, long source, int size) {
        return """
                r1 = r10
                r1 += -%d
                r2 = %d
                r3 = 0x%x ll
                call %d
                r9 = r0
                """.formatted(size, size, source, helper);
    }

    /** Runs a probe read into [r10 - size, r10) pre-filled with 0xff; returns r0 and the bytes. */
    record Probe(long result, byte[] bytes) {}

    Probe probeRead(int helper, long source, int size) {
        byte[] bytes = stackAfter(fill((size + 7) / 8 * 8) + probe(helper, source, size), size);
        long r0 = load(TRACING, ProgramType.KPROBE, fill((size + 7) / 8 * 8) + probe(helper, source, size) + "r0 = r9\nexit")
                .runKprobe(PtRegs.empty());
        return new Probe(r0, bytes);
    }

    @Test
    void probeReadKernelFromHostMemory() {
        Probe p = probeRead(113, KERNEL_STRUCT + 4, 8);
        assertThat(p.result()).isZero();
        assertThat(p.bytes()).isEqualTo(range(5, 13));
        // the legacy probe_read: a kernel address goes to kernel memory
        assertThat(probeRead(4, KERNEL_STRUCT, 8).bytes()).isEqualTo(range(1, 9));
    }

    @Test
    void unmappedReadsFailWithEfaultAndZeroTheDestination() {
        Probe past = probeRead(113, KERNEL_STRUCT + 28, 8); // 4 mapped bytes, 4 not
        assertThat(past.result()).isEqualTo(-14);
        assertThat(past.bytes()).containsOnly(0);
        Probe nowhere = probeRead(113, 0xffff_ffff_0000_0000L, 16);
        assertThat(nowhere.result()).isEqualTo(-14);
        assertThat(nowhere.bytes()).containsOnly(0);
        // user memory is not kernel memory
        assertThat(probeRead(113, USER_STRING, 4).result()).isEqualTo(-14);
        assertThat(probeRead(112, KERNEL_STRUCT, 4).result()).isEqualTo(-14);
    }

    @Test
    void probeReadUserAndStrings() {
        Probe user = probeRead(112, USER_STRING, 4);
        assertThat(user.result()).isZero();
        assertThat(new String(user.bytes(), StandardCharsets.US_ASCII)).isEqualTo("/etc");
        Probe string = probeRead(114, USER_STRING, 16);
        assertThat(string.result()).isEqualTo(12); // with the NUL
        assertThat(new String(string.bytes(), 0, 12, StandardCharsets.US_ASCII)).isEqualTo("/etc/passwd\0");
        assertThat(java.util.Arrays.copyOfRange(string.bytes(), 12, 16)).containsOnly(-1); // not padded
        Probe cut = probeRead(114, USER_STRING, 5);
        assertThat(cut.result()).isEqualTo(5);
        assertThat(cut.bytes()).containsExactly('/', 'e', 't', 'c', 0);
        Probe legacy = probeRead(45, USER_STRING, 16); // a user address goes to user memory
        assertThat(legacy.result()).isEqualTo(12);
        Probe kernel = probeRead(115, KERNEL_STRUCT + 0x100, 16);
        assertThat(kernel.result()).isEqualTo(12);
        assertThat(new String(kernel.bytes(), 0, 11, StandardCharsets.US_ASCII)).isEqualTo("kernel name");
        Probe unterminated = probeRead(115, KERNEL_STRUCT, 64); // 32 mapped bytes without a NUL
        assertThat(unterminated.result()).isEqualTo(-14);
        assertThat(unterminated.bytes()).containsOnly(0);
    }

    @Test
    void probeReadKernelSeesProgramMemoryAndTheContext() {
        // the program's own stack
        long r0 = load(TRACING, ProgramType.KPROBE, """
                r1 = 0x0807060504030201 ll
                *(u64 *)(r10 - 8) = r1
                r1 = r10
                r1 += -16
                r2 = 8
                r3 = r10
                r3 += -8
                call 113
                r0 = *(u64 *)(r10 - 16)
                exit""").runKprobe(PtRegs.empty());
        assertThat(r0).isEqualTo(0x0807060504030201L);
        // a field of struct pt_regs, as BPF_CORE_READ(ctx, di) reads it
        long di = load(TRACING, ProgramType.KPROBE, """
                r3 = r1
                r3 += 112
                r1 = r10
                r1 += -8
                r2 = 8
                call 113
                r0 = *(u64 *)(r10 - 8)
                exit""").runKprobe(PtRegs.ofArguments(0xabcdef));
        assertThat(di).isEqualTo(0xabcdef);
    }

    // ------------------------------------------------------------------ trace_printk

    long printk(String format, long... args) {
        StringBuilder program = new StringBuilder(stackString(format, 64));
        program.append("r1 = r10\nr1 += -64\nr2 = ").append(format.length() + 1).append('\n');
        for (int i = 0; i < args.length; i++) {
            program.append("r").append(3 + i).append(" = ").append(args[i]).append(" ll\n");
        }
        program.append("call 6\nexit");
        PRINTED.clear();
        return load(TRACING, ProgramType.KPROBE, program.toString()).runKprobe(PtRegs.empty());
    }

    @Test
    void tracePrintkFormatsLikeTheKernel() {
        assertThat(printk("pid %d comm %s\n", 42, KERNEL_STRUCT + 0x100)).isEqualTo(24); // with the newline
        assertThat(PRINTED).containsExactly("pid 42 comm kernel name");
        printk("%u %d %x", -1, -1, 255);
        assertThat(PRINTED).containsExactly("4294967295 -1 ff");
        printk("%X%i", 0xabc, -3);
        assertThat(PRINTED).containsExactly("ABC-3");
        printk("%lu %lld %llx", -1, -5, -1);
        assertThat(PRINTED).containsExactly("18446744073709551615 -5 ffffffffffffffff");
        printk("%ld %li", Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(PRINTED).containsExactly("-9223372036854775808 9223372036854775807");
        printk("[%5d|%-5d|%05d]", 42, 42, -42);
        assertThat(PRINTED).containsExactly("[   42|42   |-0042]");
        printk("[%+d % d %3c]", 7, 7, 'o');
        assertThat(PRINTED).containsExactly("[+7  7   o]");
        printk("%p %px 100%%", 0xffff888012345678L, 0x1000);
        assertThat(PRINTED).containsExactly("ffff888012345678 0000000000001000 100%");
        printk("%pI4 %pi4 %ps", KERNEL_STRUCT + 0x200, KERNEL_STRUCT + 0x200, 0xffffffff81000000L);
        assertThat(PRINTED).containsExactly("192.168.0.1 192.168.000.001 0xffffffff81000000");
        printk("user %pus kernel %pks bad %s.", USER_STRING, KERNEL_STRUCT + 0x100, 0x1234);
        assertThat(PRINTED).containsExactly("user /etc/passwd kernel kernel name bad .");
        printk("%x", 0x1_0000_00ffL);
        assertThat(PRINTED).containsExactly("ff");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"%d %d %d %d", "%q", "%5.2d", "%sfoo", "%pZ", "%#x", "%lf", "a%", "bell BEL"})
    void tracePrintkRejectsWhatLinuxRejects(String format) {
        assertThat(printk(format.replace(" BEL", "\u0007"), 1, 2, 3)).isEqualTo(-22);
        assertThat(PRINTED).isEmpty();
    }

    @Test
    void tracePrintkNeedsTheNulWithinFmtSize() {
        long r0 = load(TRACING, ProgramType.KPROBE, stackString("abcdefg", 8) + """
                r1 = r10
                r1 += -8
                r2 = 7
                call 6
                exit""").runKprobe(PtRegs.empty());
        assertThat(r0).isEqualTo(-22);
    }

    @Test
    void traceVprintkTakesAnArray() {
        PRINTED.clear();
        long r0 = load(TRACING, ProgramType.KPROBE, stackString("%d-%d-%d-%d", 64) + """
                *(u64 *)(r10 - 96) = 1
                *(u64 *)(r10 - 88) = 2
                *(u64 *)(r10 - 80) = 3
                *(u64 *)(r10 - 72) = 4
                r1 = r10
                r1 += -64
                r2 = 12
                r3 = r10
                r3 += -96
                r4 = 32
                call 177
                exit""").runKprobe(PtRegs.empty());
        assertThat(r0).isEqualTo(7);
        assertThat(PRINTED).containsExactly("1-2-3-4");
    }

    // ------------------------------------------------------------------ perf_event_output

    @Test
    void perfEventOutputSendsTheDataToTheHost() {
        byte[] sample = stackAfter("*(u64 *)(r10 - 8) = 0x1234\n", 8);
        assertThat(sample).containsExactly(0x34, 0x12, 0, 0, 0, 0, 0, 0);
        assertThat(sampleCpus).containsExactly(0);
    }

    long output(long flags, int mapEntries) {
        return load(collecting(), ProgramType.KPROBE, """
                r6 = r1
                *(u64 *)(r10 - 8) = 7
                r1 = r6
                ld_pseudo r2, 1, 0
                r3 = 0x%x ll
                r4 = r10
                r4 += -8
                r5 = 8
                call 25
                exit""".formatted(flags), events).runKprobe(PtRegs.empty());
    }

    @Test
    void perfEventOutputFlags() {
        assertThat(output(0xffff_ffffL, 4)).isZero(); // BPF_F_CURRENT_CPU
        assertThat(sampleCpus).hasSize(1);
        assertThat(output(3, 4)).isZero();
        assertThat(sampleCpus.get(1)).isEqualTo(3);
        assertThat(output(4, 4)).isEqualTo(-7); // -E2BIG: past max_entries
        assertThat(output(1L << 32, 4)).isEqualTo(-22); // no packet to append for a kprobe
        assertThat(samples).hasSize(2);
    }

    @Test
    void xdpPerfEventOutputAppendsPacketBytes() {
        Executable exe = load(collecting(), ProgramType.XDP, """
                r6 = r1
                *(u32 *)(r10 - 4) = 0x2a
                r1 = r6
                ld_pseudo r2, 1, 0
                r3 = 0x600000000 ll
                r4 = r10
                r4 += -4
                r5 = 4
                call 25
                exit""", events);
        byte[] frame = ethernet(0x0800, new byte[20]);
        assertThat(exe.runXdp(XdpPacket.of(frame)).returnValue()).isZero();
        assertThat(samples.get(0)).isEqualTo(concat(new byte[] {0x2a, 0, 0, 0}, java.util.Arrays.copyOf(frame, 6)));
        assertThat(exe.runXdp(XdpPacket.of(range(0, 5))).returnValue()).isEqualTo(-14); // shorter than ctxlen
    }

    // ------------------------------------------------------------------ types

    @Test
    void tracingRunsCheckTheProgramType() {
        assertThatThrownBy(() -> load(ProgramType.KPROBE, "r0 = 0\nexit").runRawTracepoint(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runRawTracepoint runs programs of type [RAW_TRACEPOINT, RAW_TRACEPOINT_WRITABLE]");
    }
}
