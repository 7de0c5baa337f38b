package io.bpf4j.verifier.internal;

import static io.bpf4j.isa.Opcodes.*;

/**
 * Conditional jumps on scalars: whether a comparison's outcome is already known (so only one
 * branch is explored), and how each branch narrows both operands, as Linux's
 * {@code is_branch_taken} and {@code regs_refine_cond_op}.
 */
final class ScalarBranch {
    /** Outcome unknown: explore both branches. */
    static final int UNKNOWN = -1;

    private ScalarBranch() {}

    /** The opcode (JEQ, JGT, ...) whose outcome is the negation of {@code op}'s; -2 for JSET (no opcode). */
    static int negate(int op) {
        return switch (op) {
            case JEQ -> JNE;
            case JNE -> JEQ;
            case JGT -> JLE;
            case JLE -> JGT;
            case JGE -> JLT;
            case JLT -> JGE;
            case JSGT -> JSLE;
            case JSLE -> JSGT;
            case JSGE -> JSLT;
            case JSLT -> JSGE;
            default -> -2;
        };
    }

    /** The opcode for {@code b op' a} equivalent to {@code a op b}. */
    static int flip(int op) {
        return switch (op) {
            case JGT -> JLT;
            case JLT -> JGT;
            case JGE -> JLE;
            case JLE -> JGE;
            case JSGT -> JSLT;
            case JSLT -> JSGT;
            case JSGE -> JSLE;
            case JSLE -> JSGE;
            default -> op;
        };
    }

    /** 1 if {@code a op b} is always true, 0 if never, {@link #UNKNOWN} otherwise. */
    static int taken(Scalar a, Scalar b, int op, boolean is32) {
        if (is32) {
            return taken(view32(a), view32(b), op, false, true);
        }
        return taken(a, b, op, false, false);
    }

    private static Scalar view32(Scalar s) {
        return s.zext32();
    }

    private static int taken(Scalar a, Scalar b, int op, boolean unused, boolean narrow) {
        long amin = narrow ? a.u32min : a.umin;
        long amax = narrow ? a.u32max : a.umax;
        long bmin = narrow ? b.u32min : b.umin;
        long bmax = narrow ? b.u32max : b.umax;
        long asmin = narrow ? a.s32min : a.smin;
        long asmax = narrow ? a.s32max : a.smax;
        long bsmin = narrow ? b.s32min : b.smin;
        long bsmax = narrow ? b.s32max : b.smax;
        Tnum at = narrow ? a.tnum.subreg() : a.tnum;
        Tnum bt = narrow ? b.tnum.subreg() : b.tnum;
        switch (op) {
            case JEQ, JNE -> {
                int eq;
                if (at.isConst() && bt.isConst()) {
                    eq = at.value() == bt.value() ? 1 : 0;
                } else if (Long.compareUnsigned(amin, bmax) > 0 || Long.compareUnsigned(amax, bmin) < 0
                        || asmin > bsmax || asmax < bsmin
                        || ((at.value() ^ bt.value()) & ~(at.mask() | bt.mask())) != 0) {
                    eq = 0;
                } else {
                    eq = UNKNOWN;
                }
                return eq == UNKNOWN ? UNKNOWN : (op == JEQ ? eq : 1 - eq);
            }
            case JSET -> {
                if ((at.value() & bt.value()) != 0) {
                    return 1;
                }
                if (((at.value() | at.mask()) & (bt.value() | bt.mask())) == 0) {
                    return 0;
                }
                return UNKNOWN;
            }
            case JGT -> {
                if (Long.compareUnsigned(amin, bmax) > 0) {
                    return 1;
                }
                return Long.compareUnsigned(amax, bmin) <= 0 ? 0 : UNKNOWN;
            }
            case JGE -> {
                if (Long.compareUnsigned(amin, bmax) >= 0) {
                    return 1;
                }
                return Long.compareUnsigned(amax, bmin) < 0 ? 0 : UNKNOWN;
            }
            case JLT -> {
                return taken(b, a, JGT, unused, narrow);
            }
            case JLE -> {
                return taken(b, a, JGE, unused, narrow);
            }
            case JSGT -> {
                if (asmin > bsmax) {
                    return 1;
                }
                return asmax <= bsmin ? 0 : UNKNOWN;
            }
            case JSGE -> {
                if (asmin >= bsmax) {
                    return 1;
                }
                return asmax < bsmin ? 0 : UNKNOWN;
            }
            case JSLT -> {
                return taken(b, a, JSGT, unused, narrow);
            }
            case JSLE -> {
                return taken(b, a, JSGE, unused, narrow);
            }
            default -> {
                return UNKNOWN;
            }
        }
    }

    /**
     * Narrows {@code a} and {@code b} (both changed in place) to the values for which {@code a op b}
     * holds ({@code holds} true) or fails. Returns false when no values are left: the branch cannot run.
     */
    static boolean refine(Scalar a, Scalar b, int op, boolean holds, boolean is32) {
        if (!holds) {
            if (op == JSET) {
                // a & b == 0: with b constant, a's bits set in b are known zero.
                if (b.isConst32() && (is32 || b.isConst())) {
                    long m = is32 ? (b.tnum.value() & Scalar.U32) : b.constValue();
                    a.tnum = a.tnum.and(Tnum.constant(~m));
                    a.sync();
                }
                return !a.isEmpty();
            }
            op = negate(op);
        }
        if (is32) {
            refine32(a, b, op);
        } else {
            refine64(a, b, op);
        }
        if (a.isEmpty() || b.isEmpty()) {
            return false;
        }
        a.sync();
        b.sync();
        return !a.isEmpty() && !b.isEmpty();
    }

    private static void refine64(Scalar a, Scalar b, int op) {
        switch (op) {
            case JEQ -> {
                long umin = Scalar.umaxOf(a.umin, b.umin);
                long umax = Scalar.uminOf(a.umax, b.umax);
                long smin = Math.max(a.smin, b.smin);
                long smax = Math.min(a.smax, b.smax);
                long u32min = Math.max(a.u32min, b.u32min);
                long u32max = Math.min(a.u32max, b.u32max);
                long s32min = Math.max(a.s32min, b.s32min);
                long s32max = Math.min(a.s32max, b.s32max);
                Tnum t = a.tnum.intersect(b.tnum);
                for (Scalar s : new Scalar[] {a, b}) {
                    s.umin = umin;
                    s.umax = umax;
                    s.smin = smin;
                    s.smax = smax;
                    s.u32min = u32min;
                    s.u32max = u32max;
                    s.s32min = s32min;
                    s.s32max = s32max;
                    s.tnum = t;
                }
            }
            case JNE -> {
                if (b.isConst()) {
                    excludeConst64(a, b.constValue());
                } else if (a.isConst()) {
                    excludeConst64(b, a.constValue());
                }
            }
            case JSET -> {
                if (b.isConst() && Long.bitCount(b.constValue()) == 1) {
                    a.tnum = a.tnum.or(b.tnum);
                }
            }
            case JGE -> {
                a.umin = Scalar.umaxOf(a.umin, b.umin);
                b.umax = Scalar.uminOf(b.umax, a.umax);
            }
            case JGT -> {
                if (b.umin != -1L) {
                    a.umin = Scalar.umaxOf(a.umin, b.umin + 1);
                } else {
                    a.umin = 1;
                    a.umax = 0; // empty
                }
                if (a.umax != 0) {
                    b.umax = Scalar.uminOf(b.umax, a.umax - 1);
                } else {
                    b.umin = 1;
                    b.umax = 0;
                }
            }
            case JLE -> refine64(b, a, JGE);
            case JLT -> refine64(b, a, JGT);
            case JSGE -> {
                a.smin = Math.max(a.smin, b.smin);
                b.smax = Math.min(b.smax, a.smax);
            }
            case JSGT -> {
                if (b.smin != Long.MAX_VALUE) {
                    a.smin = Math.max(a.smin, b.smin + 1);
                } else {
                    a.smin = 1;
                    a.smax = 0;
                }
                if (a.smax != Long.MIN_VALUE) {
                    b.smax = Math.min(b.smax, a.smax - 1);
                } else {
                    b.smin = 1;
                    b.smax = 0;
                }
            }
            case JSLE -> refine64(b, a, JSGE);
            case JSLT -> refine64(b, a, JSGT);
            default -> { }
        }
    }

    private static void excludeConst64(Scalar a, long v) {
        if (a.isConst() && a.constValue() == v) {
            a.umin = 1;
            a.umax = 0; // empty: a != v cannot hold
            return;
        }
        if (a.umin == v) {
            a.umin++;
        }
        if (a.umax == v) {
            a.umax--;
        }
        if (a.smin == v) {
            a.smin++;
        }
        if (a.smax == v) {
            a.smax--;
        }
    }

    private static void refine32(Scalar a, Scalar b, int op) {
        switch (op) {
            case JEQ -> {
                long u32min = Math.max(a.u32min, b.u32min);
                long u32max = Math.min(a.u32max, b.u32max);
                long s32min = Math.max(a.s32min, b.s32min);
                long s32max = Math.min(a.s32max, b.s32max);
                Tnum t = a.tnum.subreg().intersect(b.tnum.subreg());
                for (Scalar s : new Scalar[] {a, b}) {
                    s.u32min = u32min;
                    s.u32max = u32max;
                    s.s32min = s32min;
                    s.s32max = s32max;
                    s.tnum = s.tnum.withSubreg(t);
                }
            }
            case JNE -> {
                if (b.isConst32()) {
                    excludeConst32(a, b.tnum.value() & Scalar.U32);
                } else if (a.isConst32()) {
                    excludeConst32(b, a.tnum.value() & Scalar.U32);
                }
            }
            case JSET -> {
                long m = b.tnum.value() & Scalar.U32;
                if (b.isConst32() && Long.bitCount(m) == 1) {
                    a.tnum = a.tnum.or(Tnum.constant(m));
                }
            }
            case JGE -> {
                a.u32min = Math.max(a.u32min, b.u32min);
                b.u32max = Math.min(b.u32max, a.u32max);
            }
            case JGT -> {
                a.u32min = Math.max(a.u32min, b.u32min + 1);
                b.u32max = Math.min(b.u32max, a.u32max - 1);
            }
            case JLE -> refine32(b, a, JGE);
            case JLT -> refine32(b, a, JGT);
            case JSGE -> {
                a.s32min = Math.max(a.s32min, b.s32min);
                b.s32max = Math.min(b.s32max, a.s32max);
            }
            case JSGT -> {
                a.s32min = Math.max(a.s32min, b.s32min + 1);
                b.s32max = Math.min(b.s32max, a.s32max - 1);
            }
            case JSLE -> refine32(b, a, JSGE);
            case JSLT -> refine32(b, a, JSGT);
            default -> { }
        }
    }

    private static void excludeConst32(Scalar a, long v) {
        if (a.isConst32() && (a.tnum.value() & Scalar.U32) == v) {
            a.u32min = 1;
            a.u32max = 0;
            return;
        }
        if (a.u32min == v) {
            a.u32min++;
        }
        if (a.u32max == v) {
            a.u32max--;
        }
        if (a.s32min == (int) v) {
            a.s32min++;
        }
        if (a.s32max == (int) v) {
            a.s32max--;
        }
    }
}
