package io.bpf4j.runtime;

import io.bpf4j.runtime.maps.MapFactory;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The helpers every runtime has, under their Linux ids: time, randomness, the CPU id, and the map
 * helpers ({@link MapHelpers}), the callback helpers ({@link CallbackHelpers}), tail_call, and the
 * helpers of the program types: XDP, skb and tracing (package {@code io.bpf4j.runtime.internal}).
 */
public final class StandardHelpers {
    private StandardHelpers() {}

    public static final int KTIME_GET_NS = 5;
    public static final int GET_PRANDOM_U32 = 7;
    public static final int GET_SMP_PROCESSOR_ID = 8;
    public static final int KTIME_GET_BOOT_NS = 125;

    static HelperRegistry.Builder registerAll(HelperRegistry.Builder registry) {
        MapHelpers.registerAll(registry);
        CallbackHelpers.registerAll(registry);
        io.bpf4j.runtime.internal.ProgramTypeHelpers.registerAll(registry);
        return registry
                // Carried out by the engine itself (the interpreter decodes call 12 as a tail call);
                // registered so that programs calling it load, and so that callx 12 fails clearly.
                .register(Interpreter.TAIL_CALL_HELPER, "tail_call", (a, b, c, d, e, ctx) -> {
                    throw new ProgramFault(ctx.pc(), "tail_call can only be called directly (call 12), not through callx");
                })
                .register(KTIME_GET_NS, "ktime_get_ns", (a, b, c, d, e, ctx) -> System.nanoTime())
                .register(KTIME_GET_BOOT_NS, "ktime_get_boot_ns", (a, b, c, d, e, ctx) -> System.nanoTime())
                .register(GET_PRANDOM_U32, "get_prandom_u32",
                        (a, b, c, d, e, ctx) -> ThreadLocalRandom.current().nextInt() & 0xffffffffL)
                // The calling thread's slot in per-CPU maps, so that the id and the per-CPU values agree.
                .register(GET_SMP_PROCESSOR_ID, "get_smp_processor_id",
                        (a, b, c, d, e, ctx) -> MapFactory.defaults().cpuSlots().current());
    }
}
