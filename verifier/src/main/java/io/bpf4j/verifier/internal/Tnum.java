package io.bpf4j.verifier.internal;

/**
 * A tristate number: each bit known 0, known 1, or unknown ({@code mask} bit set). The verifier's
 * "known bits" domain, with the same transfer functions as Linux's {@code kernel/bpf/tnum.c}
 * (Vishwanathan et al., "Sound, precise, and fast abstract interpretation with tristate numbers").
 */
public record Tnum(long value, long mask) {
    public static final Tnum UNKNOWN = new Tnum(0, -1L);
    public static final Tnum ZERO = new Tnum(0, 0);

    public static Tnum constant(long v) {
        return new Tnum(v, 0);
    }

    /** The smallest tnum holding every value in the unsigned range [min, max]. */
    public static Tnum range(long min, long max) {
        long chi = min ^ max;
        int bits = 64 - Long.numberOfLeadingZeros(chi);
        if (bits > 63) {
            return UNKNOWN;
        }
        long delta = (1L << bits) - 1;
        return new Tnum(min & ~delta, delta);
    }

    public boolean isConst() {
        return mask == 0;
    }

    public Tnum lshift(int shift) {
        return new Tnum(value << shift, mask << shift);
    }

    public Tnum rshift(int shift) {
        return new Tnum(value >>> shift, mask >>> shift);
    }

    /** Arithmetic shift right of the low {@code bits} (32 or 64) bits. */
    public Tnum arshift(int shift, int bits) {
        if (bits == 32) {
            return new Tnum(((long) ((int) value >> shift)) & 0xffffffffL, ((long) ((int) mask >> shift)) & 0xffffffffL);
        }
        return new Tnum(value >> shift, mask >> shift);
    }

    public Tnum add(Tnum b) {
        long sm = mask + b.mask;
        long sv = value + b.value;
        long sigma = sm + sv;
        long chi = sigma ^ sv;
        long mu = chi | mask | b.mask;
        return new Tnum(sv & ~mu, mu);
    }

    public Tnum sub(Tnum b) {
        long dv = value - b.value;
        long alpha = dv + mask;
        long beta = dv - b.mask;
        long chi = alpha ^ beta;
        long mu = chi | mask | b.mask;
        return new Tnum(dv & ~mu, mu);
    }

    public Tnum and(Tnum b) {
        long alpha = value | mask;
        long beta = b.value | b.mask;
        long v = value & b.value;
        return new Tnum(v, alpha & beta & ~v);
    }

    public Tnum or(Tnum b) {
        long v = value | b.value;
        long mu = mask | b.mask;
        return new Tnum(v, mu & ~v);
    }

    public Tnum xor(Tnum b) {
        long v = value ^ b.value;
        long mu = mask | b.mask;
        return new Tnum(v & ~mu, mu);
    }

    public Tnum mul(Tnum b) {
        Tnum a = this;
        long accV = a.value * b.value;
        Tnum accM = ZERO;
        while (a.value != 0 || a.mask != 0) {
            if ((a.value & 1) != 0) {
                accM = accM.add(new Tnum(0, b.mask));
            } else if ((a.mask & 1) != 0) {
                accM = accM.add(new Tnum(0, b.value | b.mask));
            }
            a = a.rshift(1);
            b = b.lshift(1);
        }
        return constant(accV).add(accM);
    }

    /** The values both tnums allow (their meet). */
    public Tnum intersect(Tnum b) {
        long v = value | b.value;
        long mu = mask & b.mask;
        return new Tnum(v & ~mu, mu);
    }

    /** The values either tnum allows (their join). */
    public Tnum union(Tnum b) {
        long mu = mask | b.mask | (value ^ b.value);
        return new Tnum(value & ~mu, mu);
    }

    /** The low 32 bits, zero-extended. */
    public Tnum subreg() {
        return new Tnum(value & 0xffffffffL, mask & 0xffffffffL);
    }

    /** This tnum with its low 32 bits replaced by {@code sub}'s. */
    public Tnum withSubreg(Tnum sub) {
        return new Tnum((value & ~0xffffffffL) | (sub.value & 0xffffffffL), (mask & ~0xffffffffL) | (sub.mask & 0xffffffffL));
    }

    public boolean isAligned(long size) {
        return size == 0 || ((value | mask) & (size - 1)) == 0;
    }

    /** Whether every value {@code b} allows, this one allows too. */
    public boolean contains(Tnum b) {
        if ((b.mask & ~mask) != 0) {
            return false;
        }
        return (b.value & ~mask) == value;
    }

    @Override
    public String toString() {
        return "(0x" + Long.toHexString(value) + "; 0x" + Long.toHexString(mask) + ")";
    }
}
