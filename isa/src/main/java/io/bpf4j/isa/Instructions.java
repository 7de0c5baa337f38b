package io.bpf4j.isa;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * An immutable, well-formed sequence of instruction slots: every opcode known, every reserved
 * field zero, every jump and local call landing on an instruction (never on the second half of
 * a {@code lddw}). Indices are slot indices, as jump offsets count them.
 *
 * <p>Well-formed is not safe: whether a program may run is the verifier's question.
 */
public final class Instructions extends AbstractList<Instruction> implements RandomAccess {
    /** Upper bound on program size, as Linux's BPF_COMPLEXITY_LIMIT_INSNS (1 million). */
    public static final int MAX_SLOTS = 1_000_000;

    private final Instruction[] slots;

    private Instructions(Instruction[] slots) {
        this.slots = slots;
    }

    /**
     * Validates and wraps the given slots.
     *
     * @throws InvalidInstructionException naming the first malformed instruction
     */
    public static Instructions of(List<Instruction> slots) {
        return of(slots.toArray(new Instruction[0]));
    }

    public static Instructions of(Instruction... slots) {
        Instruction[] copy = slots.clone();
        InstructionValidator.validate(copy);
        return new Instructions(copy);
    }

    /**
     * Decodes little-endian encoded instructions.
     *
     * @throws InvalidInstructionException if the length is not a multiple of 8, the program is
     *     empty or too large, or any instruction is malformed
     */
    public static Instructions decode(byte[] bytes) {
        if (bytes.length % Instruction.SIZE != 0) {
            throw new InvalidInstructionException(bytes.length / Instruction.SIZE,
                    "program length " + bytes.length + " bytes is not a multiple of 8 (truncated instruction)");
        }
        int count = bytes.length / Instruction.SIZE;
        if (count > MAX_SLOTS) {
            throw new InvalidInstructionException(-1,
                    "program has " + count + " instructions, more than the limit of " + MAX_SLOTS);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        Instruction[] slots = new Instruction[count];
        for (int i = 0; i < count; i++) {
            slots[i] = Instruction.fromRaw(in.getLong());
        }
        InstructionValidator.validate(slots);
        return new Instructions(slots);
    }

    /** The encoded program, 8 bytes per slot. */
    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(slots.length * Instruction.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (Instruction slot : slots) {
            slot.writeTo(out);
        }
        return out.array();
    }

    @Override
    public Instruction get(int index) {
        return slots[index];
    }

    @Override
    public int size() {
        return slots.length;
    }

    /** True if slot {@code index} starts a two-slot {@code lddw}. */
    public boolean isWide(int index) {
        return slots[index].opcode() == Opcodes.LDDW;
    }

    /** The full 64-bit immediate of the {@code lddw} starting at {@code index}. */
    public long imm64(int index) {
        if (!isWide(index)) {
            throw new IllegalArgumentException("instruction " + index + " is not lddw");
        }
        return (slots[index].imm() & 0xffffffffL) | ((long) slots[index + 1].imm() << 32);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Instructions other ? Arrays.equals(slots, other.slots) : super.equals(o);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(slots);
    }
}
