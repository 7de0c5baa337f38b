package io.bpf4j.runtime;

import static io.bpf4j.isa.Opcodes.*;
import static io.bpf4j.runtime.Programs.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every ALU and ALU64 operation, K and X, against a reference written here from RFC 9669 with
 * {@link BigInteger} (no shared code with {@link Semantics}), on seeded operands biased towards
 * edge values. A failure prints the operation and operands.
 */
class AluReferenceTest {
    private static final long SEED = 0x9669L;
    private static final int SAMPLES = 48;
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private static final long[] EDGES = {
        0, 1, 2, -1, -2, 7, Long.MIN_VALUE, Long.MAX_VALUE, 0x8000_0000L, 0x7fff_ffffL, 0xffff_ffffL,
        0x1_0000_0000L, 0xffff_ffff_8000_0000L, 0xffff_ffff_0000_0000L, 31, 32, 33, 63, 64, 65,
    };

    private static BigInteger unsigned(long v, int bits) {
        BigInteger b = BigInteger.valueOf(v);
        BigInteger m = BigInteger.ONE.shiftLeft(bits);
        return b.mod(m);
    }

    private static BigInteger signed(long v, int bits) {
        BigInteger u = unsigned(v, bits);
        return u.testBit(bits - 1) ? u.subtract(BigInteger.ONE.shiftLeft(bits)) : u;
    }

    /** Result of {@code op} on dst and operand (already the 64-bit register or sign-extended immediate). */
    static long reference(int op, boolean signed, int bits, long dst, long operand) {
        BigInteger a = unsigned(dst, bits);
        BigInteger b = unsigned(operand, bits);
        BigInteger r = switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.subtract(b);
            case MUL -> a.multiply(b);
            case DIV -> signed
                    ? (b.signum() == 0 ? BigInteger.ZERO : signed(dst, bits).divide(signed(operand, bits)))
                    : (b.signum() == 0 ? BigInteger.ZERO : a.divide(b));
            case MOD -> signed
                    ? (b.signum() == 0 ? a : signed(dst, bits).remainder(signed(operand, bits)))
                    : (b.signum() == 0 ? a : a.mod(b));
            case OR -> a.or(b);
            case AND -> a.and(b);
            case XOR -> a.xor(b);
            case LSH -> a.shiftLeft(b.intValue() & (bits - 1));
            case RSH -> a.shiftRight(b.intValue() & (bits - 1));
            case ARSH -> signed(dst, bits).shiftRight(b.intValue() & (bits - 1));
            case NEG -> a.negate();
            case MOV -> b;
            default -> throw new IllegalArgumentException("op " + op);
        };
        return r.mod(BigInteger.ONE.shiftLeft(bits)).longValue(); // wraps, and zero-extends a 32-bit result
    }

    static Stream<Arguments> operations() {
        List<Arguments> out = new ArrayList<>();
        int[] ops = {ADD, SUB, MUL, DIV, MOD, OR, AND, XOR, LSH, RSH, ARSH, NEG, MOV};
        for (int cls : new int[] {ALU64, ALU}) {
            for (int op : ops) {
                for (int source : new int[] {K, X}) {
                    if (op == NEG && source == X) {
                        continue;
                    }
                    out.add(Arguments.of(cls, op, source, false));
                    if (op == DIV || op == MOD) {
                        out.add(Arguments.of(cls, op, source, true));
                    }
                }
            }
        }
        return out.stream();
    }

    private static long sample(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> EDGES[random.nextInt(EDGES.length)];
            case 1 -> random.nextLong(-1000, 1000);
            case 2 -> (long) random.nextInt(); // sign-extended 32-bit
            default -> random.nextLong();
        };
    }

    @ParameterizedTest(name = "class {0} op 0x{1} source {2} signed {3}")
    @MethodSource("operations")
    void agreesWithTheReference(int cls, int op, int source, boolean signed) {
        SplittableRandom random = new SplittableRandom(SEED ^ (cls * 31L + op) * 17 + source + (signed ? 1 : 0));
        int bits = cls == ALU64 ? 64 : 32;
        int opcode = cls | op | source;
        int offset = signed ? 1 : 0;
        for (int i = 0; i < SAMPLES; i++) {
            long dst = sample(random);
            long actual;
            long expected;
            if (source == K) {
                int imm = op == NEG ? 0 : (int) sample(random);
                actual = evalK(opcode, offset, dst, imm);
                expected = reference(op, signed, bits, dst, imm); // imm sign-extended to 64 bits
            } else {
                long src = sample(random);
                actual = evalX(opcode, offset, dst, src);
                expected = reference(op, signed, bits, dst, src);
            }
            long d = dst;
            assertThat(actual).as(() -> String.format("opcode 0x%02x offset %d dst 0x%x -> expected 0x%x got 0x%x",
                    opcode, offset, d, expected, actual)).isEqualTo(expected);
        }
    }

    @org.junit.jupiter.api.Test
    void referenceSanity() {
        assertThat(reference(DIV, true, 64, Long.MIN_VALUE, -1)).isEqualTo(Long.MIN_VALUE);
        assertThat(reference(MOD, true, 32, 0xdead_beef_ffff_fff9L, 0)).isEqualTo(0xffff_fff9L);
        assertThat(reference(DIV, false, 64, -1, -1)).isEqualTo(1);
        assertThat(TWO_64.bitLength()).isEqualTo(65);
    }
}
