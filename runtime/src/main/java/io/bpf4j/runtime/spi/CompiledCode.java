package io.bpf4j.runtime.spi;

/**
 * A program translated by a {@link CompilerService}. It runs inside the runtime's own per-run
 * state ({@link EngineRun}): the same address space, stack frames, maps, helpers and budget as the
 * interpreter, so a run behaves identically in either engine.
 */
public interface CompiledCode {
    /**
     * Runs the program from its first instruction in stack frame 0 until it exits. A tail call
     * that found its target returns at once after {@link EngineRun#tailCall} said so; the runtime
     * then runs the target.
     */
    long run(EngineRun run, long r1, long r2);

    /**
     * Runs the function starting at instruction {@code pc} in stack frame {@code depth} with
     * arguments r1-r5, and returns its r0: how helpers such as bpf_loop call back into the
     * program. {@code pc} has been checked to be an instruction of the program.
     */
    long call(EngineRun run, int pc, int depth, long r1, long r2, long r3, long r4, long r5);
}
