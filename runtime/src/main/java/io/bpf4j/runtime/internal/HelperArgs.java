package io.bpf4j.runtime.internal;

import io.bpf4j.runtime.ContextAccess;
import io.bpf4j.runtime.HelperContext;
import io.bpf4j.runtime.ProgramFault;
import io.bpf4j.runtime.RunContext;

/** Checks of context arguments, shared by the program-type helpers. */
final class HelperArgs {
    private HelperArgs() {}

    /**
     * The context a helper was given in {@code r1}, which must be the run's context pointer and of
     * {@code type} (Linux's verifier demands both: ARG_PTR_TO_CTX and the helper's program types).
     */
    static <T> T context(HelperContext ctx, long r1, Class<T> type, String helper, String what) {
        ContextAccess access = ctx.memory().contextAt(r1);
        if (type.isInstance(access)) {
            return type.cast(access);
        }
        if (access == null) {
            throw new ProgramFault(ctx.pc(), String.format("helper %s takes %s in r1, but r1 = 0x%x is not a context pointer",
                    helper, what, r1));
        }
        throw new ProgramFault(ctx.pc(), "helper " + helper + " takes " + what + " in r1, not the context of a "
                + typeOf(ctx) + " program");
    }

    /** The run's context when the helper does not take it as an argument. */
    static <T> T runContext(HelperContext ctx, Class<T> type, String helper, String what) {
        RunContext run = ctx.runContext();
        if (type.isInstance(run)) {
            return type.cast(run);
        }
        throw new ProgramFault(ctx.pc(), "helper " + helper + " is only available to " + what + "; this run is "
                + (run == null ? "on plain memory" : "of a " + run.type() + " program"));
    }

    private static String typeOf(HelperContext ctx) {
        RunContext run = ctx.runContext();
        return run == null ? "plain-memory" : run.type().toString();
    }

    /** A u32 size argument as a Java int, or -1 if it does not fit. */
    static int size(long value) {
        long v = value & 0xffffffffL;
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }
}
