package io.bpf4j.verifier.internal;

/**
 * What the verifier knows about a 64-bit number: its known bits ({@link Tnum}) and its signed and
 * unsigned ranges, in 64 and in 32 bits (the low half). The ranges and bits are kept consistent
 * with each other by {@link #sync()}, as Linux's {@code reg_bounds_sync} does. Mutable; copy before
 * sharing.
 */
public final class Scalar {
    static final long U32 = 0xffffffffL;

    Tnum tnum;
    long smin;
    long smax;
    long umin;
    long umax;
    /** 32-bit signed bounds, as longs in [-2^31, 2^31). */
    long s32min;
    long s32max;
    /** 32-bit unsigned bounds, as longs in [0, 2^32). */
    long u32min;
    long u32max;

    private Scalar() {}

    public static Scalar unknown() {
        Scalar s = new Scalar();
        s.tnum = Tnum.UNKNOWN;
        s.smin = Long.MIN_VALUE;
        s.smax = Long.MAX_VALUE;
        s.umin = 0;
        s.umax = -1L;
        s.s32min = Integer.MIN_VALUE;
        s.s32max = Integer.MAX_VALUE;
        s.u32min = 0;
        s.u32max = U32;
        return s;
    }

    public static Scalar constant(long v) {
        Scalar s = new Scalar();
        s.tnum = Tnum.constant(v);
        s.smin = s.smax = s.umin = s.umax = v;
        s.s32min = s.s32max = (int) v;
        s.u32min = s.u32max = v & U32;
        return s;
    }

    /** An unknown number in the unsigned range [0, max]. */
    public static Scalar unsignedAtMost(long max) {
        Scalar s = unknown();
        s.umax = max;
        s.sync();
        return s;
    }

    /** An unknown 32-bit number, zero-extended. */
    public static Scalar unknown32() {
        return unsignedAtMost(U32);
    }

    public Scalar copy() {
        Scalar s = new Scalar();
        s.tnum = tnum;
        s.smin = smin;
        s.smax = smax;
        s.umin = umin;
        s.umax = umax;
        s.s32min = s32min;
        s.s32max = s32max;
        s.u32min = u32min;
        s.u32max = u32max;
        return s;
    }

    public boolean isConst() {
        return tnum.isConst();
    }

    public long constValue() {
        return tnum.value();
    }

    public boolean isConst32() {
        return tnum.subreg().isConst();
    }

    public long smin() {
        return smin;
    }

    public long smax() {
        return smax;
    }

    public long umin() {
        return umin;
    }

    public long umax() {
        return umax;
    }

    public Tnum tnum() {
        return tnum;
    }

    public boolean isUnbounded() {
        return tnum.mask() == -1L && smin == Long.MIN_VALUE && smax == Long.MAX_VALUE && umin == 0 && umax == -1L;
    }

    /** Whether the bounds are contradictory (no number satisfies them): a branch that cannot be taken. */
    public boolean isEmpty() {
        return smin > smax || Long.compareUnsigned(umin, umax) > 0 || s32min > s32max || u32min > u32max
                || Long.compareUnsigned(tnum.value(), umax) > 0 || Long.compareUnsigned(tnum.value() | tnum.mask(), umin) < 0
                || (tnum.value() & tnum.mask()) != 0;
    }

    /** Whether every number {@code other} allows, this one allows too (for state pruning). */
    public boolean contains(Scalar o) {
        return smin <= o.smin && smax >= o.smax && Long.compareUnsigned(umin, o.umin) <= 0
                && Long.compareUnsigned(umax, o.umax) >= 0 && s32min <= o.s32min && s32max >= o.s32max
                && u32min <= o.u32min && u32max >= o.u32max && tnum.contains(o.tnum);
    }

    public boolean sameAs(Scalar o) {
        return smin == o.smin && smax == o.smax && umin == o.umin && umax == o.umax && s32min == o.s32min
                && s32max == o.s32max && u32min == o.u32min && u32max == o.u32max && tnum.equals(o.tnum);
    }

    // ---- keeping the domains consistent -------------------------------------------------

    /** Tightens every bound from the others, as Linux's {@code reg_bounds_sync}. */
    public void sync() {
        updateFromTnum();
        deduce();
        deduce();
        boundOffset();
        updateFromTnum();
    }

    private void updateFromTnum() {
        Tnum t = tnum;
        smin = Math.max(smin, t.value() | (t.mask() & Long.MIN_VALUE));
        smax = Math.min(smax, t.value() | (t.mask() & Long.MAX_VALUE));
        umin = umaxOf(umin, t.value());
        umax = uminOf(umax, t.value() | t.mask());
        Tnum s = t.subreg();
        s32min = Math.max(s32min, (int) (s.value() | (s.mask() & 0x80000000L)));
        s32max = Math.min(s32max, (int) (s.value() | (s.mask() & 0x7fffffffL)));
        u32min = Math.max(u32min, s.value());
        u32max = Math.min(u32max, s.value() | s.mask());
    }

    private void deduce() {
        // 32-bit signed and unsigned bounds inform each other when the range does not cross the sign boundary.
        if ((int) u32min <= (int) u32max) {
            s32min = Math.max(s32min, (int) u32min);
            s32max = Math.min(s32max, (int) u32max);
        }
        if ((s32min & U32) <= (s32max & U32)) {
            u32min = Math.max(u32min, s32min & U32);
            u32max = Math.min(u32max, s32max & U32);
        }
        // 64-bit bounds whose high halves are equal fix the low half's range.
        if ((umin >>> 32) == (umax >>> 32)) {
            u32min = Math.max(u32min, umin & U32);
            u32max = Math.min(u32max, umax & U32);
            if ((int) umin <= (int) umax) {
                s32min = Math.max(s32min, (int) umin);
                s32max = Math.min(s32max, (int) umax);
            }
        }
        if ((smin >> 32) == (smax >> 32)) {
            if ((smin & U32) <= (smax & U32)) {
                u32min = Math.max(u32min, smin & U32);
                u32max = Math.min(u32max, smax & U32);
            }
            if ((int) smin <= (int) smax) {
                s32min = Math.max(s32min, (int) smin);
                s32max = Math.min(s32max, (int) smax);
            }
        }
        // 64-bit signed and unsigned bounds inform each other.
        if (smin <= smax && (smin >= 0 || smax < 0)) {
            umin = umaxOf(umin, smin);
            umax = uminOf(umax, smax);
        }
        if (umin <= umax && Long.compareUnsigned(umin, umax) <= 0) { // the unsigned range does not cross 2^63
            smin = Math.max(smin, umin);
            smax = Math.min(smax, umax);
        }
        // The low half's range refines the 64-bit bounds (sound whatever the high halves are).
        if (u32min <= u32max) {
            umin = umaxOf(umin, (umin & ~U32) | u32min);
            umax = uminOf(umax, (umax & ~U32) | u32max);
            smin = Math.max(smin, (smin & ~U32) | u32min);
            smax = Math.min(smax, (smax & ~U32) | u32max);
        }
    }

    private void boundOffset() {
        Tnum t64 = tnum.intersect(Tnum.range(umin, umax));
        Tnum t32 = t64.subreg().intersect(Tnum.range(u32min, u32max));
        tnum = t64.withSubreg(t32);
    }

    static long umaxOf(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }

    static long uminOf(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }

    // ---- 32-bit views ---------------------------------------------------------------------

    /** The low 32 bits as a zero-extended number, the result of every 32-bit operation. */
    public Scalar zext32() {
        Scalar s = unknown();
        s.tnum = tnum.subreg();
        s.u32min = u32min;
        s.u32max = u32max;
        s.s32min = s32min;
        s.s32max = s32max;
        s.umin = u32min;
        s.umax = u32max;
        s.smin = u32min;
        s.smax = u32max;
        s.sync();
        return s;
    }

    /** Sign-extends the low {@code bits} bits (8, 16 or 32). */
    public Scalar signExtend(int bits) {
        if (isConst()) {
            long v = constValue();
            return constant((v << (64 - bits)) >> (64 - bits));
        }
        long lo = -(1L << (bits - 1));
        long hi = (1L << (bits - 1)) - 1;
        if (bits == 32 && s32min >= lo && s32max <= hi) {
            Scalar s = unknown();
            s.smin = s32min;
            s.smax = s32max;
            s.s32min = s32min;
            s.s32max = s32max;
            s.sync();
            return s;
        }
        Scalar s = unknown();
        s.smin = lo;
        s.smax = hi;
        s.sync();
        return s;
    }

    /** Zero-extends the low {@code bits} bits (8, 16, 32 or 64): the value of a narrow load or truncation. */
    public Scalar truncate(int bits) {
        if (bits == 64) {
            return copy();
        }
        if (bits == 32) {
            return zext32();
        }
        long m = (1L << bits) - 1;
        if (Long.compareUnsigned(umax, m) <= 0) {
            return copy();
        }
        Scalar s = unknown();
        s.tnum = tnum.and(Tnum.constant(m));
        s.umax = m;
        s.sync();
        return s;
    }

    @Override
    public String toString() {
        if (isConst()) {
            return Long.toString(constValue());
        }
        StringBuilder b = new StringBuilder("scalar(");
        String sep = "";
        if (smin != Long.MIN_VALUE) {
            b.append("smin=").append(smin);
            sep = ",";
        }
        if (smax != Long.MAX_VALUE) {
            b.append(sep).append("smax=").append(smax);
            sep = ",";
        }
        if (umin != 0) {
            b.append(sep).append("umin=").append(Long.toUnsignedString(umin));
            sep = ",";
        }
        if (umax != -1L) {
            b.append(sep).append("umax=").append(Long.toUnsignedString(umax));
            sep = ",";
        }
        if (s32min != Integer.MIN_VALUE || s32max != Integer.MAX_VALUE) {
            b.append(sep).append("s32=[").append(s32min).append(",").append(s32max).append("]");
            sep = ",";
        }
        if (u32min != 0 || u32max != U32) {
            b.append(sep).append("u32=[").append(u32min).append(",").append(u32max).append("]");
            sep = ",";
        }
        if (tnum.mask() != -1L) {
            b.append(sep).append("var_off=").append(tnum);
        }
        return b.append(")").toString();
    }
}
