package org.bitbudget.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks that {@link VectorPairedFmaIntGemm} gives exactly the ints of its twin {@link
 * ScalarPairedFmaIntGemm}, and both the definition computed here in 64 bits, at every vector width
 * this JVM runs ({@link KernelProvider#widths()}): m in {1, 3, 4, 5, 8, 9, 13} (the eight- and
 * four-row tiles and their leftover rows); channel counts of 1, 2, 3 and around one, two and four
 * vectors of the width (one- and two-vector panels, their high halves partly or wholly past n); k from
 * 1 to 2,600, with random offsets and leading dimensions; codes of 2 bits (blocks of all of k), 2 bits at
 * their extremes (blocks of exactly 341 terms, the sums at the bound the pairing recovers, of both
 * signs), 4 bits (short blocks) and 8-bit inputs minus a zero point with 3-bit weights (blocks of one
 * to a few terms). The padding around C must be left untouched. {@code multiplyIndirect} reads A
 * through random row and segment offsets at the same sizes.
 */
class PairedFmaIntGemmDifferentialTest {
    private static final int[] M_SIZES = {1, 3, 4, 5, 8, 9, 13};
    private static final int[] K_SIZES = {1, 2, 7, 25, 288, 340, 341, 342, 1023, 2600};

    private final PairedFmaIntGemm scalar = new ScalarPairedFmaIntGemm();

    /** What A and W hold. */
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

    @ParameterizedTest(name = "{0}-bit vectors, m={1}, {2} values")
    @MethodSource("widthsRowsAndValues")
    void vectorEqualsScalarAndDefinitionExactly(int bits, int m, Values values) {
        PairedFmaIntGemm vector = KernelProvider.vector(new PairedFmaIntGemmFamily(), bits);
        int lanes = bits / Float.SIZE;
        int[] nSizes = {
            1,
            2,
            3,
            lanes - 1,
            lanes,
            lanes + 1,
            2 * lanes - 1,
            2 * lanes,
            2 * lanes + 1,
            3 * lanes + 5,
            4 * lanes,
            4 * lanes + 1,
            5 * lanes + 3
        };
        Random random = new Random(1000L * m + values.ordinal() + bits);
        for (int n : nSizes) {
            for (int k : K_SIZES) {
                int aOff = random.nextInt(6);
                int wOff = random.nextInt(6);
                int cOff = random.nextInt(6);
                int lda = k + random.nextInt(4);
                int ldw = k + random.nextInt(4);
                int ldc = n + random.nextInt(4);
                float[] a = new float[aOff + (m - 1) * lda + k + random.nextInt(3)];
                byte[] w = new byte[wOff + (n - 1) * ldw + k + random.nextInt(3)];
                int maxAbsA = fill(random, values, a, w);
                int[] c = new int[cOff + (m - 1) * ldc + n + random.nextInt(3)];
                for (int x = 0; x < c.length; x++) {
                    c[x] = random.nextInt();
                }
                int[] expected = c.clone();
                int[] actual = c.clone();
                scalar.multiply(m, a, aOff, lda, scalar.pack(n, k, w, wOff, ldw, maxAbsA), expected, cOff, ldc);
                vector.multiply(m, a, aOff, lda, vector.pack(n, k, w, wOff, ldw, maxAbsA), actual, cOff, ldc);
                String where = bits + "-bit, m=" + m + " n=" + n + " k=" + k + ", " + values;
                assertArrayEquals(expected, actual, where);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        long sum = 0;
                        for (int p = 0; p < k; p++) {
                            sum += (long) a[aOff + i * lda + p] * w[wOff + j * ldw + p];
                        }
                        assertEquals(sum, expected[cOff + i * ldc + j], where + " at " + i + "," + j);
                    }
                }
                for (int x = 0; x < c.length; x++) {
                    boolean inside = x >= cOff && (x - cOff) / ldc < m && (x - cOff) % ldc < n;
                    if (!inside) {
                        assertEquals(c[x], actual[x], where + ": padding at " + x + " changed");
                    }
                }
                checkIndirect(vector, random, values, m, n, k, where);
            }
        }
    }

    /**
     * {@code multiplyIndirect} on random row and segment offsets into a shared A (overlapping windows,
     * as a convolution's are): k split into segments of the largest of 5, 3, 2 or 1 dividing it.
     */
    private void checkIndirect(
            PairedFmaIntGemm vector, Random random, Values values, int m, int n, int k, String where) {
        int parts = k % 5 == 0 ? 5 : k % 3 == 0 ? 3 : k % 2 == 0 ? 2 : 1;
        int segment = k / parts;
        float[] a = new float[2 * k + 40];
        byte[] w = new byte[n * k];
        int maxAbsA = fill(random, values, a, w);
        int[] rows = new int[m];
        for (int i = 0; i < m; i++) {
            rows[i] = random.nextInt(20);
        }
        int[] segments = new int[parts];
        for (int s = 0; s < parts; s++) {
            segments[s] = random.nextInt(a.length - 20 - segment + 1);
        }
        int ldc = n + 3;
        int[] expected = new int[m * ldc];
        int[] actual = new int[m * ldc];
        Arrays.fill(expected, 77);
        Arrays.fill(actual, 77);
        scalar.multiplyIndirect(m, a, rows, segments, segment, scalar.pack(n, k, w, 0, k, maxAbsA), expected, 0, ldc);
        vector.multiplyIndirect(m, a, rows, segments, segment, vector.pack(n, k, w, 0, k, maxAbsA), actual, 0, ldc);
        assertArrayEquals(expected, actual, where + ", indirect in " + parts + " segments");
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < ldc; j++) {
                long sum = 77;
                if (j < n) {
                    sum = 0;
                    for (int p = 0; p < k; p++) {
                        sum += (long) a[rows[i] + segments[p / segment] + p % segment] * w[j * k + p];
                    }
                }
                assertEquals(sum, expected[i * ldc + j], where + ", indirect at " + i + "," + j);
            }
        }
    }

    /**
     * Blocks are as long as the bound allows: each block keeps every channel's L1 norm times |A| within
     * {@link PairedFmaIntGemm#HALF_LIMIT}, and one more term would take some channel past it.
     */
    @Test
    void blocksAreExactAndMaximal() {
        Random random = new Random(7);
        for (int maxAbsA : new int[] {1, 3, 15, 127, 255}) {
            int n = 5;
            int k = 700;
            byte[] w = new byte[n * k];
            for (int x = 0; x < w.length; x++) {
                w[x] = (byte) random.nextInt(-4, 4);
            }
            int[] ends = PairedFmaIntGemm.blockEnds(n, k, w, 0, k, maxAbsA);
            assertEquals(k, ends[ends.length - 1]);
            int from = 0;
            for (int end : ends) {
                assertTrue(end > from, "empty block at " + from);
                long worst = 0;
                long worstWithNext = 0;
                for (int j = 0; j < n; j++) {
                    long l1 = 0;
                    for (int p = from; p < end; p++) {
                        l1 += Math.abs(w[j * k + p]);
                    }
                    worst = Math.max(worst, l1);
                    worstWithNext = Math.max(worstWithNext, l1 + (end < k ? Math.abs(w[j * k + end]) : 0));
                }
                assertTrue(worst * maxAbsA <= PairedFmaIntGemm.HALF_LIMIT, "block " + from + ".." + end);
                if (end < k) {
                    assertTrue(worstWithNext * maxAbsA > PairedFmaIntGemm.HALF_LIMIT, "block ends early at " + end);
                }
                from = end;
            }
        }
        assertEquals(1, PairedFmaIntGemm.blockEnds(3, 2000, new byte[6000], 0, 2000, 255).length);
        assertEquals(341, PairedFmaIntGemm.blockEnds(1, 2000, filled(2000, (byte) -2), 0, 2000, 3)[0]);
    }

    /** int8 codes cannot be paired: one product may already pass the bound the halves are recovered in. */
    @Test
    void refusesCodesWhoseProductPassesTheBound() {
        byte[] w = {1, -128, 3};
        assertThrows(IllegalArgumentException.class, () -> PairedFmaIntGemm.blockEnds(1, 3, w, 0, 3, 128));
        assertThrows(IllegalArgumentException.class, () -> scalar.pack(1, 3, w, 0, 3, 128));
    }

    private static byte[] filled(int length, byte value) {
        byte[] w = new byte[length];
        Arrays.fill(w, value);
        return w;
    }

    /** Fills A and W as {@code values} says; returns the largest |A| the values allow. */
    private static int fill(Random random, Values values, float[] a, byte[] w) {
        return switch (values) {
            case TWO_BIT -> {
                for (int x = 0; x < a.length; x++) {
                    a[x] = random.nextInt(-3, 4);
                }
                for (int x = 0; x < w.length; x++) {
                    w[x] = (byte) random.nextInt(-2, 2);
                }
                yield 3;
            }
            case TWO_BIT_EXTREMES -> {
                // Runs of one sign, so that some blocks sum to -2,046 or +2,046 in both halves of a lane.
                boolean negative = random.nextBoolean();
                for (int x = 0; x < a.length; x++) {
                    a[x] = negative ? -3 : 3;
                }
                for (int x = 0; x < w.length; x++) {
                    w[x] = (byte) (x / 97 % 3 == 0 ? 1 : -2);
                }
                yield 3;
            }
            case FOUR_BIT -> {
                for (int x = 0; x < a.length; x++) {
                    a[x] = random.nextInt(-15, 16);
                }
                for (int x = 0; x < w.length; x++) {
                    w[x] = (byte) random.nextInt(-8, 8);
                }
                yield 15;
            }
            case UINT8_MINUS_ZERO_POINT_THREE_BIT_WEIGHTS -> {
                int zeroPoint = random.nextInt(256);
                for (int x = 0; x < a.length; x++) {
                    a[x] = random.nextInt(256) - zeroPoint;
                }
                for (int x = 0; x < w.length; x++) {
                    w[x] = (byte) random.nextInt(-4, 4);
                }
                yield Math.max(zeroPoint, 255 - zeroPoint);
            }
        };
    }
}
