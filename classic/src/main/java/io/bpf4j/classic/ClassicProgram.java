package io.bpf4j.classic;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A classic BPF program: a sequence of {@link ClassicInstruction}s, as a {@code struct sock_fprog}
 * holds them. Not necessarily valid: {@link ClassicChecker} says whether Linux would accept it.
 */
public final class ClassicProgram extends AbstractList<ClassicInstruction> implements RandomAccess {
    /**
     * The most instructions a program read from untrusted input may have before it is refused
     * without further reading; Linux's own limit ({@link ClassicOpcodes#MAXINSNS}) is checked by
     * {@link ClassicChecker}.
     */
    public static final int MAX_READ = 1 << 20;

    private final ClassicInstruction[] instructions;

    private ClassicProgram(ClassicInstruction[] instructions) {
        this.instructions = instructions;
    }

    public static ClassicProgram of(List<ClassicInstruction> instructions) {
        return of(instructions.toArray(new ClassicInstruction[0]));
    }

    public static ClassicProgram of(ClassicInstruction... instructions) {
        ClassicInstruction[] copy = instructions.clone();
        for (int i = 0; i < copy.length; i++) {
            Objects.requireNonNull(copy[i], "instruction " + i);
        }
        if (copy.length > MAX_READ) {
            throw new ClassicFormatException("program has " + copy.length + " instructions, more than " + MAX_READ);
        }
        return new ClassicProgram(copy);
    }

    /**
     * Reads an array of {@code struct sock_filter} (8 bytes each: u16 code, u8 jt, u8 jf, u32 k)
     * in the host byte order of the machine that wrote it; what {@code seccomp_export_bpf} and
     * {@code setsockopt(SO_ATTACH_FILTER)} use.
     *
     * @throws ClassicFormatException if the length is not a multiple of 8
     */
    public static ClassicProgram fromBytes(byte[] bytes, ByteOrder order) {
        if (bytes.length % ClassicInstruction.SIZE != 0) {
            throw new ClassicFormatException("a struct sock_filter array has a multiple of 8 bytes, this one " + bytes.length
                    + " (truncated instruction " + bytes.length / ClassicInstruction.SIZE + ")");
        }
        int count = bytes.length / ClassicInstruction.SIZE;
        if (count > MAX_READ) {
            throw new ClassicFormatException("program has " + count + " instructions, more than " + MAX_READ);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(order);
        ClassicInstruction[] out = new ClassicInstruction[count];
        for (int i = 0; i < count; i++) {
            int code = in.getShort() & 0xffff;
            int jt = in.get() & 0xff;
            int jf = in.get() & 0xff;
            out[i] = new ClassicInstruction(code, jt, jf, in.getInt());
        }
        return new ClassicProgram(out);
    }

    /** Reads little-endian {@code struct sock_filter}s (x86-64, arm64). */
    public static ClassicProgram fromBytes(byte[] bytes) {
        return fromBytes(bytes, ByteOrder.LITTLE_ENDIAN);
    }

    /** The program as an array of {@code struct sock_filter} in {@code order}. */
    public byte[] toBytes(ByteOrder order) {
        ByteBuffer out = ByteBuffer.allocate(instructions.length * ClassicInstruction.SIZE).order(order);
        for (ClassicInstruction i : instructions) {
            out.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
        }
        return out.array();
    }

    public byte[] toBytes() {
        return toBytes(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public ClassicInstruction get(int index) {
        return instructions[index];
    }

    @Override
    public int size() {
        return instructions.length;
    }
}
