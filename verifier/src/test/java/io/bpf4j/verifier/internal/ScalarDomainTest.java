package io.bpf4j.verifier.internal;

import static io.bpf4j.isa.Opcodes.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scalar domain is sound: for random abstract values and random concrete members of them,
 * the concrete result of every ALU operation is a member of the abstract result, and a branch
 * refinement keeps every concrete pair for which the comparison holds.
 */
class ScalarDomainTest {
    private static final int[] ALU_OPS = {ADD, SUB, MUL, DIV, OR, AND, LSH, RSH, NEG, MOD, XOR, ARSH};
    private static final int[] JUMPS = {JEQ, JNE, JGT, JGE, JLT, JLE, JSGT, JSGE, JSLT, JSLE, JSET};

    /** A random abstract value and a member of it. */
    private record Sample(Scalar abs, long member) {}

    private static Sample sample(Random rnd) {
        long v = switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextInt(64) - 8;
            case 1 -> rnd.nextLong();
            case 2 -> rnd.nextInt();
            default -> 1L << rnd.nextInt(64);
        };
        Scalar s = Scalar.unknown();
        switch (rnd.nextInt(5)) {
            case 0 -> s = Scalar.constant(v);
            case 1 -> { // unsigned range around v
                long lo = v - rnd.nextInt(100);
                long hi = v + rnd.nextInt(100);
                if (Long.compareUnsigned(lo, v) <= 0 && Long.compareUnsigned(v, hi) <= 0) {
                    s.umin = lo;
                    s.umax = hi;
                }
            }
            case 2 -> { // signed range around v
                long lo = v - rnd.nextInt(1000);
                long hi = v + rnd.nextInt(1000);
                if (lo <= v && v <= hi) {
                    s.smin = lo;
                    s.smax = hi;
                }
            }
            case 3 -> { // known bits of v
                long mask = rnd.nextLong() & rnd.nextLong();
                s.tnum = new Tnum(v & ~mask, mask);
            }
            default -> { }
        }
        s.sync();
        return new Sample(s, v);
    }

    private static boolean member(Scalar s, long v) {
        return v >= s.smin && v <= s.smax && Long.compareUnsigned(v, s.umin) >= 0 && Long.compareUnsigned(v, s.umax) <= 0
                && (int) v >= s.s32min && (int) v <= s.s32max && (v & 0xffffffffL) >= s.u32min
                && (v & 0xffffffffL) <= s.u32max && (v & ~s.tnum.mask()) == s.tnum.value();
    }

    private static long concrete(int op, long a, long b, boolean is32) {
        if (is32) {
            int x = (int) a;
            int y = (int) b;
            int r = switch (op) {
                case ADD -> x + y;
                case SUB -> x - y;
                case MUL -> x * y;
                case DIV -> y == 0 ? 0 : Integer.divideUnsigned(x, y);
                case MOD -> y == 0 ? x : Integer.remainderUnsigned(x, y);
                case OR -> x | y;
                case AND -> x & y;
                case XOR -> x ^ y;
                case LSH -> x << (y & 31);
                case RSH -> x >>> (y & 31);
                case ARSH -> x >> (y & 31);
                case NEG -> -x;
                default -> throw new IllegalArgumentException();
            };
            return r & 0xffffffffL;
        }
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> b == 0 ? 0 : Long.divideUnsigned(a, b);
            case MOD -> b == 0 ? a : Long.remainderUnsigned(a, b);
            case OR -> a | b;
            case AND -> a & b;
            case XOR -> a ^ b;
            case LSH -> a << (b & 63);
            case RSH -> a >>> (b & 63);
            case ARSH -> a >> (b & 63);
            case NEG -> -a;
            default -> throw new IllegalArgumentException();
        };
    }

    @Test
    void aluResultsContainEveryConcreteResult() {
        Random rnd = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            Sample a = sample(rnd);
            Sample b = sample(rnd);
            int op = ALU_OPS[rnd.nextInt(ALU_OPS.length)];
            boolean is32 = rnd.nextBoolean();
            assertThat(member(a.abs(), a.member())).as("sample %s has member %d", a.abs(), a.member()).isTrue();
            long bv = b.member();
            Scalar bAbs = b.abs();
            if (op == LSH || op == RSH || op == ARSH) {
                // The verifier only ever shifts by amounts below the width (constants are checked, registers masked).
                bv = bv & (is32 ? 31 : 63);
                bAbs = Scalar.constant(bv);
            }
            Scalar r = ScalarAlu.apply(op, a.abs(), bAbs, is32);
            long c = concrete(op, a.member(), bv, is32);
            assertThat(member(r, c)).as("%s %s %s (32-bit %s) = %s must contain %d (from %d, %d)", a.abs(), op, bAbs, is32, r, c,
                    a.member(), bv).isTrue();
        }
    }

    private static boolean holds(int op, long a, long b, boolean is32) {
        if (is32) {
            a = a & 0xffffffffL;
            b = b & 0xffffffffL;
            int x = (int) a;
            int y = (int) b;
            return switch (op) {
                case JEQ -> x == y;
                case JNE -> x != y;
                case JGT -> Integer.compareUnsigned(x, y) > 0;
                case JGE -> Integer.compareUnsigned(x, y) >= 0;
                case JLT -> Integer.compareUnsigned(x, y) < 0;
                case JLE -> Integer.compareUnsigned(x, y) <= 0;
                case JSGT -> x > y;
                case JSGE -> x >= y;
                case JSLT -> x < y;
                case JSLE -> x <= y;
                default -> (x & y) != 0;
            };
        }
        return switch (op) {
            case JEQ -> a == b;
            case JNE -> a != b;
            case JGT -> Long.compareUnsigned(a, b) > 0;
            case JGE -> Long.compareUnsigned(a, b) >= 0;
            case JLT -> Long.compareUnsigned(a, b) < 0;
            case JLE -> Long.compareUnsigned(a, b) <= 0;
            case JSGT -> a > b;
            case JSGE -> a >= b;
            case JSLT -> a < b;
            case JSLE -> a <= b;
            default -> (a & b) != 0;
        };
    }

    @Test
    void branchesKeepEveryPairForWhichTheyHold() {
        Random rnd = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            Sample a = sample(rnd);
            Sample b = sample(rnd);
            int op = JUMPS[rnd.nextInt(JUMPS.length)];
            boolean is32 = rnd.nextBoolean();
            boolean h = holds(op, a.member(), b.member(), is32);
            int taken = ScalarBranch.taken(a.abs(), b.abs(), op, is32);
            if (taken != ScalarBranch.UNKNOWN) {
                assertThat(taken == 1).as("taken(%s %s %s) for %d, %d", a.abs(), op, b.abs(), a.member(), b.member())
                        .isEqualTo(h);
            }
            Scalar x = a.abs().copy();
            Scalar y = b.abs().copy();
            boolean feasible = ScalarBranch.refine(x, y, op, h, is32);
            assertThat(feasible).as("branch %s of %s %s %s is feasible for %d, %d", h, a.abs(), op, b.abs(), a.member(),
                    b.member()).isTrue();
            assertThat(member(x, a.member()) && member(y, b.member()))
                    .as("refined %s %s %s (%s) to %s, %s: must keep %d, %d", a.abs(), op, b.abs(), h, x, y, a.member(), b.member())
                    .isTrue();
        }
    }

    @Test
    void tnumRangeAndArithmeticAreExactForConstants() {
        assertThat(Tnum.range(0, 7)).isEqualTo(new Tnum(0, 7));
        assertThat(Tnum.range(8, 15)).isEqualTo(new Tnum(8, 7));
        assertThat(Tnum.constant(5).add(Tnum.constant(7))).isEqualTo(Tnum.constant(12));
        assertThat(Tnum.constant(5).mul(Tnum.constant(7))).isEqualTo(Tnum.constant(35));
        assertThat(new Tnum(0, 3).add(Tnum.constant(4))).isEqualTo(new Tnum(4, 3));
        assertThat(new Tnum(0, 0xff).and(Tnum.constant(0x0f))).isEqualTo(new Tnum(0, 0x0f));
        assertThat(new Tnum(0, 6).isAligned(2)).isTrue();
        assertThat(new Tnum(0, 7).isAligned(2)).isFalse();
    }
}
