package io.bpf4j.runtime.internal;

import io.bpf4j.runtime.Executable;
import io.bpf4j.runtime.ExecutionTracer;
import io.bpf4j.runtime.ProgramType;
import io.bpf4j.runtime.types.SeccompData;
import io.bpf4j.runtime.types.SeccompResult;

/**
 * A run of a SECCOMP program on a read-only {@code struct seccomp_data}: any aligned 1- to 8-byte
 * read (classic seccomp filters only load aligned 32-bit words; their eBPF form reads the same
 * bytes). Legacy packet loads have no packet: classic filters converted to eBPF read the struct
 * through r1. The result is the low 32 bits of r0.
 */
public final class SeccompRun {
    private SeccompRun() {}

    public static SeccompResult run(Executable executable, SeccompData data, ExecutionTracer tracer) {
        ProgramType type = RunTypes.check(executable.program(), "runSeccomp", ProgramType.SECCOMP);
        long r0 = executable.run(new ReadOnlyContext(type, "struct seccomp_data", data.toBytes(), (offset, size) -> null), tracer);
        return SeccompResult.of((int) r0);
    }
}
