package io.bpf4j.runtime;

/**
 * The arithmetic of RFC 9669 where Java's operators differ from eBPF's: unsigned and signed
 * division and modulo with their by-zero rules, 32-bit results zero-extended to 64 bits, byte
 * swaps and sign extension. One definition, shared by the interpreter and the compiler, so both
 * engines agree by construction.
 */
public final class Semantics {
    private Semantics() {}

    /** Zero-extends the low 32 bits: every 32-bit ALU result goes through this. */
    public static long zext32(long value) {
        return value & 0xffffffffL;
    }

    // ---- 64-bit division and modulo
    /** Unsigned division; division by zero gives 0. */
    public static long udiv64(long dividend, long divisor) {
        return divisor == 0 ? 0 : Long.divideUnsigned(dividend, divisor);
    }

    /** Unsigned modulo; modulo by zero leaves the dividend. */
    public static long umod64(long dividend, long divisor) {
        return divisor == 0 ? dividend : Long.remainderUnsigned(dividend, divisor);
    }

    /** Signed division; by zero gives 0, and Long.MIN_VALUE / -1 gives Long.MIN_VALUE (as Java does). */
    public static long sdiv64(long dividend, long divisor) {
        return divisor == 0 ? 0 : dividend / divisor;
    }

    /** Signed modulo; by zero leaves the dividend, and Long.MIN_VALUE % -1 gives 0 (as Java does). */
    public static long smod64(long dividend, long divisor) {
        return divisor == 0 ? dividend : dividend % divisor;
    }

    // ---- 32-bit division and modulo: operands are the low 32 bits, results zero-extended
    public static long udiv32(long dividend, long divisor) {
        int d = (int) divisor;
        return d == 0 ? 0 : zext32(Integer.divideUnsigned((int) dividend, d));
    }

    public static long umod32(long dividend, long divisor) {
        int d = (int) divisor;
        return d == 0 ? zext32(dividend) : zext32(Integer.remainderUnsigned((int) dividend, d));
    }

    public static long sdiv32(long dividend, long divisor) {
        int d = (int) divisor;
        return d == 0 ? 0 : zext32((int) dividend / d);
    }

    public static long smod32(long dividend, long divisor) {
        int d = (int) divisor;
        return d == 0 ? zext32(dividend) : zext32((int) dividend % d);
    }

    // ---- shifts: the count is masked to the operand width
    public static long lsh32(long value, long count) {
        return zext32((int) value << (count & 31));
    }

    public static long rsh32(long value, long count) {
        return zext32((int) value >>> (count & 31));
    }

    public static long arsh32(long value, long count) {
        return zext32((int) value >> (count & 31));
    }

    // ---- byte order. The host of every program is little-endian, so "le" truncates and "be" swaps.
    public static long toLittleEndian(long value, int width) {
        return switch (width) {
            case 16 -> value & 0xffffL;
            case 32 -> value & 0xffffffffL;
            case 64 -> value;
            default -> throw new IllegalArgumentException("byte swap width " + width);
        };
    }

    /** Byte swap of the low {@code width} bits, zero-extended: {@code be16/be32/be64} and {@code bswap}. */
    public static long byteSwap(long value, int width) {
        return switch (width) {
            case 16 -> Short.reverseBytes((short) value) & 0xffffL;
            case 32 -> Integer.reverseBytes((int) value) & 0xffffffffL;
            case 64 -> Long.reverseBytes(value);
            default -> throw new IllegalArgumentException("byte swap width " + width);
        };
    }

    // ---- sign extension (movsx, ldxs*)
    /** Sign-extends the low {@code bits} (8, 16 or 32) bits to 64. */
    public static long signExtend(long value, int bits) {
        return switch (bits) {
            case 8 -> (byte) value;
            case 16 -> (short) value;
            case 32 -> (int) value;
            default -> throw new IllegalArgumentException("sign extension from " + bits + " bits");
        };
    }

    /** 32-bit movsx: sign-extends the low 8 or 16 bits to 32, then zero-extends to 64. */
    public static long signExtend32(long value, int bits) {
        return zext32(signExtend(value, bits));
    }
}
