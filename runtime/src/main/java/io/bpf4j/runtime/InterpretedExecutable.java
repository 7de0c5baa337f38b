package io.bpf4j.runtime;

import io.bpf4j.runtime.internal.XdpContext;
import io.bpf4j.runtime.types.XdpFrame;
import io.bpf4j.runtime.types.XdpPacket;
import io.bpf4j.runtime.types.XdpResult;
import java.util.Objects;

/** An {@link Executable} that runs its program in the {@link Interpreter}, or in its compiled form once it has one. */
final class InterpretedExecutable implements Executable {
    /**
     * The program and its decoded form, swapped together by {@link #replaceCode} (dynamic linking):
     * a run reads this once, so it finishes with the code it started with.
     */
    private record Code(Program program, Interpreter interpreter) {}

    private volatile Code code;
    private final HostEnvironment host;

    InterpretedExecutable(Program program, Interpreter interpreter) {
        this(program, interpreter, HostEnvironment.defaults());
    }

    InterpretedExecutable(Program program, Interpreter interpreter, HostEnvironment host) {
        this.code = new Code(program, interpreter);
        this.host = Objects.requireNonNull(host, "host");
    }

    /** From now on, runs (and tail calls into this executable) use {@code program}; runs under way finish with the old code. */
    void replaceCode(Program program, Interpreter interpreter) {
        this.code = new Code(program, interpreter);
    }

    /** The decoded program, for tail calls into it. */
    Interpreter interpreter() {
        return code.interpreter();
    }

    @Override
    public boolean isCompiled() {
        return code.interpreter().compiled != null;
    }

    @Override
    public java.util.Optional<String> compilationFailure() {
        AutoCompilation auto = code.interpreter().autoCompilation;
        return java.util.Optional.ofNullable(auto == null ? null : auto.failure());
    }

    @Override
    public Program program() {
        return code.program();
    }

    @Override
    public long run(byte[] input, ExecutionTracer tracer) {
        Interpreter interpreter = code.interpreter();
        Execution execution = interpreter.newExecution();
        if (execution.host != host) {
            execution.host = host;
        }
        try {
            long address = input.length == 0 ? 0 : execution.memory.map("input", input);
            return interpreter.execute(execution, address, input.length, address, input.length, tracer);
        } finally {
            execution.release();
        }
    }

    /**
     * As {@link Executable}'s, without allocating: the context is the thread's run state's own
     * (see {@link Execution#inPlaceXdp}), set up afresh for this run.
     */
    @Override
    public long runXdpInPlace(XdpFrame frame, ExecutionTracer tracer) {
        Code current = code;
        ProgramType type = XdpContext.typeOf(current.program(), "runXdpInPlace");
        return runOnFrame(current.interpreter(), Execution.startInPlaceXdp(current.interpreter()), type, frame, tracer);
    }

    /**
     * As {@link Executable}'s: the packet is copied into the thread's run state's own frame
     * ({@link Execution#copyFrame}), run on in place, and copied out into the result, so that
     * only the result is allocated.
     */
    @Override
    public XdpResult runXdp(XdpPacket packet, ExecutionTracer tracer) {
        Code current = code;
        ProgramType type = XdpContext.typeOf(current.program(), "runXdp");
        Execution execution = Execution.startInPlaceXdp(current.interpreter());
        XdpFrame frame = execution.copyFrame(packet);
        return XdpContext.result(runOnFrame(current.interpreter(), execution, type, frame, tracer), frame);
    }

    /** Runs on {@code frame} in place in {@code execution}, just started with {@link Execution#startInPlaceXdp}. */
    private long runOnFrame(Interpreter interpreter, Execution execution, ProgramType type, XdpFrame frame,
            ExecutionTracer tracer) {
        XdpContext context = execution.inPlaceXdp().inPlace(type, frame);
        // Stored only if changed: see Execution.release
        if (execution.host != host) {
            execution.host = host;
        }
        if (execution.runContext != context) {
            execution.runContext = context;
        }
        try {
            long r1 = execution.enterInPlaceXdp(context);
            return interpreter.execute(execution, r1, 0, 0, 0, tracer);
        } finally {
            execution.release();
            context.leave();
        }
    }

    @Override
    public long run(RunContext context, ExecutionTracer tracer) {
        Objects.requireNonNull(context, "context");
        Interpreter interpreter = code.interpreter();
        Execution execution = interpreter.newExecution();
        if (execution.host != host) {
            execution.host = host;
        }
        execution.runContext = context;
        try {
            RunContext.Entry entry = context.enter(execution.memory);
            return interpreter.execute(execution, entry.r1(), 0, entry.packetAddress(), entry.packetLength(), tracer);
        } finally {
            execution.release();
        }
    }
}
