package io.bpf4j.runtime;

/** An {@link Executable} that runs its program in the {@link Interpreter}. */
final class InterpretedExecutable implements Executable {
    private final Program program;
    private final Interpreter interpreter;

    InterpretedExecutable(Program program, Interpreter interpreter) {
        this.program = program;
        this.interpreter = interpreter;
    }

    /** The decoded program, for tail calls into it. */
    Interpreter interpreter() {
        return interpreter;
    }

    @Override
    public Program program() {
        return program;
    }

    @Override
    public long run(byte[] input, ExecutionTracer tracer) {
        Execution execution = interpreter.newExecution();
        long address = input.length == 0 ? 0 : execution.memory.map("input", input);
        return interpreter.execute(execution, address, input.length, address, input.length, tracer);
    }
}
