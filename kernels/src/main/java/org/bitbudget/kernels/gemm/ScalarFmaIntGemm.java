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
        return new Panels(data, n, k, 1, FmaIntGemm.maxAbs(n, k, w, wOff, ldw));
    }

    @Override
    public void multiply(int m, float[] a, int aOff, int lda, int maxAbsA, Panels w, int[] c, int cOff, int ldc) {
        run(m, a, aOff, lda, w, c, cOff, ldc, false);
    }

    @Override
    public void multiplyAdd(int m, float[] a, int aOff, int lda, int maxAbsA, Panels w, int[] c, int cOff, int ldc) {
        run(m, a, aOff, lda, w, c, cOff, ldc, true);
    }

    private static void run(int m, float[] a, int aOff, int lda, Panels w, int[] c, int cOff, int ldc, boolean add) {
        int n = w.n();
        int k = w.k();
        float[] b = w.data();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int acc = 0;
                for (int p = 0; p < k; p++) {
                    acc += (int) a[aOff + i * lda + p] * (int) b[j * k + p];
                }
                c[cOff + i * ldc + j] = add ? c[cOff + i * ldc + j] + acc : acc;
            }
        }
    }
}
