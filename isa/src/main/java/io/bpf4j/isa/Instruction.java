package io.bpf4j.isa;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One 64-bit instruction slot as RFC 9669 encodes it: opcode, destination and source registers,
 * signed 16-bit offset and signed 32-bit immediate.
 *
 * <p>A 64-bit immediate load ({@code lddw}) takes two slots: the second has opcode 0 and carries
 * the upper 32 bits of the immediate in {@code imm}. This record always describes a single slot;
 * {@link Instructions} knows which slots pair up.
 */
public record Instruction(int opcode, int dst, int src, int offset, int imm) {

    /** Size in bytes of one encoded slot. */
    public static final int SIZE = 8;

    public Instruction {
        if (opcode < 0 || opcode > 0xff) {
            throw new IllegalArgumentException("opcode out of range: " + opcode);
        }
        if (dst < 0 || dst > 0xf || src < 0 || src > 0xf) {
            throw new IllegalArgumentException("register field out of range: dst=" + dst + " src=" + src);
        }
        if (offset < Short.MIN_VALUE || offset > Short.MAX_VALUE) {
            throw new IllegalArgumentException("offset out of 16-bit range: " + offset);
        }
    }

    /** Decodes one slot from its little-endian 64-bit form. */
    public static Instruction fromRaw(long raw) {
        int opcode = (int) (raw & 0xff);
        int regs = (int) ((raw >>> 8) & 0xff);
        int offset = (short) ((raw >>> 16) & 0xffff);
        int imm = (int) (raw >>> 32);
        return new Instruction(opcode, regs & 0x0f, regs >>> 4, offset, imm);
    }

    /** The slot as the little-endian 64-bit word it is stored as. */
    public long toRaw() {
        return (opcode & 0xffL)
                | ((long) (dst | (src << 4)) << 8)
                | ((offset & 0xffffL) << 16)
                | ((long) imm << 32);
    }

    /** Writes the 8 encoded bytes at the buffer's position. */
    public void writeTo(ByteBuffer out) {
        out.order(ByteOrder.LITTLE_ENDIAN).putLong(toRaw());
    }

    public int instructionClass() {
        return Opcodes.instructionClass(opcode);
    }

    public static Instruction of(int opcode, int dst, int src, int offset, int imm) {
        return new Instruction(opcode, dst, src, offset, imm);
    }

    /** The two slots of {@code lddw dst, value}; {@code src} selects the pseudo kind (0 for a plain immediate). */
    public static Instruction[] lddw(int dst, int src, long value) {
        return new Instruction[] {
            new Instruction(Opcodes.LDDW, dst, src, 0, (int) value),
            new Instruction(0, 0, 0, 0, (int) (value >>> 32))
        };
    }
}
