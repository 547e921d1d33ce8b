package org.bitbudget.kernels.gemm;

/**
 * The scalar twin of {@link VectorFmaIntGemm}: the int32 reference, each product and sum in int
 * arithmetic; its panels are the codes row by row.
 */
public final class ScalarFmaIntGemm implements FmaIntGemm {

    @Override
    public Panels pack(int n, int k, byte[] w, int wOff, int ldw) {
        float[] data = new float[n * k];
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < k; p++) {
                data[j * k + p] = w[wOff + j * ldw + p];
            }
        }
        return new Panels(data, n, k, 1, FmaIntGemm.maxAbs(n, k, w, wOff, ldw), FmaIntGemm.maxL1(n, k, w, wOff, ldw));
    }

    @Override
    public void multiply(int m, float[] a, int aOff, int lda, int maxAbsA, Panels w, int[] c, int cOff, int ldc) {
        int[] rows = new int[m];
        for (int i = 0; i < m; i++) {
            rows[i] = aOff + i * lda;
        }
        multiplyIndirect(m, a, rows, new int[] {0}, w.k(), maxAbsA, w, c, cOff, ldc);
    }

    @Override
    public void multiplyIndirect(
            int m,
            float[] a,
            int[] rows,
            int[] segments,
            int segment,
            int maxAbsA,
            Panels w,
            int[] c,
            int cOff,
            int ldc) {
        int n = w.n();
        int k = w.k();
        float[] b = w.data();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int acc = 0;
                for (int p = 0; p < k; p++) {
                    acc += (int) a[rows[i] + segments[p / segment] + p % segment] * (int) b[j * k + p];
                }
                c[cOff + i * ldc + j] = acc;
            }
        }
    }

    @Override
    public void toFloats(byte[] src, int from, float[] dst, int to, int length, boolean unsigned, int zeroPoint) {
        for (int i = 0; i < length; i++) {
            dst[to + i] = (unsigned ? src[from + i] & 0xFF : src[from + i]) - zeroPoint;
        }
    }

    @Override
    public void toInts(float[] src, int from, int[] dst, int to, int length) {
        for (int i = 0; i < length; i++) {
            dst[to + i] = (int) src[from + i];
        }
    }
}
