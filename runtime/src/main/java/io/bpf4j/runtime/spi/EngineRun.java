package io.bpf4j.runtime.spi;

import io.bpf4j.runtime.HelperContext;

/**
 * One run's state, shared by the engines: the address space and stack frames
 * ({@link #memory()}), the maps, the instruction budget, tail calls. The runtime implements it;
 * compiled code receives it in {@link CompiledCode#run} and passes it to helpers as their
 * {@link HelperContext}. One run belongs to one thread.
 */
public interface EngineRun extends HelperContext {
    /** r10 of stack frame {@code depth} (0 is the program's own frame). */
    long frameTop(int depth);

    /**
     * What the program's {@code lddw} map references resolve to in this run: the handle of map
     * {@code i} at index {@code 2 * i}, the storage address of array map {@code i} at index
     * {@code 2 * i + 1}. Do not modify.
     */
    long[] mapBindings(DecodedProgram program);

    /**
     * Whether {@code program}'s {@link DecodedProgram#provenSafeAccesses() proven-safe accesses}
     * may skip their checks in this run: only in a run with the context of the type the program
     * was verified as (a typed run of the runtime's own). Constant for a run of one program; ask
     * again after a tail call.
     */
    boolean provenSafeHolds(DecodedProgram program);

    /** Records the instruction and frame depth of a helper call about to happen (for its messages and callbacks). */
    void enterHelper(int pc, int depth);

    /** Instructions left in the run's budget (shared by tail calls and callbacks). */
    long remaining();

    void remaining(long instructions);

    /** Address legacy packet loads read from, or 0 when there is no packet. */
    long packetAddress();

    int packetLength();

    /**
     * Carries out {@code bpf_tail_call(ctx, map, index)} at instruction {@code pc}: true if a
     * target was found, and then the calling program must return at once (its result is ignored)
     * and the runtime runs the target with {@code r1}; false (r0 becomes -ENOENT) to go on.
     */
    boolean tailCall(int pc, int depth, long mapHandle, long index, long r1);

    /**
     * After {@link #tailCall} returned true: the value the calling function returns. In a
     * subprogram (depth above 0) the target ran in that function's frame and this is its r0, which
     * goes back to the subprogram's caller, as in Linux; at depth 0 it is 0 (the runtime runs the
     * target after the program returns, and ignores the program's own result).
     */
    long tailCallResult();

    /**
     * Calls the function at {@code pc} in frame {@code depth} by interpreting it: for
     * {@code callx} to an instruction the compiler did not know to be a function.
     */
    long interpretFunction(int pc, int depth, long r1, long r2, long r3, long r4, long r5);

    /**
     * Six registers' worth of scratch space for this run: a called function leaves its r1-r5 at
     * indices 1-5 on exit, because its caller sees them after the call.
     */
    long[] registerScratch();

    /**
     * The run's context if compiled code may read its fields directly ({@link ContextFields}):
     * only a context of the runtime's own typed runs (as for {@link #provenSafeHolds}, no context
     * an embedder writes) that is mapped as a context region at its {@link ContextFields#address()}
     * in {@link #memory()}; else null, and context loads take the checked path. Constant for a run.
     */
    default ContextFields contextFields() {
        if (runContext() instanceof ContextFields fields
                && fields instanceof io.bpf4j.runtime.internal.BuiltInContext
                && memory().contextAt(fields.address()) == fields) {
            return fields;
        }
        return null;
    }
}
