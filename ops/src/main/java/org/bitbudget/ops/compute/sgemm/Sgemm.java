package org.bitbudget.ops.compute.sgemm;

/**
 * Single-precision matrix multiply-accumulate on row-major arrays: {@code C += A * B} with A of
 * m x k, B of k x n and C of m x n.
 *
 * <p>Every implementation computes each element of C as the same chain of fused multiply-adds,
 * {@code c = fma(a[i][p], b[p][j], c)} for p = 0 .. k-1 in order, so all of them give bit-identical
 * results; only their speed differs. Obtain one from {@link SgemmFamily#get()}.
 */
@FunctionalInterface
public interface Sgemm {

    /**
     * @param m    rows of A and C
     * @param n    columns of B and C
     * @param k    columns of A, rows of B
     * @param a    A, element (i, p) at {@code a[aOff + i * lda + p]}
     * @param b    B, element (p, j) at {@code b[bOff + p * ldb + j]}
     * @param c    C, element (i, j) at {@code c[cOff + i * ldc + j]}; accumulated into
     */
    void multiplyAdd(
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
            int ldc);
}
