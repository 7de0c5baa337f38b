package io.bpf4j.runtime;

import java.lang.foreign.MemorySegment;

/**
 * The loads and stores of a context region ({@link Memory#mapContext}), translated by the program
 * type as Linux's {@code convert_ctx_access} translates them: the program sees a UAPI struct such
 * as {@code struct xdp_md}, and the handler decides what each field reads as (a 4-byte load of
 * {@code xdp_md.data} yields a full 64-bit packet address), which fields may be written, and what
 * a write does. An access the program type does not allow throws a {@link MemoryAccessFault}
 * whose reason names the field (or offset) and the program type.
 */
public interface ContextAccess {
    /**
     * A load of {@code size} (1, 2, 4 or 8) bytes at {@code offset} into the context.
     *
     * @param address the program address accessed, for the fault
     * @param pc the instruction, for the fault
     * @return the value, zero-extended
     */
    long load(long address, int offset, int size, int pc);

    /** A store of the low {@code size} bytes of {@code value} at {@code offset} into the context. */
    void store(long address, int offset, int size, long value, int pc);

    /**
     * The context's bytes as kernel memory holds them, for helpers that read kernel memory
     * ({@code probe_read_kernel} of a field of a {@code struct pt_regs}), or null when the struct
     * the program sees is not what memory holds (Linux rewrites {@code __sk_buff} accesses to
     * {@code struct sk_buff} ones).
     */
    default MemorySegment image() {
        return null;
    }
}
