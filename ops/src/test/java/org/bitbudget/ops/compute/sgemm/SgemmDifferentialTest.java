package org.bitbudget.ops.compute.sgemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks that {@link VectorSgemm} gives exactly the floats {@link ScalarSgemm} gives, for every m, n
 * and k in {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65} (sizes below, at and around the
 * vector length and the 4-row, 2-vector register block), with random offsets into the arrays and
 * leading dimensions larger than the rows, a nonzero initial C, and three kinds of values: uniform
 * random; adversarial finite values (±Float.MAX_VALUE / 2 that overflow to infinities and then NaN,
 * subnormals, zeros of both signs, ones); and the same with NaN and infinities in the inputs.
 *
 * <p>Bit for bit means {@link Float#floatToIntBits}: every bit of every non-NaN value, the sign of
 * zeros included, and NaN exactly where the scalar kernel has NaN. NaN payloads are not compared:
 * Java does not specify them ({@code Math.fma} returns the canonical NaN when interpreted and the
 * processor's NaN once compiled), so even the scalar kernel does not produce stable NaN bits. The
 * padding around every matrix must be left untouched, A and B unchanged, and for random values the
 * scalar kernel must equal the contract of {@link Sgemm} computed here directly. All of it at every
 * vector width this JVM runs ({@link KernelProvider#widths()}: 128, 256 and 512 bits with AVX-512),
 * each width its own copy of the kernel.
 */
class SgemmDifferentialTest {
    private static final int[] SIZES = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65};

    private final Sgemm scalar = new ScalarSgemm();

    /** What the matrices hold. */
    enum Values {
        RANDOM,
        ADVERSARIAL,
        NON_FINITE
    }

    static Stream<Integer> widths() {
        return KernelProvider.widths().stream();
    }

    static Stream<Arguments> widthsRowsAndValues() {
        return widths().flatMap(bits -> Arrays.stream(SIZES)
                .boxed()
                .flatMap(m -> Arrays.stream(Values.values()).map(v -> Arguments.of(bits, m, v))));
    }

    @ParameterizedTest(name = "{0}-bit vectors, m={1}, {2} values")
    @MethodSource("widthsRowsAndValues")
    void vectorEqualsScalarBitForBit(int bits, int m, Values values) {
        Sgemm vector = KernelProvider.vector(new SgemmFamily(), bits);
        Random random = new Random(1000L * m + values.ordinal());
        for (int n : SIZES) {
            for (int k : SIZES) {
                int aOff = random.nextInt(6);
                int bOff = random.nextInt(6);
                int cOff = random.nextInt(6);
                int lda = k + random.nextInt(4);
                int ldb = n + random.nextInt(4);
                int ldc = n + random.nextInt(4);
                float[] a = fill(random, values, aOff + (m - 1) * lda + k + random.nextInt(3));
                float[] b = fill(random, values, bOff + (k - 1) * ldb + n + random.nextInt(3));
                float[] c = fill(random, values, cOff + (m - 1) * ldc + n + random.nextInt(3));
                float[] aBefore = a.clone();
                float[] bBefore = b.clone();
                float[] fromScalar = c.clone();
                float[] fromVector = c.clone();

                scalar.multiplyAdd(m, n, k, a, aOff, lda, b, bOff, ldb, fromScalar, cOff, ldc);
                vector.multiplyAdd(m, n, k, a, aOff, lda, b, bOff, ldb, fromVector, cOff, ldc);

                String where = "m=" + m + " n=" + n + " k=" + k + " offsets " + aOff + "/" + bOff + "/" + cOff
                        + " leading dimensions " + lda + "/" + ldb + "/" + ldc;
                assertSameBits(fromScalar, fromVector, where);
                assertArrayEquals(aBefore, a, where + ": A changed");
                assertArrayEquals(bBefore, b, where + ": B changed");
                for (int x = 0; x < c.length; x++) {
                    int row = (x - cOff) / ldc;
                    int col = (x - cOff) % ldc;
                    boolean inside = x >= cOff && row < m && col < n;
                    if (!inside) {
                        assertEquals(
                                Float.floatToIntBits(c[x]),
                                Float.floatToIntBits(fromVector[x]),
                                where + ": padding of C at " + x + " written");
                    }
                }
                if (values == Values.RANDOM) {
                    assertSameBits(contract(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc), fromScalar, where);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void emptyInnerDimensionLeavesCAlone(int bits) {
        Sgemm vector = KernelProvider.vector(new SgemmFamily(), bits);
        float[] c = {1f, -0f, Float.NaN, 3f};
        float[] fromVector = c.clone();
        vector.multiplyAdd(2, 2, 0, new float[0], 0, 0, new float[0], 0, 2, fromVector, 0, 2);
        assertSameBits(c, fromVector, "k=0");
    }

    /** The definition in {@link Sgemm}: c = fma(a[i][p], b[p][j], c) for p = 0 .. k-1 in order. */
    private static float[] contract(
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc) {
        float[] out = c.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float acc = c[cOff + i * ldc + j];
                for (int p = 0; p < k; p++) {
                    acc = Math.fma(a[aOff + i * lda + p], b[bOff + p * ldb + j], acc);
                }
                out[cOff + i * ldc + j] = acc;
            }
        }
        return out;
    }

    static float[] fill(Random random, Values values, int length) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = switch (values) {
                case RANDOM -> random.nextFloat() * 2 - 1;
                case ADVERSARIAL -> adversarial(random);
                case NON_FINITE -> random.nextInt(8) == 0 ? nonFinite(random) : adversarial(random);
            };
        }
        return v;
    }

    private static float adversarial(Random random) {
        float sign = random.nextBoolean() ? 1f : -1f;
        return switch (random.nextInt(9)) {
            case 0 -> sign * Float.MAX_VALUE / 2;
            case 1 -> sign * Float.MIN_VALUE;
            case 2 -> sign * Float.intBitsToFloat(1 + random.nextInt(0x007F_FFFF));
            case 3 -> sign * Float.MIN_NORMAL;
            case 4 -> sign * 0f;
            case 5 -> sign;
            case 6 -> sign * Math.nextUp(1f);
            case 7 -> sign * 1e20f;
            default -> random.nextFloat() * 2 - 1;
        };
    }

    private static float nonFinite(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> Float.NaN;
            case 1 -> Float.POSITIVE_INFINITY;
            default -> Float.NEGATIVE_INFINITY;
        };
    }

    static void assertSameBits(float[] expected, float[] actual, String where) {
        assertEquals(expected.length, actual.length, where);
        for (int x = 0; x < expected.length; x++) {
            int e = Float.floatToIntBits(expected[x]);
            int a = Float.floatToIntBits(actual[x]);
            if (e != a) {
                assertEquals(
                        Float.toString(expected[x]) + " (0x" + Integer.toHexString(e) + ")",
                        Float.toString(actual[x]) + " (0x" + Integer.toHexString(a) + ")",
                        where + ", element " + x);
            }
        }
    }
}
