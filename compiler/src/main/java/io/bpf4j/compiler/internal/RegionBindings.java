package io.bpf4j.compiler.internal;

import static io.bpf4j.isa.Opcodes.*;

import io.bpf4j.runtime.spi.DecodedProgram;
import java.util.BitSet;

/**
 * Which regions a function's method binds to locals once, at entry and after every call, so that
 * its accesses to them skip the region table: the function's own stack frame, the packet, and
 * (at entry only) the context.
 *
 * <p><b>The frame.</b> An access at {@code r10 + off} with {@code -512 <= off} and
 * {@code off + size <= 0} is inside the function's frame whatever the run, since r10 is the
 * frame's top and no instruction of the program writes it (checked here: a program that writes
 * r10 gets no frame binding). At entry {@link CompiledSupport#frameSegment} checks at run time
 * that the frame region is exactly 512 writable bytes under r10 with its whole window open; then
 * such an access reads or writes the frame's segment at a constant offset, with no region check
 * (it could not fail), in checked and unchecked runs alike.
 *
 * <p><b>The packet.</b> In a run where the verifier's proofs hold, a proven-safe access whose
 * address is in the packet's region reads the packet's {@code byte[]} kept in a local. Unlike the
 * general one-entry cache of the generator (a region id and its array, refilled on a miss), this
 * pair is written only at entry and after calls, so in a loop it is invariant and HotSpot keeps
 * the array and its length in registers: a packet load in a loop is a compare of the region id, a
 * bounds check and a load. It is bound only in functions that loop over proven-safe accesses;
 * straight-line code does as well with the cache.
 *
 * <p><b>The context.</b> A 4-byte load at a small aligned constant offset of a register other
 * than r10 may read a field of the run's context (Linux programs read {@code ctx->data},
 * {@code ctx->data_end} so, with the context pointer itself as base). Where the run's context
 * lets compiled code read its fields directly ({@link io.bpf4j.runtime.spi.EngineRun#contextFields},
 * asked once at entry: a context of the runtime's own, mapped at its address), such a load whose
 * base register holds exactly the context's address, at an offset that is a field, is a read of
 * the field: what {@code Memory.load} would return through the context region, with none of its
 * lookups. Anything else (no such context, another address, another offset or size) takes the
 * checked path, faults included. The context never changes within a run, so unlike the packet it
 * is bound once, at entry; its fields are read at each load, so helpers that move the packet
 * (the adjust helpers) are seen at once.
 */
final class RegionBindings {
    /** Bytes of a stack frame, as in Linux; {@link CompiledSupport#frameSegment} checks the run's frame has them. */
    static final int FRAME_SIZE = 512;

    private final DecodedProgram program;
    private final ProgramShape shape;
    /** Whether no instruction writes r10 (a verified program never does): the frame binding needs it. */
    private final boolean frameReadOnly;

    RegionBindings(DecodedProgram program, ProgramShape shape) {
        this.program = program;
        this.shape = shape;
        boolean readOnly = true;
        for (int pc = 0; pc < shape.size; pc++) {
            int op = program.opcode(pc);
            boolean fetches = op >= 0 && op <= 0xff && (op & 0x07) == STX && (op & 0xe0) == ATOMIC
                    && (program.imm(pc) & ATOMIC_FETCH) != 0;
            if (writesRegister(op) && program.dst(pc) == FRAME_POINTER || fetches && program.src(pc) == FRAME_POINTER) {
                readOnly = false; // instruction validation refuses these; checked here too, as the binding relies on it
            }
        }
        this.frameReadOnly = readOnly;
    }

    /** Whether an instruction writes its dst register (ALU, loads, lddw). */
    private static boolean writesRegister(int op) {
        if (op < 0) {
            return false;
        }
        if (op > 0xff) {
            return op == DecodedProgram.LDDW_MAP || op == DecodedProgram.LDDW_MAP_VALUE;
        }
        int cls = op & 0x07;
        return cls == ALU || cls == ALU64 || cls == LDX || cls == LD;
    }

    /**
     * Whether the access at {@code pc} (a plain load or store, not an atomic) is at a constant
     * offset of r10 that lies wholly in the frame.
     */
    boolean isFrameAccess(int pc) {
        if (!frameReadOnly) {
            return false;
        }
        int op = program.opcode(pc);
        if (op < 0 || op > 0xff) {
            return false;
        }
        int cls = op & 0x07;
        int mode = op & 0xe0;
        int base;
        if (cls == LDX && (mode == MEM || mode == MEMSX)) {
            base = program.src(pc);
        } else if ((cls == ST || cls == STX) && mode == MEM) {
            base = program.dst(pc);
        } else {
            return false;
        }
        int off = program.offset(pc);
        return base == FRAME_POINTER && off >= -FRAME_SIZE && off + sizeOf(op) <= 0;
    }

    static int sizeOf(int op) {
        return switch (op & 0x18) {
            case W -> 4;
            case H -> 2;
            case B -> 1;
            default -> 8;
        };
    }

    /** Largest context offset a load is tried as a field at: well past every program type's context struct. */
    static final int CONTEXT_FIELDS_END = 256;

    /**
     * Whether the instruction at {@code pc} may be a load of a context field (see the class
     * comment): a 4-byte load ({@code LDX MEM} or {@code MEMSX}) at a 4-aligned offset in
     * {@code [0, CONTEXT_FIELDS_END)} of a register other than r10.
     */
    boolean mayLoadContextField(int pc) {
        int op = program.opcode(pc);
        if (op < 0 || op > 0xff || (op & 0x07) != LDX || (op & 0x18) != W) {
            return false;
        }
        int mode = op & 0xe0;
        int off = program.offset(pc);
        return (mode == MEM || mode == MEMSX) && program.src(pc) != FRAME_POINTER
                && off >= 0 && off < CONTEXT_FIELDS_END && off % 4 == 0;
    }

    /** Whether the instructions in {@code [from, to)} other than {@code excluded} ones may load a context field. */
    boolean bindsContext(BitSet instructions, int from, int to, BitSet excluded) {
        for (int pc = instructions.nextSetBit(from); pc >= 0 && pc < to; pc = instructions.nextSetBit(pc + 1)) {
            if (!excluded.get(pc) && mayLoadContextField(pc)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the instructions of {@code instructions} in {@code [from, to)} make any frame access. */
    boolean bindsFrame(BitSet instructions, int from, int to) {
        for (int pc = instructions.nextSetBit(from); pc >= 0 && pc < to; pc = instructions.nextSetBit(pc + 1)) {
            if (isFrameAccess(pc)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the instructions in {@code [from, to)} loop (a jump back to an earlier instruction
     * of the range) and make proven-safe accesses that are not frame accesses: then the packet is
     * worth binding.
     */
    boolean bindsPacket(BitSet instructions, int from, int to, BitSet provenSafe) {
        boolean loops = false, proven = false;
        for (int pc = instructions.nextSetBit(from); pc >= 0 && pc < to; pc = instructions.nextSetBit(pc + 1)) {
            int op = program.opcode(pc);
            if (ProgramShape.isJump(op)) {
                int target = shape.jumpTarget(pc);
                loops |= target <= pc && target >= from;
            }
            proven |= provenSafe.get(pc) && !isFrameAccess(pc);
        }
        return loops && proven;
    }
}
