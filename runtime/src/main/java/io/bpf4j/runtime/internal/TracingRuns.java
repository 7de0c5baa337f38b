package io.bpf4j.runtime.internal;

import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionTracer;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.types.PerfEventData;
import io.bpf4j.runtime.types.PtRegs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Runs of the tracing program types, on read-only contexts with Linux's access rules:
 * <ul>
 * <li>KPROBE: {@code struct pt_regs} (168 bytes), any aligned 1- to 8-byte read
 *     ({@code kprobe_prog_is_valid_access}).
 * <li>PERF_EVENT: {@code struct bpf_perf_event_data} (184 bytes): the registers with 8-byte
 *     reads only, sample_period and addr with any aligned read ({@code pe_prog_is_valid_access}).
 * <li>TRACEPOINT: the host's record, from its 8 bytes of common fields on, which programs may not
 *     read ({@code tp_prog_is_valid_access}); reads past the record fault.
 * <li>RAW_TRACEPOINT, RAW_TRACEPOINT_WRITABLE and TRACING (fentry, fexit, ...): an array of u64
 *     arguments ({@code struct bpf_raw_tracepoint_args}); reads past the last argument fault,
 *     where Linux rejects them at attach time.
 * </ul>
 * r0 is returned as is: Linux ignores it for every tracing type but kprobes with override, and
 * fmod_ret programs.
 */
public final class TracingRuns {
    private TracingRuns() {}

    public static long runKprobe(Executable executable, PtRegs regs, ExecutionTracer tracer) {
        ProgramType type = RunTypes.check(executable.program(), "runKprobe", ProgramType.KPROBE);
        return executable.run(new ReadOnlyContext(type, "struct pt_regs", regs.toBytes(), (offset, size) -> null), tracer);
    }

    public static long runPerfEvent(Executable executable, PerfEventData data, ExecutionTracer tracer) {
        ProgramType type = RunTypes.check(executable.program(), "runPerfEvent", ProgramType.PERF_EVENT);
        return executable.run(new ReadOnlyContext(type, "struct bpf_perf_event_data", data.toBytes(),
                (offset, size) -> offset < PtRegs.SIZE && size != 8
                        ? "the registers (regs, offsets 0 to 167) may only be read with 8-byte loads" : null), tracer);
    }

    public static long runTracepoint(Executable executable, byte[] record, ExecutionTracer tracer) {
        ProgramType type = RunTypes.check(executable.program(), "runTracepoint", ProgramType.TRACEPOINT);
        return executable.run(new ReadOnlyContext(type, "the tracepoint record", record,
                (offset, size) -> offset < 8 ? "the common fields (the first 8 bytes) of a tracepoint record cannot be read"
                        : null), tracer);
    }

    public static long runRawTracepoint(Executable executable, long[] args, ExecutionTracer tracer) {
        ProgramType type = RunTypes.check(executable.program(), "runRawTracepoint", ProgramType.RAW_TRACEPOINT,
                ProgramType.RAW_TRACEPOINT_WRITABLE);
        return executable.run(new ReadOnlyContext(type, "struct bpf_raw_tracepoint_args (" + args.length + " arguments)",
                arguments(args), (offset, size) -> null), tracer);
    }

    public static long runTracing(Executable executable, long[] args, ExecutionTracer tracer) {
        ProgramType type = RunTypes.check(executable.program(), "runTracing", ProgramType.TRACING);
        return executable.run(new ReadOnlyContext(type, "the u64 argument array (" + args.length + " arguments)",
                arguments(args), (offset, size) -> null), tracer);
    }

    /** MAX_BPF_FUNC_ARGS. */
    static final int MAX_ARGUMENTS = 12;

    private static byte[] arguments(long[] args) {
        if (args.length > MAX_ARGUMENTS) {
            throw new IllegalArgumentException("at most " + MAX_ARGUMENTS + " arguments, not " + args.length);
        }
        ByteBuffer b = ByteBuffer.allocate(args.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long a : args) {
            b.putLong(a);
        }
        return b.array();
    }
}
