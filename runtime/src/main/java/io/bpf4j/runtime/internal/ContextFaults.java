package io.bpf4j.runtime.internal;

import io.bpf4j.runtime.MemoryAccessFault;
import io.bpf4j.runtime.ProgramType;

/** The faults of context accesses, worded alike for every context struct. */
final class ContextFaults {
    private ContextFaults() {}

    static String access(boolean write, int size) {
        return size + "-byte " + (write ? "write" : "read");
    }

    /** An access Linux's verifier would reject, with the reason. */
    static MemoryAccessFault denied(int pc, long address, int size, String reason) {
        return new MemoryAccessFault(pc, address, size, reason);
    }

    /** "{@code struct __sk_buff} field {@code len} (offset 0) is read-only for SCHED_CLS programs". */
    static MemoryAccessFault readOnly(int pc, long address, int size, String struct, String field, int fieldOffset, ProgramType type) {
        return denied(pc, address, size, struct + " field " + field + " (offset " + fieldOffset + ") is read-only for "
                + type + " programs");
    }

    static MemoryAccessFault notAccessible(int pc, long address, int size, boolean write, String struct, String field,
            int fieldOffset, ProgramType type) {
        return denied(pc, address, size, struct + " field " + field + " (offset " + fieldOffset + ") cannot be "
                + (write ? "written" : "read") + " by " + type + " programs");
    }

    static MemoryAccessFault outside(int pc, long address, int size, boolean write, int offset, String struct, int structSize,
            ProgramType type) {
        return denied(pc, address, size, access(write, size) + " at offset " + offset + " is outside " + struct + " ("
                + structSize + " bytes) of " + type + " programs");
    }

    static MemoryAccessFault misaligned(int pc, long address, int size, boolean write, int offset, String struct, ProgramType type) {
        return denied(pc, address, size, "misaligned " + access(write, size) + " at offset " + offset + " of " + struct
                + ": " + type + " context accesses must be aligned to their size");
    }

    static MemoryAccessFault wrongSize(int pc, long address, int size, boolean write, String struct, String field,
            int fieldOffset, String allowed, ProgramType type) {
        return denied(pc, address, size, access(write, size) + " of " + struct + " field " + field + " (offset " + fieldOffset
                + "): " + type + " programs may only make " + allowed + " of it");
    }

    /** The bytes {@code [offsetInField, offsetInField + size)} of a little-endian field value. */
    static long narrow(long fieldValue, int offsetInField, int size) {
        long v = fieldValue >>> (8 * offsetInField);
        return size == 8 ? v : v & ((1L << (8 * size)) - 1);
    }
}
