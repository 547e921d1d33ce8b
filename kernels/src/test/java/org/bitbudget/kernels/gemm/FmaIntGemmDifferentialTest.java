package org.bitbudget.kernels.gemm;

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
 * Checks that {@link VectorFmaIntGemm} gives exactly the ints of its int32 twin {@link
 * ScalarFmaIntGemm}, and the twin the definition computed here in 64 bits, at every vector width this
 * JVM runs ({@link KernelProvider#widths()}): m in {1, 3, 4, 5, 8, 9, 13} (the eight- and four-row tiles
 * and their leftover rows), channel counts around one and two vectors of the width (one- and two-vector panels and
 * their masked last panel) and past two (three vectors, or four and three lanes: a last panel of one vector after
 * two-vector ones), k from 1 to 2,600 (one exact block, exactly 1,024 and 1,040 terms, and
 * several blocks), with random offsets and leading dimensions, and codes that are random, at both
 * extremes with the same sign (the largest sums the exactness bound allows, 2^24 per block for
 * -128 x -128), alternating signs, and 2-bit codes (blocks longer than any k). The padding around C
 * must be left untouched. {@code multiplyIndirect} reads A through random row and segment offsets
 * at the same sizes; {@code toFloats} converts codes at awkward lengths.
 */
class FmaIntGemmDifferentialTest {
    private static final int[] M_SIZES = {1, 3, 4, 5, 8, 9, 13};
    private static final int[] K_SIZES = {1, 2, 7, 25, 288, 1023, 1024, 1025, 1040, 1041, 2600};

    private final FmaIntGemm scalar = new ScalarFmaIntGemm();

    /** What A and W hold. */
    enum Values {
        RANDOM_INT8,
        RANDOM_UINT8_MINUS_ZERO_POINT,
        ALL_MIN,
        ALL_MAX_UINT8,
        ALTERNATING,
        TWO_BIT
    }

    static Stream<Arguments> widthsRowsAndValues() {
        return KernelProvider.widths().stream()
                .flatMap(bits -> Arrays.stream(M_SIZES)
                        .boxed()
                        .flatMap(m -> Arrays.stream(Values.values()).map(v -> Arguments.of(bits, m, v))));
    }

    @ParameterizedTest(name = "{0}-bit vectors, m={1}, {2} values")
    @MethodSource("widthsRowsAndValues")
    void vectorEqualsScalarExactly(int bits, int m, Values values) {
        FmaIntGemm vector = KernelProvider.vector(new FmaIntGemmFamily(), bits);
        int lanes = bits / Float.SIZE;
        int[] nSizes = {
            1,
            lanes - 1,
            lanes,
            lanes + 1,
            2 * lanes - 1,
            2 * lanes,
            2 * lanes + 1,
            3 * lanes,
            3 * lanes + 5,
            4 * lanes + 3
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
                scalar.multiply(m, a, aOff, lda, maxAbsA, scalar.pack(n, k, w, wOff, ldw), expected, cOff, ldc);
                vector.multiply(m, a, aOff, lda, maxAbsA, vector.pack(n, k, w, wOff, ldw), actual, cOff, ldc);
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
     * as a convolution's are): k split into segments of the largest of 5, 3, 2 or 1 dividing it,
     * vector and scalar equal to the 64-bit definition.
     */
    private void checkIndirect(FmaIntGemm vector, Random random, Values values, int m, int n, int k, String where) {
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
        scalar.multiplyIndirect(m, a, rows, segments, segment, maxAbsA, scalar.pack(n, k, w, 0, k), expected, 0, ldc);
        vector.multiplyIndirect(m, a, rows, segments, segment, maxAbsA, vector.pack(n, k, w, 0, k), actual, 0, ldc);
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

    /** Code-to-float conversion at awkward lengths, offsets, zero points and both extremes of each byte. */
    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void toFloatsEqualsScalarExactly(int bits) {
        FmaIntGemm vector = KernelProvider.vector(new FmaIntGemmFamily(), bits);
        Random random = new Random(bits);
        for (int length : new int[] {0, 1, 7, 15, 17, 63, 65, 1000, 1031}) {
            for (boolean unsigned : new boolean[] {false, true}) {
                for (int zeroPoint : new int[] {0, 1, -128, 127, 255}) {
                    byte[] src = new byte[length + 9];
                    random.nextBytes(src);
                    src[0] = Byte.MIN_VALUE;
                    src[src.length - 1] = Byte.MAX_VALUE;
                    src[src.length / 2] = -1;
                    int from = random.nextInt(4);
                    int to = random.nextInt(4);
                    float[] expected = new float[length + 8];
                    float[] actual = new float[length + 8];
                    scalar.toFloats(src, from, expected, to, length, unsigned, zeroPoint);
                    vector.toFloats(src, from, actual, to, length, unsigned, zeroPoint);
                    String where = bits + "-bit, length " + length + ", unsigned " + unsigned + ", zero " + zeroPoint;
                    assertArrayEquals(expected, actual, where);
                    for (int i = 0; i < length; i++) {
                        int code = unsigned ? src[from + i] & 0xFF : src[from + i];
                        assertEquals(code - zeroPoint, expected[to + i], where + " at " + i);
                    }
                }
            }
        }
    }

    /** Float-to-int conversion of exact sums at awkward lengths and offsets, up to +-2^24. */
    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void toIntsEqualsScalarExactly(int bits) {
        FmaIntGemm vector = KernelProvider.vector(new FmaIntGemmFamily(), bits);
        Random random = new Random(bits + 1);
        for (int length : new int[] {0, 1, 7, 15, 16, 17, 63, 65, 1000, 1031}) {
            float[] src = new float[length + 9];
            for (int i = 0; i < src.length; i++) {
                src[i] = random.nextInt((1 << 25) + 1) - (1 << 24);
            }
            src[src.length - 1] = 1 << 24;
            src[src.length / 2] = -(1 << 24);
            int from = random.nextInt(4);
            int to = random.nextInt(4);
            int[] expected = new int[length + 8];
            int[] actual = new int[length + 8];
            scalar.toInts(src, from, expected, to, length);
            vector.toInts(src, from, actual, to, length);
            assertArrayEquals(expected, actual, bits + "-bit, length " + length);
            for (int i = 0; i < length; i++) {
                assertEquals(src[from + i], expected[to + i], "length " + length + " at " + i);
            }
        }
    }

    static Stream<Integer> widths() {
        return KernelProvider.widths().stream();
    }

    /** Fills A and W as {@code values} says; returns the largest |A| the values allow. */
    private static int fill(Random random, Values values, float[] a, byte[] w) {
        int maxAbsA;
        switch (values) {
            case RANDOM_INT8 -> {
                maxAbsA = 128;
                for (int x = 0; x < a.length; x++) {
                    a[x] = random.nextInt(-128, 128);
                }
                random.nextBytes(w);
            }
            case RANDOM_UINT8_MINUS_ZERO_POINT -> {
                int zeroPoint = random.nextInt(256);
                maxAbsA = Math.max(zeroPoint, 255 - zeroPoint);
                for (int x = 0; x < a.length; x++) {
                    a[x] = random.nextInt(256) - zeroPoint;
                }
                random.nextBytes(w);
            }
            case ALL_MIN -> {
                maxAbsA = 128;
                Arrays.fill(a, -128f);
                Arrays.fill(w, (byte) -128);
            }
            case ALL_MAX_UINT8 -> {
                maxAbsA = 255;
                Arrays.fill(a, 255f);
                Arrays.fill(w, (byte) 127);
            }
            case ALTERNATING -> {
                maxAbsA = 128;
                for (int x = 0; x < a.length; x++) {
                    a[x] = x % 2 == 0 ? -128f : 127f;
                }
                for (int x = 0; x < w.length; x++) {
                    w[x] = (byte) (x % 2 == 0 ? -128 : 127);
                }
            }
            case TWO_BIT -> {
                maxAbsA = 2;
                for (int x = 0; x < a.length; x++) {
                    a[x] = random.nextInt(-2, 2);
                }
                for (int x = 0; x < w.length; x++) {
                    w[x] = (byte) random.nextInt(-2, 2);
                }
            }
            default -> throw new IllegalStateException();
        }
        return maxAbsA;
    }
}
