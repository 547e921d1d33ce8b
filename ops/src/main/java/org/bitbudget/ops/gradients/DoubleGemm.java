package org.bitbudget.ops.gradients;

import java.util.Arrays;

/**
 * Double-precision matrix products C += op(A) B with A a row-major array read element by element
 * and B given as an array of row arrays. The work is a sum of rows: row i of C gains a(i, p) times
 * row p of B for every p, in plain loops that C2 vectorises.
 *
 * <p>Why rows as separate arrays: C2 (JDK 25) vectorises {@code c[j] += a * b[j]} only when it can
 * rule out that c and b are one array at overlapping offsets, which it can when both are indexed
 * from 0 but not when they start at offsets only known at run time, such as rows of one flat
 * matrix; there the loop runs scalar, five times slower. So B's rows are arrays of their own and
 * row i of C is summed in a separate buffer, everything indexed from 0.
 *
 * <p>Rows of B come four at a time ({@code acc[j] += a0 b0[j] + a1 b1[j] + a2 b2[j] + a3 b3[j]}),
 * which loads and stores the accumulator a quarter as often. A zero a(i, p) skips its row of B:
 * in training A is often a gradient after ReLU and max pooling, or a post-ReLU activation, mostly
 * zeros. The one difference from a dense product: zero times an infinite or NaN element of B
 * contributes nothing instead of NaN.
 */
final class DoubleGemm {
    /** Buffers one caller reuses across products; they only grow. Not for sharing between threads. */
    static final class Scratch {
        private double[] acc = new double[0];
        private double[] coef = new double[0];
        private double[][] picked = new double[0][];

        private void ensure(int n, int k) {
            if (acc.length < n) {
                acc = new double[n];
            }
            if (coef.length < k) {
                coef = new double[k];
                picked = new double[k][];
            }
        }
    }

    private DoubleGemm() {}

    /** C[m x n] += A[m x k] B[k x n], with A at {@code a[aOff]} with row stride {@code lda}. */
    static void nn(
            int m,
            int n,
            int k,
            double[] a,
            int aOff,
            int lda,
            double[][] b,
            double[] c,
            int cOff,
            int ldc,
            Scratch s) {
        s.ensure(n, k);
        for (int i = 0; i < m; i++) {
            int count = 0;
            for (int p = 0, at = aOff + i * lda; p < k; p++, at++) {
                if (a[at] != 0) {
                    s.coef[count] = a[at];
                    s.picked[count++] = b[p];
                }
            }
            addRows(n, count, c, cOff + i * ldc, s);
        }
    }

    /** C[m x n] += A^T B, with A (k x m) at {@code a[aOff]} with row stride {@code lda}. */
    static void tn(
            int m,
            int n,
            int k,
            double[] a,
            int aOff,
            int lda,
            double[][] b,
            double[] c,
            int cOff,
            int ldc,
            Scratch s) {
        s.ensure(n, k);
        for (int i = 0; i < m; i++) {
            int count = 0;
            for (int p = 0, at = aOff + i; p < k; p++, at += lda) {
                if (a[at] != 0) {
                    s.coef[count] = a[at];
                    s.picked[count++] = b[p];
                }
            }
            addRows(n, count, c, cOff + i * ldc, s);
        }
    }

    /** c[cOff, cOff + n) += Σ_q coef[q] picked[q][0, n) over the first {@code count} picked rows. */
    private static void addRows(int n, int count, double[] c, int cOff, Scratch s) {
        if (count == 0) {
            return;
        }
        double[] acc = s.acc;
        System.arraycopy(c, cOff, acc, 0, n);
        double[] coef = s.coef;
        double[][] picked = s.picked;
        int q = 0;
        for (; q + 3 < count; q += 4) {
            double a0 = coef[q];
            double a1 = coef[q + 1];
            double a2 = coef[q + 2];
            double a3 = coef[q + 3];
            double[] b0 = picked[q];
            double[] b1 = picked[q + 1];
            double[] b2 = picked[q + 2];
            double[] b3 = picked[q + 3];
            for (int j = 0; j < n; j++) {
                acc[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
            }
        }
        for (; q < count; q++) {
            double a0 = coef[q];
            double[] b0 = picked[q];
            for (int j = 0; j < n; j++) {
                acc[j] += a0 * b0[j];
            }
        }
        System.arraycopy(acc, 0, c, cOff, n);
    }

    /** The rows of the rows x cols matrix at {@code v[off]}, each copied into an array of its own. */
    static double[][] rows(double[] v, int off, int rows, int cols) {
        double[][] r = new double[rows][];
        for (int i = 0; i < rows; i++) {
            r[i] = Arrays.copyOfRange(v, off + i * cols, off + (i + 1) * cols);
        }
        return r;
    }

    /** The rows of the transpose of the rows x cols matrix at {@code v[off]}: cols arrays of rows values. */
    static double[][] transposedRows(double[] v, int off, int rows, int cols) {
        double[][] t = new double[cols][rows];
        for (int r = 0; r < rows; r++) {
            int from = off + r * cols;
            for (int col = 0; col < cols; col++) {
                t[col][r] = v[from + col];
            }
        }
        return t;
    }

    /**
     * A fresh m x n product op(A) op(B): A is stored m x k, or k x m when {@code transA}; B is stored
     * k x n, or n x k when {@code transB}.
     */
    static double[] multiply(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b) {
        double[][] bRows = transB ? transposedRows(b, 0, n, k) : rows(b, 0, k, n);
        double[] c = new double[m * n];
        Scratch s = new Scratch();
        if (transA) {
            tn(m, n, k, a, 0, m, bRows, c, 0, n, s);
        } else {
            nn(m, n, k, a, 0, k, bRows, c, 0, n, s);
        }
        return c;
    }
}
