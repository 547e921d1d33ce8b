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
 * {@link #pack} into the implementation's panels; C is overwritten. Obtain an implementation from
 * {@link FmaIntGemmFamily#get()}.
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
     */
    record Panels(float[] data, int n, int k, int width, int maxAbs) {}

    /** Packs n x k int8 weight codes, channel j's row at {@code w[wOff + j * ldw]}. */
    Panels pack(int n, int k, byte[] w, int wOff, int ldw);

    /**
     * Multiplies m rows of A, whose codes have magnitude at most {@code maxAbsA}, by the packed W,
     * into C (element (i, j) at {@code c[cOff + i * ldc + j]}).
     */
    void multiply(int m, float[] a, int aOff, int lda, int maxAbsA, Panels w, int[] c, int cOff, int ldc);

    /**
     * As {@link #multiply}, but adds the products to C (int32 wrap-around) instead of overwriting it:
     * a convolution sums one such product per kernel row, each reading its rows of A straight from the
     * padded input.
     */
    void multiplyAdd(int m, float[] a, int aOff, int lda, int maxAbsA, Panels w, int[] c, int cOff, int ldc);

    /**
     * Terms per exact block for codes of magnitude at most {@code maxAbsA} and {@code maxAbsW}: the
     * most whose magnitudes cannot sum past 2^24 (at least 1).
     */
    static int exactBlock(int maxAbsA, int maxAbsW) {
        long product = (long) maxAbsA * maxAbsW;
        return product == 0 ? Integer.MAX_VALUE : (int) Math.max(1, Math.min(Integer.MAX_VALUE, EXACT_LIMIT / product));
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
