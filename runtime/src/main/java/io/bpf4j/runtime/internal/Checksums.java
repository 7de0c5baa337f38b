package io.bpf4j.runtime.internal;

/**
 * One's complement (Internet, RFC 1071) checksum arithmetic as Linux's {@code csum_*} functions
 * do it. Values are in the byte order they have in memory, read as little-endian numbers: one's
 * complement sums do not depend on the byte order as long as every operand uses the same one, so
 * the results, stored back little-endian, are the bytes Linux stores.
 */
final class Checksums {
    private Checksums() {}

    /** Folds a sum of 32-bit words to 32 bits with end-around carry. */
    static long fold32(long sum) {
        while ((sum >>> 32) != 0) {
            sum = (sum & 0xffffffffL) + (sum >>> 32);
        }
        return sum;
    }

    /** Folds a 32-bit partial sum to 16 bits with end-around carry (Linux's csum_fold, without the complement). */
    static int fold16(long sum) {
        sum = fold32(sum);
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** csum_add: one's complement addition of two 32-bit partial sums. */
    static long add(long a, long b) {
        return fold32((a & 0xffffffffL) + (b & 0xffffffffL));
    }

    /** csum_sub: a minus b, as a + ~b. */
    static long sub(long a, long b) {
        return add(a, ~b & 0xffffffffL);
    }

    /** The 16-bit checksum field after replacing 32-bit {@code from} by {@code to} (csum_replace4, RFC 1624). */
    static int replace4(int field, long from, long to) {
        long sum = add(sub(~field & 0xffffL, from), to);
        return ~fold16(sum) & 0xffff;
    }

    /** As {@link #replace4} for a 16-bit value (csum_replace2). */
    static int replace2(int field, long from, long to) {
        return replace4(field, from & 0xffff, to & 0xffff);
    }

    /** The field after adding the 32-bit difference {@code diff} (csum_replace_by_diff). */
    static int replaceByDiff(int field, long diff) {
        return ~fold16(add(diff, ~field & 0xffffL)) & 0xffff;
    }
}
