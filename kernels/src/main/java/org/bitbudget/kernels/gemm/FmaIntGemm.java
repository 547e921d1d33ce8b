package org.bitbudget.kernels.gemm;

/**
 * Exact integer matrix multiplication on fp32 FMA: {@code C[i][j] = sum_p A[i][p] * W[j][p]} for
 * integer codes held as floats. A float holds every integer of magnitude up to 2^24 exactly, so a
 * chain of FMAs over integer products is exact, in any order, as long as the sum of the products'
 * magnitudes stays within 2^24; the kernels sum k in blocks of {@link #exactBlock} terms (1,040 for
 * int8 x int8 codes of magnitude 127, 518 for uint8 x int8, about 2.8 million
 * for 2-bit codes) and flush every block into int32 accumulators. The results equal the int32
 * reference ({@link ScalarFmaIntGemm}) bit for bit, with the reach of fp32 FMA units instead of
 * int8 multiply-adds.
 *
 * <p>A is m x k codes as floats (element (i, p) at {@code a[aOff + i * lda + p]}: an im2col row or a
 * Gemm input row, zero point already subtracted), W the weight codes packed once per layer by
 * {@link #pack} into the implementation's panels; C is overwritten. A block may also span the whole
 * of k when the largest |A| times the largest L1 norm of a channel's weights stays within 2^24,
 * since no partial sum can then pass that norm bound. {@link #multiplyIndirect} reads A through
 * row and segment offsets instead, so that a convolution reads its windows in place from a padded
 * image (no im2col). Obtain an implementation from {@link FmaIntGemmFamily#get()}.
 */
public interface FmaIntGemm {

    /** Sums of magnitude up to this are exact in float32. */
    int EXACT_LIMIT = 1 << 24;

    /**
     * Weight codes packed for one implementation.
     *
     * @param data   the panels, layout private to the implementation that packed them
     * @param n      output channels
     * @param k      codes per channel
     * @param width  channels per panel (the implementation's choice)
     * @param maxAbs the largest |code|
     * @param maxL1  the largest sum of |code| over one channel's k codes
     */
    record Panels(float[] data, int n, int k, int width, int maxAbs, long maxL1) {}

    /** Packs n x k int8 weight codes, channel j's row at {@code w[wOff + j * ldw]}. */
    Panels pack(int n, int k, byte[] w, int wOff, int ldw);

    /**
     * Multiplies m rows of A, whose codes have magnitude at most {@code maxAbsA}, by the packed W,
     * into C (element (i, j) at {@code c[cOff + i * ldc + j]}).
     */
    void multiply(int m, float[] a, int aOff, int lda, int maxAbsA, Panels w, int[] c, int cOff, int ldc);

    /**
     * As {@link #multiply}, with A given by offsets: element (i, p) of A, for p = s * segment + q with
     * q below {@code segment}, is {@code a[rows[i] + segments[s] + q]}; W's k must be
     * {@code segments.length * segment}. A convolution's row i is the offset of output position i's
     * window in a zero-padded NHWC image and its segments the offsets of the window's runs (one per
     * kernel row, or per kernel tap with column dilation), so no im2col is built.
     */
    void multiplyIndirect(
            int m,
            float[] a,
            int[] rows,
            int[] segments,
            int segment,
            int maxAbsA,
            Panels w,
            int[] c,
            int cOff,
            int ldc);

    /**
     * {@code dst[to + i] = code(src[from + i]) - zeroPoint} for {@code i < length}: codes read as
     * uint8 when {@code unsigned}, else int8, as the floats A holds.
     */
    void toFloats(byte[] src, int from, float[] dst, int to, int length, boolean unsigned, int zeroPoint);

    /**
     * {@code dst[to + i] = (int) src[from + i]} for {@code i < length}: exact sums an FMA kernel left
     * as floats (integers of magnitude at most 2^24) back to int32.
     */
    void toInts(float[] src, int from, int[] dst, int to, int length);

    /**
     * Terms per exact block for codes of magnitude at most {@code maxAbsA} and {@code maxAbsW}: the
     * most whose magnitudes cannot sum past 2^24 (at least 1).
     */
    static int exactBlock(int maxAbsA, int maxAbsW) {
        long product = (long) maxAbsA * maxAbsW;
        return product == 0 ? Integer.MAX_VALUE : (int) Math.max(1, Math.min(Integer.MAX_VALUE, EXACT_LIMIT / product));
    }

    /**
     * Terms per exact block of a product of A (|code| at most {@code maxAbsA}) with {@code w}: all of k
     * when the L1 bound allows it, else {@link #exactBlock(int, int)}.
     */
    static int exactBlock(int maxAbsA, Panels w) {
        if ((double) maxAbsA * w.maxL1() <= EXACT_LIMIT) {
            return Math.max(1, w.k());
        }
        return exactBlock(maxAbsA, w.maxAbs());
    }

    /** The largest sum of |code| over one of n channels of k codes. */
    static long maxL1(int n, int k, byte[] w, int wOff, int ldw) {
        long max = 0;
        for (int j = 0; j < n; j++) {
            long sum = 0;
            for (int p = 0; p < k; p++) {
                sum += Math.abs(w[wOff + j * ldw + p]);
            }
            max = Math.max(max, sum);
        }
        return max;
    }

    /** The largest |code| of n x k codes. */
    static int maxAbs(int n, int k, byte[] w, int wOff, int ldw) {
        int max = 0;
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < k; p++) {
                max = Math.max(max, Math.abs(w[wOff + j * ldw + p]));
            }
        }
        return max;
    }
}
