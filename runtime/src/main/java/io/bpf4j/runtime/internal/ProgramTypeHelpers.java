package io.bpf4j.runtime.internal;

import io.bpf4j.runtime.HelperRegistry;

/** Registers the helpers of the program types: XDP, skb (socket filter, tc, cgroup) and tracing. */
public final class ProgramTypeHelpers {
    private ProgramTypeHelpers() {}

    public static HelperRegistry.Builder registerAll(HelperRegistry.Builder registry) {
        XdpHelpers.registerAll(registry);
        SkbHelpers.registerAll(registry);
        TracingHelpers.registerAll(registry);
        StringHelpers.registerAll(registry);
        return registry;
    }
}
