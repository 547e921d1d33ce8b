package org.bitbudget.ops.compute.sgemm;

/** The scalar twin of {@link VectorSgemm}: the reference every faster kernel must equal bit for bit. */
public final class ScalarSgemm implements Sgemm {
    @Override
    public void multiplyAdd(
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
            int ldc) {
        for (int i = 0; i < m; i++) {
            int aRow = aOff + i * lda;
            int cRow = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                float acc = c[cRow + j];
                for (int p = 0; p < k; p++) {
                    acc = Math.fma(a[aRow + p], b[bOff + p * ldb + j], acc);
                }
                c[cRow + j] = acc;
            }
        }
    }
}
