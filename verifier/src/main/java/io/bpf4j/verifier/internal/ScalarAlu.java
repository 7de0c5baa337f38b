package io.bpf4j.verifier.internal;

import static io.bpf4j.isa.Opcodes.*;

/**
 * The transfer functions of ALU operations on scalars: new known bits and ranges from the
 * operands', as Linux's {@code adjust_scalar_min_max_vals}. Operations on 32 bits work on the
 * zero-extended low halves and zero-extend their result.
 */
final class ScalarAlu {
    private ScalarAlu() {}

    /** {@code dst op src} in 64 bits ({@code is32} false) or 32 bits. */
    static Scalar apply(int op, Scalar dst, Scalar src, boolean is32) {
        if (is32) {
            Scalar a = dst.zext32();
            Scalar b = src.zext32();
            Scalar r = switch (op) {
                case ADD, SUB, MUL, OR, AND, XOR, DIV, MOD -> apply(op, a, b, false);
                // A 32-bit shift by 32 or more is not the 64-bit one truncated (engines mask the amount): unknown, as in Linux.
                case LSH, RSH -> Long.compareUnsigned(b.umax, 31) > 0 ? Scalar.unknown() : apply(op, a, b, false);
                case ARSH -> arsh32(a, b);
                case NEG -> apply(SUB, Scalar.constant(0), a, false);
                default -> Scalar.unknown();
            };
            return r.zext32();
        }
        Scalar r = switch (op) {
            case ADD -> add(dst, src);
            case SUB -> sub(dst, src);
            case MUL -> mul(dst, src);
            case AND -> and(dst, src);
            case OR -> or(dst, src);
            case XOR -> xor(dst, src);
            case LSH -> lsh(dst, src);
            case RSH -> rsh(dst, src);
            case ARSH -> arsh(dst, src);
            case NEG -> sub(Scalar.constant(0), dst);
            default -> Scalar.unknown(); // DIV and MOD: Linux keeps no bounds
        };
        r.sync();
        return r;
    }

    private static Scalar add(Scalar a, Scalar b) {
        Scalar r = Scalar.unknown();
        long smin = a.smin + b.smin;
        long smax = a.smax + b.smax;
        boolean sOverflow = ((a.smin ^ smin) & (b.smin ^ smin)) < 0 || ((a.smax ^ smax) & (b.smax ^ smax)) < 0;
        if (!sOverflow) {
            r.smin = smin;
            r.smax = smax;
        }
        long umin = a.umin + b.umin;
        long umax = a.umax + b.umax;
        if (Long.compareUnsigned(umin, a.umin) >= 0 && Long.compareUnsigned(umax, a.umax) >= 0) {
            r.umin = umin;
            r.umax = umax;
        }
        r.tnum = a.tnum.add(b.tnum);
        return r;
    }

    private static Scalar sub(Scalar a, Scalar b) {
        Scalar r = Scalar.unknown();
        long smin = a.smin - b.smax;
        long smax = a.smax - b.smin;
        boolean sOverflow = ((a.smin ^ b.smax) & (a.smin ^ smin)) < 0 || ((a.smax ^ b.smin) & (a.smax ^ smax)) < 0;
        if (!sOverflow) {
            r.smin = smin;
            r.smax = smax;
        }
        if (Long.compareUnsigned(a.umin, b.umax) >= 0) {
            r.umin = a.umin - b.umax;
            r.umax = a.umax - b.umin;
        }
        r.tnum = a.tnum.sub(b.tnum);
        return r;
    }

    private static Scalar mul(Scalar a, Scalar b) {
        Scalar r = Scalar.unknown();
        r.tnum = a.tnum.mul(b.tnum);
        if (Long.compareUnsigned(a.umax, 0xffffffffL) <= 0 && Long.compareUnsigned(b.umax, 0xffffffffL) <= 0) {
            r.umin = a.umin * b.umin;
            r.umax = a.umax * b.umax;
            if (r.umax >= 0) {
                r.smin = r.umin;
                r.smax = r.umax;
            }
        }
        return r;
    }

    private static Scalar and(Scalar a, Scalar b) {
        Scalar r = Scalar.unknown();
        r.tnum = a.tnum.and(b.tnum);
        r.umin = r.tnum.value();
        r.umax = Scalar.uminOf(a.umax, b.umax);
        if (a.smin >= 0 && b.smin >= 0) {
            r.smin = r.umin;
            r.smax = r.umax;
        }
        return r;
    }

    private static Scalar or(Scalar a, Scalar b) {
        Scalar r = Scalar.unknown();
        r.tnum = a.tnum.or(b.tnum);
        r.umin = Scalar.umaxOf(a.umin, b.umin);
        r.umax = r.tnum.value() | r.tnum.mask();
        if (a.smin >= 0 && b.smin >= 0) {
            r.smin = r.umin;
            r.smax = r.umax;
        }
        return r;
    }

    private static Scalar xor(Scalar a, Scalar b) {
        Scalar r = Scalar.unknown();
        r.tnum = a.tnum.xor(b.tnum);
        r.umin = r.tnum.value();
        r.umax = r.tnum.value() | r.tnum.mask();
        if (a.smin >= 0 && b.smin >= 0) {
            r.smin = r.umin;
            r.smax = r.umax;
        }
        return r;
    }

    private static Scalar lsh(Scalar a, Scalar b) {
        if (Long.compareUnsigned(b.umax, 63) > 0) {
            return Scalar.unknown();
        }
        Scalar r = Scalar.unknown();
        int lo = (int) b.umin;
        int hi = (int) b.umax;
        if (hi == 0 || (a.umax >>> (64 - hi)) == 0) {
            r.umin = a.umin << lo;
            r.umax = a.umax << hi;
        }
        r.tnum = b.tnum.isConst() ? a.tnum.lshift(lo) : Tnum.UNKNOWN.lshift(lo);
        return r;
    }

    private static Scalar rsh(Scalar a, Scalar b) {
        if (Long.compareUnsigned(b.umax, 63) > 0) {
            return Scalar.unknown();
        }
        Scalar r = Scalar.unknown();
        int lo = (int) b.umin;
        int hi = (int) b.umax;
        r.umin = a.umin >>> hi;
        r.umax = a.umax >>> lo;
        r.tnum = b.tnum.isConst() ? a.tnum.rshift(lo) : Tnum.UNKNOWN.rshift(lo);
        return r;
    }

    private static Scalar arsh(Scalar a, Scalar b) {
        if (Long.compareUnsigned(b.umax, 63) > 0 || !b.isConst()) {
            return Scalar.unknown();
        }
        int s = (int) b.constValue();
        Scalar r = Scalar.unknown();
        r.smin = a.smin >> s;
        r.smax = a.smax >> s;
        r.tnum = a.tnum.arshift(s, 64);
        return r;
    }

    private static Scalar arsh32(Scalar a, Scalar b) {
        if (Long.compareUnsigned(b.umax, 31) > 0 || !b.isConst()) {
            return Scalar.unknown32();
        }
        int s = (int) b.constValue();
        Scalar r = Scalar.unknown();
        r.s32min = a.s32min >> s;
        r.s32max = a.s32max >> s;
        r.tnum = a.tnum.subreg().arshift(s, 32);
        r.sync();
        return r;
    }
}
