package org.bitbudget.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks that {@link VectorPairedFmaIntGemm#multiplyRowPairsIndirect} gives exactly the ints of its twin
 * in {@link ScalarPairedFmaIntGemm}, and both the two rows' sums computed here in 64 bits, at every
 * vector width this JVM runs ({@link KernelProvider#widths()}): m in {1, 3, 7, 8, 9, 13, 67} (the
 * eight- and four-row tiles, their leftover rows, and more than one group of 64 rows); channel counts
 * of 1, 2, 3 and around one, two and four vectors of the width (one- and two-vector panels, lanes past
 * n); k from 1 to 2,600 (one block, blocks of exactly 341 terms at the bound, short blocks of 4-bit and
 * uint8-minus-zero-point codes), read through random row and segment offsets. A holds {@code x + 2^12
 * y} built by {@link PairedFmaIntGemm#pairRows} (the vector kernel's and the twin's equal, over
 * lengths 2 k + 40 with every tail) from two random matrices of codes; x's sums must land
 * in the low rows, y's {@code hiOff} further, and every other int of C stay untouched.
 */
class RowPairedFmaIntGemmDifferentialTest {
    private static final int[] M_SIZES = {1, 3, 7, 8, 9, 13, 67};
    private static final int[] K_SIZES = {1, 2, 7, 25, 288, 341, 342, 1023, 2600};

    private final PairedFmaIntGemm scalar = new ScalarPairedFmaIntGemm();

    /** What the two rows of A and W hold. */
    enum Values {
        TWO_BIT,
        TWO_BIT_EXTREMES,
        FOUR_BIT,
        UINT8_MINUS_ZERO_POINT_THREE_BIT_WEIGHTS
    }

    static Stream<Arguments> widthsRowsAndValues() {
        return KernelProvider.widths().stream()
                .flatMap(bits -> Arrays.stream(M_SIZES)
                        .boxed()
                        .flatMap(m -> Arrays.stream(Values.values()).map(v -> Arguments.of(bits, m, v))));
    }

    /**
     * {@link PairedFmaIntGemm#splitRows} at awkward lengths and offsets: the vector kernel's ints equal
     * the twin's, and both give back the two halves of every {@code x + 2^12 y}, x and y over the
     * whole range [-2^11, 2^11) the pairing allows (both extremes included).
     */
    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void splitRowsGivesBackBothHalves(int bits) {
        PairedFmaIntGemm vector = KernelProvider.vector(new PairedFmaIntGemmFamily(), bits);
        Random random = new Random(bits + 5);
        for (int length : new int[] {0, 1, 7, 8, 15, 16, 17, 63, 65, 1031}) {
            int from = random.nextInt(4);
            int to = random.nextInt(4);
            int hiOff = length + random.nextInt(5);
            int[] x = new int[length];
            int[] y = new int[length];
            float[] s = new float[from + length];
            for (int i = 0; i < length; i++) {
                x[i] = i % 5 == 0 ? -(1 << 11) : i % 5 == 1 ? (1 << 11) - 1 : random.nextInt(1 << 12) - (1 << 11);
                y[i] = i % 3 == 0 ? -(1 << 11) : i % 3 == 1 ? (1 << 11) - 1 : random.nextInt(1 << 12) - (1 << 11);
                s[from + i] = x[i] + (1 << 12) * y[i];
            }
            int[] expected = new int[to + hiOff + length + 3];
            int[] actual = new int[expected.length];
            scalar.splitRows(s, from, expected, to, hiOff, length);
            vector.splitRows(s, from, actual, to, hiOff, length);
            assertArrayEquals(expected, actual, bits + "-bit, length " + length);
            for (int i = 0; i < length; i++) {
                assertEquals(x[i], expected[to + i], "low half, length " + length + " at " + i);
                assertEquals(y[i], expected[to + hiOff + i], "high half, length " + length + " at " + i);
            }
        }
    }

    static Stream<Integer> widths() {
        return KernelProvider.widths().stream();
    }

    @ParameterizedTest(name = "{0}-bit vectors, m={1}, {2} values")
    @MethodSource("widthsRowsAndValues")
    void vectorEqualsScalarAndDefinitionExactly(int bits, int m, Values values) {
        PairedFmaIntGemm vector = KernelProvider.vector(new PairedFmaIntGemmFamily(), bits);
        int lanes = bits / Float.SIZE;
        int[] nSizes = {1, 2, 3, lanes - 1, lanes, lanes + 1, 2 * lanes - 1, 2 * lanes, 2 * lanes + 1, 4 * lanes + 3};
        Random random = new Random(1000L * m + values.ordinal() + bits);
        for (int n : nSizes) {
            for (int k : K_SIZES) {
                check(vector, random, values, m, n, k, bits + "-bit, m=" + m + " n=" + n + " k=" + k + ", " + values);
            }
        }
    }

    /**
     * One product on random row and segment offsets into two shared images of codes (overlapping
     * windows, as a convolution's are): k split into segments of the largest of 5, 3, 2 or 1 dividing it.
     */
    private void check(PairedFmaIntGemm vector, Random random, Values values, int m, int n, int k, String where) {
        int parts = k % 5 == 0 ? 5 : k % 3 == 0 ? 3 : k % 2 == 0 ? 2 : 1;
        int segment = k / parts;
        float[] x = new float[2 * k + 40];
        float[] y = new float[x.length];
        byte[] w = new byte[n * k];
        int maxAbsA = fill(random, values, x, y, w);
        float[] a = x.clone();
        scalar.pairRows(a, 0, y, 0, a.length);
        float[] pairedByVector = x.clone();
        vector.pairRows(pairedByVector, 0, y, 0, a.length);
        assertArrayEquals(a, pairedByVector, where + ": pairing the rows");
        int[] rows = new int[m];
        for (int i = 0; i < m; i++) {
            rows[i] = random.nextInt(20);
        }
        int[] segments = new int[parts];
        for (int s = 0; s < parts; s++) {
            segments[s] = random.nextInt(a.length - 20 - segment + 1);
        }
        int cOff = random.nextInt(4);
        int ldc = n + random.nextInt(4);
        int hiOff = m * ldc + random.nextInt(5);
        int[] c = new int[cOff + hiOff + m * ldc + random.nextInt(3)];
        for (int z = 0; z < c.length; z++) {
            c[z] = random.nextInt();
        }
        int[] expected = c.clone();
        int[] actual = c.clone();
        scalar.multiplyRowPairsIndirect(
                m, a, rows, segments, segment, scalar.packRowPairs(n, k, w, 0, k, maxAbsA), expected, cOff, ldc, hiOff);
        vector.multiplyRowPairsIndirect(
                m, a, rows, segments, segment, vector.packRowPairs(n, k, w, 0, k, maxAbsA), actual, cOff, ldc, hiOff);
        assertArrayEquals(expected, actual, where);
        int[] defined = c.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long lo = 0;
                long hi = 0;
                for (int p = 0; p < k; p++) {
                    int at = rows[i] + segments[p / segment] + p % segment;
                    lo += (long) x[at] * w[j * k + p];
                    hi += (long) y[at] * w[j * k + p];
                }
                defined[cOff + i * ldc + j] = Math.toIntExact(lo);
                defined[cOff + hiOff + i * ldc + j] = Math.toIntExact(hi);
            }
        }
        assertArrayEquals(defined, expected, where + ": definition (and untouched padding)");
    }

    /** Channel-paired weights cannot multiply row pairs, nor the reverse: the lanes mean other things. */
    @Test
    void refusesPanelsOfTheOtherPairing() {
        byte[] w = {1, -1, 2, 0};
        int[] c = new int[8];
        PairedFmaIntGemm vector = PairedFmaIntGemmFamily.get();
        for (PairedFmaIntGemm kernel : new PairedFmaIntGemm[] {scalar, vector}) {
            PairedFmaIntGemm.Panels channels = kernel.pack(2, 2, w, 0, 2, 3);
            PairedFmaIntGemm.Panels rows = kernel.packRowPairs(2, 2, w, 0, 2, 3);
            assertThrows(
                    IllegalArgumentException.class,
                    () -> kernel.multiplyRowPairsIndirect(
                            1, new float[2], new int[] {0}, new int[] {0}, 2, channels, c, 0, 2, 2));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> kernel.multiplyIndirect(1, new float[2], new int[] {0}, new int[] {0}, 2, rows, c, 0, 2));
            assertEquals(2, rows.n());
        }
    }

    /** Fills both rows' codes and W as {@code values} says; returns the largest |code| of either row. */
    private static int fill(Random random, Values values, float[] x, float[] y, byte[] w) {
        return switch (values) {
            case TWO_BIT -> {
                for (int z = 0; z < x.length; z++) {
                    x[z] = random.nextInt(-3, 4);
                    y[z] = random.nextInt(-3, 4);
                }
                for (int z = 0; z < w.length; z++) {
                    w[z] = (byte) random.nextInt(-2, 2);
                }
                yield 3;
            }
            case TWO_BIT_EXTREMES -> {
                // Runs of one sign, so that blocks sum to -2,046 or +2,046 in both rows of a lane, or opposite.
                boolean xNegative = random.nextBoolean();
                boolean yNegative = random.nextBoolean();
                Arrays.fill(x, xNegative ? -3 : 3);
                Arrays.fill(y, yNegative ? -3 : 3);
                for (int z = 0; z < w.length; z++) {
                    w[z] = (byte) (z / 97 % 3 == 0 ? 1 : -2);
                }
                yield 3;
            }
            case FOUR_BIT -> {
                for (int z = 0; z < x.length; z++) {
                    x[z] = random.nextInt(-15, 16);
                    y[z] = random.nextInt(-15, 16);
                }
                for (int z = 0; z < w.length; z++) {
                    w[z] = (byte) random.nextInt(-8, 8);
                }
                yield 15;
            }
            case UINT8_MINUS_ZERO_POINT_THREE_BIT_WEIGHTS -> {
                int zeroPoint = random.nextInt(256);
                for (int z = 0; z < x.length; z++) {
                    x[z] = random.nextInt(256) - zeroPoint;
                    y[z] = random.nextInt(256) - zeroPoint;
                }
                for (int z = 0; z < w.length; z++) {
                    w[z] = (byte) random.nextInt(-4, 4);
                }
                yield Math.max(zeroPoint, 255 - zeroPoint);
            }
        };
    }
}
