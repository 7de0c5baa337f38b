package io.bpf4j.runtime;

import java.util.Objects;

/** An {@link Executable} that runs its program in the {@link Interpreter}, or in its compiled form once it has one. */
final class InterpretedExecutable implements Executable {
    private final Program program;
    private final Interpreter interpreter;
    private final HostEnvironment host;

    InterpretedExecutable(Program program, Interpreter interpreter) {
        this(program, interpreter, HostEnvironment.defaults());
    }

    InterpretedExecutable(Program program, Interpreter interpreter, HostEnvironment host) {
        this.program = program;
        this.interpreter = interpreter;
        this.host = Objects.requireNonNull(host, "host");
    }

    /** The decoded program, for tail calls into it. */
    Interpreter interpreter() {
        return interpreter;
    }

    @Override
    public boolean isCompiled() {
        return interpreter.compiled != null;
    }

    @Override
    public Program program() {
        return program;
    }

    @Override
    public long run(byte[] input, ExecutionTracer tracer) {
        Execution execution = interpreter.newExecution();
        execution.host = host;
        try {
            long address = input.length == 0 ? 0 : execution.memory.map("input", input);
            return interpreter.execute(execution, address, input.length, address, input.length, tracer);
        } finally {
            execution.release();
        }
    }

    @Override
    public long run(RunContext context, ExecutionTracer tracer) {
        Objects.requireNonNull(context, "context");
        Execution execution = interpreter.newExecution();
        execution.host = host;
        execution.runContext = context;
        try {
            RunContext.Entry entry = context.enter(execution.memory);
            return interpreter.execute(execution, entry.r1(), 0, entry.packetAddress(), entry.packetLength(), tracer);
        } finally {
            execution.release();
        }
    }
}
