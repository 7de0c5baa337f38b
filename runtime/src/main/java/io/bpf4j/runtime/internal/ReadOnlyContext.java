package io.bpf4j.runtime.internal;

import io.bpf4j.runtime.ContextAccess;
import io.bpf4j.runtime.Memory;
import io.bpf4j.runtime.ProgramType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A context that is plain bytes the program may only read: the tracing contexts ({@code struct
 * pt_regs}, {@code struct bpf_perf_event_data}, a tracepoint record, an array of u64 arguments)
 * and {@code struct seccomp_data}. Loads read the bytes; a per-type rule rejects what Linux's
 * verifier rejects (misaligned loads, sizes a field does not allow); every store faults.
 */
final class ReadOnlyContext implements BuiltInContext, ContextAccess {
    /** Linux's access rule for one program type: null if a read is allowed, else why not. */
    @FunctionalInterface
    interface Rule {
        String check(int offset, int size);
    }

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final ProgramType type;
    private final String struct;
    private final MemorySegment bytes;
    private final Rule rule;

    ReadOnlyContext(ProgramType type, String struct, byte[] bytes, Rule rule) {
        this.type = type;
        this.struct = struct;
        this.bytes = MemorySegment.ofArray(bytes.clone()).asReadOnly();
        this.rule = rule;
    }

    @Override
    public ProgramType type() {
        return type;
    }

    @Override
    public Entry enter(Memory memory) {
        return new Entry(memory.mapContext("context (" + struct + ")", this), 0, 0);
    }

    @Override
    public long load(long address, int offset, int size, int pc) {
        int length = (int) bytes.byteSize();
        if (offset < 0 || offset > length - size) {
            throw ContextFaults.outside(pc, address, size, false, offset, struct, length, type);
        }
        if (offset % size != 0) {
            throw ContextFaults.misaligned(pc, address, size, false, offset, struct, type);
        }
        String denied = rule.check(offset, size);
        if (denied != null) {
            throw ContextFaults.denied(pc, address, size, ContextFaults.access(false, size) + " at offset " + offset + " of "
                    + struct + ": " + denied);
        }
        return switch (size) {
            case 1 -> bytes.get(ValueLayout.JAVA_BYTE, offset) & 0xffL;
            case 2 -> bytes.get(U16, offset) & 0xffffL;
            case 4 -> bytes.get(U32, offset) & 0xffffffffL;
            default -> bytes.get(U64, offset);
        };
    }

    @Override
    public void store(long address, int offset, int size, long value, int pc) {
        throw ContextFaults.denied(pc, address, size, ContextFaults.access(true, size) + " at offset " + offset + ": "
                + struct + " is read-only for " + type + " programs");
    }

    @Override
    public MemorySegment image() {
        return bytes;
    }
}
