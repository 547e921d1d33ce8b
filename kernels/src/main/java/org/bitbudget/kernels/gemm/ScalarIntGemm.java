package org.bitbudget.kernels.gemm;

/** The scalar twin of {@link VectorIntGemm}: the reference every faster kernel must equal exactly. */
public final class ScalarIntGemm implements IntGemm {

    @Override
    public void gemmS8(
            int m, int n, int k, byte[] a, int aOff, int lda, byte[] w, int wOff, int ldw, int[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int acc = 0;
                for (int p = 0; p < k; p++) {
                    acc += a[aOff + i * lda + p] * w[wOff + j * ldw + p];
                }
                c[cOff + i * ldc + j] = acc;
            }
        }
    }

    @Override
    public void gemmU8(
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
            int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int acc = 0;
                for (int p = 0; p < k; p++) {
                    acc += Byte.toUnsignedInt(a[aOff + i * lda + p]) * w[wOff + j * ldw + p];
                }
                c[cOff + i * ldc + j] = acc - aZeroPoint * wSums[j];
            }
        }
    }

    @Override
    public void gemmS8Int16(
            int m, int n, int k, byte[] a, int aOff, int lda, byte[] w, int wOff, int ldw, int[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                short acc = 0;
                for (int p = 0; p < k; p++) {
                    // The product of two int8 values always fits in int16; only the sum can wrap.
                    acc = (short) (acc + a[aOff + i * lda + p] * w[wOff + j * ldw + p]);
                }
                c[cOff + i * ldc + j] = acc;
            }
        }
    }

    @Override
    public void gemmU8Int16(
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
            int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                short acc = 0;
                for (int p = 0; p < k; p++) {
                    acc = (short) (acc + (Byte.toUnsignedInt(a[aOff + i * lda + p]) - 128) * w[wOff + j * ldw + p]);
                }
                c[cOff + i * ldc + j] = acc + (128 - aZeroPoint) * wSums[j];
            }
        }
    }
}
