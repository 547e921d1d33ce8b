package org.bitbudget.kernels.gemm;

/**
 * Integer matrix multiplication in dot-product form: {@code C[i][j] = sum_p A[i][p] * W[j][p]} with
 * A of m x k activations (row i is one image or one im2col patch) and W of n x k weights (row j is
 * output channel j), both contiguous along k, and C of m x n. C is overwritten, not accumulated into.
 *
 * <p>Integer addition is associative, so every implementation gives the same ints whatever order it
 * sums in; only speed differs. Sums that leave the accumulator's range wrap (two's complement), the
 * same way in every implementation; the int32 kernels cannot wrap for k below 65,793 (each product is
 * at most 255 x 128 in magnitude). Obtain an implementation from {@link IntGemmFamily#get()}.
 *
 * <p>Element (i, p) of A is {@code a[aOff + i * lda + p]}, element (j, p) of W is
 * {@code w[wOff + j * ldw + p]}, element (i, j) of C is {@code c[cOff + i * ldc + j]}.
 */
public interface IntGemm {

    /** Signed int8 activations times int8 weights into int32. */
    void gemmS8(
            int m, int n, int k, byte[] a, int aOff, int lda, byte[] w, int wOff, int ldw, int[] c, int cOff, int ldc);

    /**
     * Unsigned uint8 activations (the bytes of A read as 0..255) with zero point {@code aZeroPoint},
     * times int8 weights, into int32: {@code C[i][j] = sum_p (A[i][p] - za) * W[j][p]}, computed as
     * {@code sum_p A[i][p] * W[j][p] - za * wSums[j]} so that the inner loop needs no subtraction.
     *
     * @param wSums per-channel sums of the weights, {@link #weightSums}; computed once per layer
     */
    void gemmU8(
            int m,
            int n,
            int k,
            byte[] a,
            int aOff,
            int lda,
            int aZeroPoint,
            byte[] w,
            int wOff,
            int ldw,
            int[] wSums,
            int[] c,
            int cOff,
            int ldc);

    /**
     * Like {@link #gemmS8} but accumulating in int16 (wrapping modulo 2^16), each result sign-extended
     * into C. Because the arithmetic is modular, the result equals {@link #gemmS8}'s exactly whenever
     * the true sum fits in int16, which {@link AccumulatorBounds} proves per channel; use it through
     * {@link AccumulatorBounds#gemmS8Bounded}, which checks that proof.
     */
    void gemmS8Int16(
            int m, int n, int k, byte[] a, int aOff, int lda, byte[] w, int wOff, int ldw, int[] c, int cOff, int ldc);

    /**
     * uint8 activations with zero point {@code aZeroPoint}, accumulating in int16: each activation is
     * first flipped to the signed {@code u - 128}, the sum {@code sum_p (A[i][p] - 128) * W[j][p]} wraps
     * modulo 2^16 and is sign-extended, then {@code (128 - za) * wSums[j]} is added in int32. The
     * result equals {@link #gemmU8}'s exactly whenever the flipped sum fits in int16, which
     * {@code 128 * ||W[j]||_1 <= 32767} guarantees (an L1 norm of at most 255, more than the A2Q bound
     * for a 16-bit accumulator and uint8 inputs needs).
     */
    void gemmU8Int16(
            int m,
            int n,
            int k,
            byte[] a,
            int aOff,
            int lda,
            int aZeroPoint,
            byte[] w,
            int wOff,
            int ldw,
            int[] wSums,
            int[] c,
            int cOff,
            int ldc);

    /**
     * The k that rows are best padded to a multiple of: the vector kernels' step (their leftover
     * products are summed one by one), 1 for the scalar twin. Padding with zero weights changes no sum.
     */
    default int rowMultiple() {
        return 1;
    }

    /** Per-channel sums of int8 weights, {@code sum_p W[j][p]}, for the zero-point term of {@link #gemmU8}. */
    static int[] weightSums(int n, int k, byte[] w, int wOff, int ldw) {
        int[] sums = new int[n];
        for (int j = 0; j < n; j++) {
            int s = 0;
            for (int p = 0; p < k; p++) {
                s += w[wOff + j * ldw + p];
            }
            sums[j] = s;
        }
        return sums;
    }
}
