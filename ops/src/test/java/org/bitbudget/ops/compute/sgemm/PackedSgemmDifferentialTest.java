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
 * Checks that {@link VectorPackedSgemm} gives exactly the floats {@link ScalarPackedSgemm} gives, for
 * every m, n and k in {1, 2, 3, 5, 7, 8, 9, 13, 16, 17, 31, 32, 33, 47, 64, 67} (odd primes and
 * sizes below, at and around the vector length and the 4- and 8-row, 2-vector register tiles), with
 * the rows of B at random offsets in one array (as a convolution's planes are), a random offset
 * and leading dimension of C, with and without bias, without bounds and with a Relu's or a Clip's, for the three kinds of values of
 * {@link SgemmDifferentialTest}: uniform random, adversarial finite values that overflow to
 * infinities and NaN, and NaN and infinities in the inputs. Bit for bit, NaN payloads aside (see
 * there); C's padding untouched; A and B unchanged; and the scalar kernel equal to the contract of
 * {@link PackedSgemm} computed here from the unpacked A. All of it at every vector width this JVM
 * runs ({@link KernelProvider#widths()}), each width its own copy of the kernel with its own tile.
 */
class PackedSgemmDifferentialTest {
    private static final int[] SIZES = {1, 2, 3, 5, 7, 8, 9, 13, 16, 17, 31, 32, 33, 47, 64, 67};

    private final PackedSgemm scalar = new ScalarPackedSgemm();

    static Stream<Arguments> widthsRowsAndValues() {
        return KernelProvider.widths().stream()
                .flatMap(bits -> Arrays.stream(SIZES)
                        .boxed()
                        .flatMap(m -> Arrays.stream(SgemmDifferentialTest.Values.values())
                                .map(v -> Arguments.of(bits, m, v))));
    }

    @ParameterizedTest(name = "{0}-bit vectors, m={1}, {2} values")
    @MethodSource("widthsRowsAndValues")
    void vectorEqualsScalarBitForBit(int bits, int m, SgemmDifferentialTest.Values values) {
        PackedSgemm vector = KernelProvider.vector(new PackedSgemmFamily(), bits);
        Random random = new Random(1000L * m + values.ordinal() + 7L * bits);
        for (int n : SIZES) {
            for (int k : SIZES) {
                boolean withBias = (n + k) % 2 == 0;
                // No bounds, a Relu's, a Clip's (in the middle of the values' range), in turn.
                float lo = (n + 2 * k) % 3 == 0 ? Float.NEGATIVE_INFINITY : (n + 2 * k) % 3 == 1 ? 0f : -0.25f;
                float hi = (n + 2 * k) % 3 == 2 ? 0.5f : Float.POSITIVE_INFINITY;
                int aOff = random.nextInt(6);
                int lda = k + random.nextInt(4);
                int cOff = random.nextInt(6);
                int ldc = n + random.nextInt(4);
                float[] a = SgemmDifferentialTest.fill(random, values, aOff + (m - 1) * lda + k);
                float[] bias = withBias ? SgemmDifferentialTest.fill(random, values, m + 3) : null;
                int bLength = n + 3 * k + random.nextInt(5);
                float[] b = SgemmDifferentialTest.fill(random, values, bLength);
                int[] rows = new int[k];
                for (int p = 0; p < k; p++) {
                    rows[p] = random.nextInt(bLength - n + 1);
                }
                float[] c = SgemmDifferentialTest.fill(random, values, cOff + (m - 1) * ldc + n + random.nextInt(3));
                float[] aBefore = a.clone();
                float[] bBefore = b.clone();
                float[] fromScalar = c.clone();
                float[] fromVector = c.clone();

                scalar.multiply(scalar.pack(m, k, a, aOff, lda, bias, 2), n, b, rows, fromScalar, cOff, ldc, lo, hi);
                vector.multiply(vector.pack(m, k, a, aOff, lda, bias, 2), n, b, rows, fromVector, cOff, ldc, lo, hi);

                String where = "m=" + m + " n=" + n + " k=" + k + (withBias ? " with" : " without") + " bias, "
                        + "bounds " + lo + "/" + hi + ", "
                        + "offsets " + aOff + "/" + cOff + " leading dimensions " + lda + "/" + ldc;
                SgemmDifferentialTest.assertSameBits(fromScalar, fromVector, where);
                assertArrayEquals(aBefore, a, where + ": A changed");
                assertArrayEquals(bBefore, b, where + ": B changed");
                for (int x = 0; x < c.length; x++) {
                    int row = (x - cOff) / ldc;
                    int col = (x - cOff) % ldc;
                    if (x < cOff || row >= m || col >= n) {
                        assertEquals(
                                Float.floatToIntBits(c[x]),
                                Float.floatToIntBits(fromVector[x]),
                                where + ": padding of C at " + x + " written");
                    }
                }
                if (values == SgemmDifferentialTest.Values.RANDOM) {
                    float[] expected = c.clone();
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            float acc = bias == null ? 0f : bias[2 + i];
                            for (int p = 0; p < k; p++) {
                                acc = Math.fma(a[aOff + i * lda + p], b[rows[p] + j], acc);
                            }
                            expected[cOff + i * ldc + j] = Math.min(Math.max(acc, lo), hi);
                        }
                    }
                    SgemmDifferentialTest.assertSameBits(expected, fromScalar, where);
                }
            }
        }
    }

    /**
     * The same for {@link PackedSgemm#multiplyColumns}: every column of B at a random offset of its
     * own too (some of them equal, as a convolution's padded pixels can be), C's padding untouched,
     * and the scalar kernel equal to the contract.
     */
    @ParameterizedTest(name = "{0}-bit vectors, m={1}, {2} values, columns at their own offsets")
    @MethodSource("widthsRowsAndValues")
    void columnTileEqualsScalarBitForBit(int bits, int m, SgemmDifferentialTest.Values values) {
        PackedSgemm vector = KernelProvider.vector(new PackedSgemmFamily(), bits);
        Random random = new Random(2000L * m + values.ordinal() + 11L * bits);
        for (int n : SIZES) {
            for (int k : SIZES) {
                boolean withBias = (n + k) % 2 == 1;
                float lo = (n + k) % 3 == 0 ? Float.NEGATIVE_INFINITY : (n + k) % 3 == 1 ? 0f : -0.25f;
                float hi = (n + k) % 3 == 2 ? 0.5f : Float.POSITIVE_INFINITY;
                int aOff = random.nextInt(6);
                int lda = k + random.nextInt(4);
                int cOff = random.nextInt(6);
                int ldc = n + random.nextInt(4);
                float[] a = SgemmDifferentialTest.fill(random, values, aOff + (m - 1) * lda + k);
                float[] bias = withBias ? SgemmDifferentialTest.fill(random, values, m + 3) : null;
                int bLength = 2 * n + 3 * k + random.nextInt(5);
                float[] b = SgemmDifferentialTest.fill(random, values, bLength);
                int[] rows = new int[k];
                for (int p = 0; p < k; p++) {
                    rows[p] = random.nextInt(3 * k + 1);
                }
                int[] columns = new int[n];
                for (int j = 0; j < n; j++) {
                    columns[j] = random.nextInt(bLength - 3 * k);
                }
                float[] c = SgemmDifferentialTest.fill(random, values, cOff + (m - 1) * ldc + n + random.nextInt(3));
                float[] aBefore = a.clone();
                float[] bBefore = b.clone();
                float[] fromScalar = c.clone();
                float[] fromVector = c.clone();

                scalar.multiplyColumns(
                        scalar.packForColumns(m, k, a, aOff, lda, bias, 2),
                        n,
                        b,
                        rows,
                        columns,
                        fromScalar,
                        cOff,
                        ldc,
                        lo,
                        hi);
                vector.multiplyColumns(
                        vector.packForColumns(m, k, a, aOff, lda, bias, 2),
                        n,
                        b,
                        rows,
                        columns,
                        fromVector,
                        cOff,
                        ldc,
                        lo,
                        hi);

                String where = "m=" + m + " n=" + n + " k=" + k + (withBias ? " with" : " without") + " bias, "
                        + "bounds " + lo + "/" + hi + ", "
                        + "offsets " + aOff + "/" + cOff + " leading dimensions " + lda + "/" + ldc;
                SgemmDifferentialTest.assertSameBits(fromScalar, fromVector, where);
                assertArrayEquals(aBefore, a, where + ": A changed");
                assertArrayEquals(bBefore, b, where + ": B changed");
                for (int x = 0; x < c.length; x++) {
                    int row = (x - cOff) / ldc;
                    int col = (x - cOff) % ldc;
                    if (x < cOff || row >= m || col >= n) {
                        assertEquals(
                                Float.floatToIntBits(c[x]),
                                Float.floatToIntBits(fromVector[x]),
                                where + ": padding of C at " + x + " written");
                    }
                }
                if (values == SgemmDifferentialTest.Values.RANDOM) {
                    float[] expected = c.clone();
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            float acc = bias == null ? 0f : bias[2 + i];
                            for (int p = 0; p < k; p++) {
                                acc = Math.fma(a[aOff + i * lda + p], b[rows[p] + columns[j]], acc);
                            }
                            expected[cOff + i * ldc + j] = Math.min(Math.max(acc, lo), hi);
                        }
                    }
                    SgemmDifferentialTest.assertSameBits(expected, fromScalar, where);
                }
            }
        }
    }
}
