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
 * Checks that {@link VectorIntGemm} gives exactly the ints {@link ScalarIntGemm} gives, in all four
 * kernels (int8 x int8 into int32, uint8 with zero points 0, 128 and 255 into int32, int8 x int8 and
 * flipped uint8 x int8 into int16), for k in {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 100, 161} (below, at and around 8, 16 and
 * 32 lanes and over several 32-lane steps, so every tail length occurs), m in {1, 2, 3, 5}, channel
 * counts around the four-channel tile, with
 * random offsets and leading dimensions larger than the rows, and values that are uniform random,
 * all -128, all 127, alternating -128/127 in A against alternating -128/127 or 127/-128 in W (the
 * largest sums of both signs), and only 0 and -1 (0x00/0xFF, which tell sign- from zero-extension).
 * The padding around C must be left untouched, A and W unchanged, and the scalar int32 results must
 * equal the definition in {@link IntGemm} computed here in 64 bits (no int32 overflow at these sizes);
 * the int16 results must equal that definition modulo 2^16. All of it at every vector width this JVM
 * runs ({@link KernelProvider#widths()}), each width its own copy of the kernel, 128 bits included
 * although the provider runs the scalar twin there.
 */
class IntGemmDifferentialTest {
    private static final int[] K_SIZES = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 100, 161};
    private static final int[] M_SIZES = {1, 2, 3, 5};
    private static final int[] N_SIZES = {1, 2, 3, 4, 5, 7, 8, 16, 17};
    private static final int[] ZERO_POINTS = {0, 128, 255};

    private final IntGemm scalar = new ScalarIntGemm();

    /** What A and W hold. */
    enum Values {
        RANDOM,
        ALL_MIN,
        ALL_MAX,
        ALTERNATING_SAME,
        ALTERNATING_OPPOSITE,
        ZERO_AND_MINUS_ONE
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
        IntGemm vector = KernelProvider.vector(new IntGemmFamily(), bits);
        Random random = new Random(1000L * m + values.ordinal());
        for (int n : N_SIZES) {
            for (int k : K_SIZES) {
                int aOff = random.nextInt(6);
                int wOff = random.nextInt(6);
                int cOff = random.nextInt(6);
                int lda = k + random.nextInt(4);
                int ldw = k + random.nextInt(4);
                int ldc = n + random.nextInt(4);
                byte[] a = fill(random, values, aOff + (m - 1) * lda + k + random.nextInt(3), false);
                byte[] w = fill(random, values, wOff + (n - 1) * ldw + k + random.nextInt(3), true);
                int[] c = new int[cOff + (m - 1) * ldc + n + random.nextInt(3)];
                for (int x = 0; x < c.length; x++) {
                    c[x] = random.nextInt();
                }
                byte[] aBefore = a.clone();
                byte[] wBefore = w.clone();
                String where = "m=" + m + " n=" + n + " k=" + k + " offsets " + aOff + "/" + wOff + "/" + cOff
                        + " leading dimensions " + lda + "/" + ldw + "/" + ldc;

                int[] s8 = c.clone();
                int[] s8Vector = c.clone();
                scalar.gemmS8(m, n, k, a, aOff, lda, w, wOff, ldw, s8, cOff, ldc);
                vector.gemmS8(m, n, k, a, aOff, lda, w, wOff, ldw, s8Vector, cOff, ldc);
                assertArrayEquals(s8, s8Vector, where + ", int8 x int8 -> int32");
                assertArrayEquals(
                        contract(m, n, k, a, aOff, lda, false, 0, w, wOff, ldw, c, cOff, ldc, false),
                        s8,
                        where + ", scalar int8 x int8 -> int32 against the definition");

                int[] s16 = c.clone();
                int[] s16Vector = c.clone();
                scalar.gemmS8Int16(m, n, k, a, aOff, lda, w, wOff, ldw, s16, cOff, ldc);
                vector.gemmS8Int16(m, n, k, a, aOff, lda, w, wOff, ldw, s16Vector, cOff, ldc);
                assertArrayEquals(s16, s16Vector, where + ", int8 x int8 -> int16");
                assertArrayEquals(
                        contract(m, n, k, a, aOff, lda, false, 0, w, wOff, ldw, c, cOff, ldc, true),
                        s16,
                        where + ", scalar int8 x int8 -> int16 against the definition modulo 2^16");

                int[] wSums = IntGemm.weightSums(n, k, w, wOff, ldw);
                for (int za : ZERO_POINTS) {
                    int[] u8 = c.clone();
                    int[] u8Vector = c.clone();
                    scalar.gemmU8(m, n, k, a, aOff, lda, za, w, wOff, ldw, wSums, u8, cOff, ldc);
                    vector.gemmU8(m, n, k, a, aOff, lda, za, w, wOff, ldw, wSums, u8Vector, cOff, ldc);
                    assertArrayEquals(u8, u8Vector, where + ", uint8 (zero point " + za + ") x int8 -> int32");
                    assertArrayEquals(
                            contract(m, n, k, a, aOff, lda, true, za, w, wOff, ldw, c, cOff, ldc, false),
                            u8,
                            where + ", scalar uint8 (zero point " + za + ") against the definition");

                    int[] u16 = c.clone();
                    int[] u16Vector = c.clone();
                    scalar.gemmU8Int16(m, n, k, a, aOff, lda, za, w, wOff, ldw, wSums, u16, cOff, ldc);
                    vector.gemmU8Int16(m, n, k, a, aOff, lda, za, w, wOff, ldw, wSums, u16Vector, cOff, ldc);
                    assertArrayEquals(u16, u16Vector, where + ", uint8 (zero point " + za + ") x int8 -> int16");
                    int[] flipped = contract(m, n, k, a, aOff, lda, true, 128, w, wOff, ldw, c, cOff, ldc, true);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            flipped[cOff + i * ldc + j] += (128 - za) * wSums[j];
                        }
                    }
                    assertArrayEquals(
                            flipped,
                            u16,
                            where + ", scalar uint8 (zero point " + za + ") -> int16 against "
                                    + "the flipped definition modulo 2^16");
                }
                assertArrayEquals(aBefore, a, where + ": A changed");
                assertArrayEquals(wBefore, w, where + ": W changed");
            }
        }
    }

    /**
     * The definition in {@link IntGemm}, in 64 bits: {@code sum_p (A[i][p] - za) * W[j][p]}, then
     * narrowed to int16 or checked to fit int32; outside the m x n block C keeps its old values.
     */
    private static int[] contract(
            int m,
            int n,
            int k,
            byte[] a,
            int aOff,
            int lda,
            boolean unsigned,
            int za,
            byte[] w,
            int wOff,
            int ldw,
            int[] c,
            int cOff,
            int ldc,
            boolean int16) {
        int[] out = c.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long acc = 0;
                for (int p = 0; p < k; p++) {
                    byte raw = a[aOff + i * lda + p];
                    long av = (unsigned ? Byte.toUnsignedInt(raw) : raw) - za;
                    acc += av * w[wOff + j * ldw + p];
                }
                out[cOff + i * ldc + j] = int16 ? (short) acc : Math.toIntExact(acc);
            }
        }
        return out;
    }

    private static byte[] fill(Random random, Values values, int length, boolean weights) {
        byte[] v = new byte[length];
        for (int i = 0; i < length; i++) {
            boolean even = i % 2 == 0;
            v[i] = switch (values) {
                case RANDOM -> (byte) random.nextInt(256);
                case ALL_MIN -> Byte.MIN_VALUE;
                case ALL_MAX -> Byte.MAX_VALUE;
                case ALTERNATING_SAME -> even ? Byte.MIN_VALUE : Byte.MAX_VALUE;
                case ALTERNATING_OPPOSITE -> even == weights ? Byte.MIN_VALUE : Byte.MAX_VALUE;
                case ZERO_AND_MINUS_ONE -> random.nextBoolean() ? (byte) 0 : (byte) -1;
            };
        }
        return v;
    }

    @ParameterizedTest(name = "{0}-bit vectors, zero point {1}")
    @MethodSource("widthsAndZeroPoints")
    void zeroPointFormulaEqualsSubtractingFirst(int bits, int za) {
        IntGemm vector = KernelProvider.vector(new IntGemmFamily(), bits);
        // sum (a - za) * w = sum a * w - za * sum w, checked on one all-extreme row by hand.
        byte[] a = {(byte) 255, 0, (byte) 128, (byte) 255, 1};
        byte[] w = {-128, 127, -128, 127, -1};
        int expected = 0;
        for (int p = 0; p < a.length; p++) {
            expected += (Byte.toUnsignedInt(a[p]) - za) * w[p];
        }
        int[] c = new int[1];
        vector.gemmU8(
                1,
                1,
                a.length,
                a,
                0,
                a.length,
                za,
                w,
                0,
                w.length,
                IntGemm.weightSums(1, w.length, w, 0, w.length),
                c,
                0,
                1);
        assertEquals(expected, c[0]);
    }

    static Stream<Arguments> widthsAndZeroPoints() {
        return KernelProvider.widths().stream()
                .flatMap(bits -> Arrays.stream(ZERO_POINTS).mapToObj(za -> Arguments.of(bits, za)));
    }
}
