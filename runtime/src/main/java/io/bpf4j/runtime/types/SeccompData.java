package io.bpf4j.runtime.types;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A system call as a seccomp filter sees it: Linux's {@code struct seccomp_data} (64 bytes:
 * {@code int nr} at 0, {@code __u32 arch} at 4, {@code __u64 instruction_pointer} at 8,
 * {@code __u64 args[6]} from 16).
 */
public record SeccompData(int nr, int arch, long instructionPointer, long[] args) {
    /** {@code AUDIT_ARCH_X86_64}. */
    public static final int AUDIT_ARCH_X86_64 = 0xc000003e;
    /** {@code AUDIT_ARCH_AARCH64}. */
    public static final int AUDIT_ARCH_AARCH64 = 0xc00000b7;
    public static final int SIZE = 64;

    public SeccompData {
        if (args.length > 6) {
            throw new IllegalArgumentException("a system call has at most 6 arguments, not " + args.length);
        }
        args = java.util.Arrays.copyOf(args, 6);
    }

    /** System call {@code nr} on x86-64 with these arguments, at instruction pointer 0. */
    public static SeccompData of(int nr, long... args) {
        return new SeccompData(nr, AUDIT_ARCH_X86_64, 0, args);
    }

    @Override
    public long[] args() {
        return args.clone();
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN).putInt(nr).putInt(arch).putLong(instructionPointer);
        for (long a : args) {
            b.putLong(a);
        }
        return b.array();
    }
}
