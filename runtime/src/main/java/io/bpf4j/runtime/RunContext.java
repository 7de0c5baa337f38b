package io.bpf4j.runtime;

/**
 * The program-type side of one run: it maps the context (and packet) into the run's fresh
 * address space, tells the engine how the program starts, and holds what the run's helpers of
 * that type change (the packet's bounds, a redirect). {@link Executable}'s typed runs
 * ({@code runXdp}, {@code runTc}, ...) create one per run; an embedder can write its own for a
 * context of its own. Helpers reach it through {@link HelperContext#runContext()}.
 *
 * <p>One instance serves one run on one thread.
 */
public interface RunContext {
    /** The program type whose context this is (what context-taking helpers check). */
    ProgramType type();

    /**
     * Maps this run's regions into {@code memory}, which has only the stack frames so far, and
     * returns how the program starts. Called once, before the first instruction.
     */
    Entry enter(Memory memory);

    /**
     * How a run starts.
     *
     * @param r1 the context pointer
     * @param packetAddress where legacy packet loads (LD_ABS, LD_IND) read, or 0 when they must end
     *     the program with 0 (there is no packet)
     * @param packetLength the bytes legacy packet loads may read
     */
    record Entry(long r1, long packetAddress, int packetLength) {}
}
