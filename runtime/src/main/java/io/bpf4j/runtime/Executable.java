package io.bpf4j.runtime;

import io.bpf4j.runtime.internal.SeccompRun;
import io.bpf4j.runtime.internal.SkbContext;
import io.bpf4j.runtime.internal.TracingRuns;
import io.bpf4j.runtime.internal.XdpContext;
import io.bpf4j.runtime.types.CgroupSkbResult;
import io.bpf4j.runtime.types.PerfEventData;
import io.bpf4j.runtime.types.PtRegs;
import io.bpf4j.runtime.types.SeccompData;
import io.bpf4j.runtime.types.SeccompResult;
import io.bpf4j.runtime.types.SkBuff;
import io.bpf4j.runtime.types.SocketFilterResult;
import io.bpf4j.runtime.types.TcResult;
import io.bpf4j.runtime.types.XdpAction;
import io.bpf4j.runtime.types.XdpFrame;
import io.bpf4j.runtime.types.XdpPacket;
import io.bpf4j.runtime.types.XdpResult;

/**
 * A program loaded into a runtime, ready to run any number of times, on any number of threads
 * at once.
 *
 * <p>Typed runs give the program the context of its {@link ProgramType}, laid out as Linux lays it
 * out so that unchanged Linux programs work: {@link #runXdp}, {@link #runSocketFilter},
 * {@link #runTc}, {@link #runCgroupSkb}, {@link #runKprobe}, {@link #runPerfEvent},
 * {@link #runTracepoint}, {@link #runRawTracepoint}, {@link #runTracing}, {@link #runSeccomp}.
 * A program whose type is set may only be run as that type ({@link IllegalArgumentException}
 * otherwise); an {@link ProgramType#UNSPEC} program may be run as any, with that type's rules.
 * Each has a variant that reports every instruction to an {@link ExecutionTracer}.
 */
public interface Executable {
    Program program();

    /**
     * Whether runs now execute compiled JVM bytecode rather than the interpreter (see
     * {@link ExecutionMode}); in AUTO mode this turns true once background compilation finishes.
     */
    default boolean isCompiled() {
        return false;
    }

    /**
     * Why this program runs interpreted although its runtime compiles in the background
     * ({@link ExecutionMode#AUTO}): background compilation failed, for instance because the
     * runtime's compiled-code limit was reached. Empty while none failed.
     */
    default java.util.Optional<String> compilationFailure() {
        return java.util.Optional.empty();
    }

    /**
     * Runs the program on a block of memory: r1 holds its address (0 if {@code memory} is empty),
     * r2 its length, and legacy packet loads read it. The program reads and writes the array in
     * place. This is the calling convention of the conformance suite and of Linux's raw test runs.
     *
     * @return r0 at exit
     * @throws ProgramFault if the program faults (bad memory access, budget exhausted, ...)
     */
    default long run(byte[] memory) {
        return run(memory, null);
    }

    /** As {@link #run(byte[])}, reporting every executed instruction to {@code tracer} (may be null). */
    long run(byte[] memory, ExecutionTracer tracer);

    /**
     * Runs the program with a context: {@code context} maps its regions into the run's fresh
     * address space and gives r1 (r2 is 0). What the typed runs are built on; embedders may
     * supply contexts of their own.
     *
     * @return r0 at exit
     */
    long run(RunContext context, ExecutionTracer tracer);

    // ------------------------------------------------------------------ networking

    /** Runs an XDP program on a frame ({@code struct xdp_md} context, headroom and tailroom as in Linux). */
    default XdpResult runXdp(XdpPacket packet) {
        return runXdp(packet, null);
    }

    default XdpResult runXdp(XdpPacket packet, ExecutionTracer tracer) {
        return XdpContext.run(this, packet, tracer);
    }

    /**
     * Runs an XDP program on a frame in place, as a driver runs it on its receive buffer: the
     * program reads and writes {@code frame}'s bytes, its adjust helpers move the frame's
     * pointers, and nothing is copied in or out, so a run costs only what the program does. The
     * frame keeps what the run left (see {@link XdpFrame}).
     *
     * @return r0 at exit ({@link XdpAction#of} names the action)
     */
    default long runXdpInPlace(XdpFrame frame) {
        return runXdpInPlace(frame, null);
    }

    default long runXdpInPlace(XdpFrame frame, ExecutionTracer tracer) {
        return XdpContext.runInPlace(this, frame, tracer);
    }

    /** Runs a socket filter ({@code struct __sk_buff} context; legacy packet loads read the skb's data). */
    default SocketFilterResult runSocketFilter(SkBuff skb) {
        return runSocketFilter(skb, null);
    }

    default SocketFilterResult runSocketFilter(SkBuff skb, ExecutionTracer tracer) {
        return SkbContext.runSocketFilter(this, skb, tracer);
    }

    /** Runs a tc classifier or action (SCHED_CLS, SCHED_ACT) on an skb. */
    default TcResult runTc(SkBuff skb) {
        return runTc(skb, null);
    }

    default TcResult runTc(SkBuff skb, ExecutionTracer tracer) {
        return SkbContext.runTc(this, skb, tracer);
    }

    /** Runs a CGROUP_SKB program on an skb (whose data starts at the network header, as Linux gives it). */
    default CgroupSkbResult runCgroupSkb(SkBuff skb) {
        return runCgroupSkb(skb, null);
    }

    default CgroupSkbResult runCgroupSkb(SkBuff skb, ExecutionTracer tracer) {
        return SkbContext.runCgroupSkb(this, skb, tracer);
    }

    // ------------------------------------------------------------------ tracing

    /** Runs a KPROBE program on x86-64 {@code struct pt_regs}; returns r0. */
    default long runKprobe(PtRegs regs) {
        return runKprobe(regs, null);
    }

    default long runKprobe(PtRegs regs, ExecutionTracer tracer) {
        return TracingRuns.runKprobe(this, regs, tracer);
    }

    /** Runs a PERF_EVENT program on {@code struct bpf_perf_event_data}; returns r0. */
    default long runPerfEvent(PerfEventData data) {
        return runPerfEvent(data, null);
    }

    default long runPerfEvent(PerfEventData data, ExecutionTracer tracer) {
        return TracingRuns.runPerfEvent(this, data, tracer);
    }

    /** Runs a TRACEPOINT program on a tracepoint record (its 8 bytes of common fields first); returns r0. */
    default long runTracepoint(byte[] record) {
        return runTracepoint(record, null);
    }

    default long runTracepoint(byte[] record, ExecutionTracer tracer) {
        return TracingRuns.runTracepoint(this, record, tracer);
    }

    /** Runs a RAW_TRACEPOINT program on its u64 arguments; returns r0. */
    default long runRawTracepoint(long... args) {
        return runRawTracepoint(args, null);
    }

    default long runRawTracepoint(long[] args, ExecutionTracer tracer) {
        return TracingRuns.runRawTracepoint(this, args, tracer);
    }

    /** Runs a TRACING program (fentry, fexit, ...) on its u64 arguments (fexit: the return value last); returns r0. */
    default long runTracing(long... args) {
        return runTracing(args, null);
    }

    default long runTracing(long[] args, ExecutionTracer tracer) {
        return TracingRuns.runTracing(this, args, tracer);
    }

    // ------------------------------------------------------------------ seccomp

    /** Runs a SECCOMP program on a system call ({@code struct seccomp_data}). */
    default SeccompResult runSeccomp(SeccompData data) {
        return runSeccomp(data, null);
    }

    default SeccompResult runSeccomp(SeccompData data, ExecutionTracer tracer) {
        return SeccompRun.run(this, data, tracer);
    }
}
