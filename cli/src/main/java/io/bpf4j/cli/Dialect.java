package io.bpf4j.cli;

/** The assembly languages {@code bpf4j} reads. */
enum Dialect {
    /** What {@code llvm-objdump -d} prints and {@code llvm-mc -triple bpf} accepts: {@code r0 = *(u32 *)(r1 + 4)}. */
    LLVM,
    /** The uBPF / bpf_conformance dialect: {@code mov32 %r0, 1}, {@code ldxw %r0, [%r1+4]}. */
    CONFORMANCE
}
