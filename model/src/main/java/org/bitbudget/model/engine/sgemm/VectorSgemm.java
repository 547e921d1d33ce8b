package org.bitbudget.model.engine.sgemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API SGEMM: register blocks of 4 rows x 2 vectors of C, each lane a chain of FMAs over k in
 * order (so results equal {@link ScalarSgemm} exactly); leftover rows and columns fall to narrower
 * blocks and finally to the scalar chain.
 */
public final class VectorSgemm implements Sgemm {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    @Override
    public void multiplyAdd(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = 0;
            for (; j + 2 * L <= n; j += 2 * L) {
                block4x2(k, a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
            }
            for (; j + L <= n; j += L) {
                block4x1(k, a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
            }
            scalarColumns(4, j, n, k, a, aOff + i * lda, lda, b, bOff, ldb, c, cOff + i * ldc, ldc);
        }
        for (; i < m; i++) {
            int j = 0;
            for (; j + L <= n; j += L) {
                block1x1(k, a, aOff + i * lda, b, bOff + j, ldb, c, cOff + i * ldc + j);
            }
            scalarColumns(1, j, n, k, a, aOff + i * lda, lda, b, bOff, ldb, c, cOff + i * ldc, ldc);
        }
    }

    private static void block4x2(int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0,
                                 int ldc) {
        FloatVector c00 = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector c01 = FloatVector.fromArray(SPECIES, c, c0 + L);
        FloatVector c10 = FloatVector.fromArray(SPECIES, c, c0 + ldc);
        FloatVector c11 = FloatVector.fromArray(SPECIES, c, c0 + ldc + L);
        FloatVector c20 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc);
        FloatVector c21 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc + L);
        FloatVector c30 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc);
        FloatVector c31 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc + L);
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * ldb;
            FloatVector b0v = FloatVector.fromArray(SPECIES, b, bp);
            FloatVector b1v = FloatVector.fromArray(SPECIES, b, bp + L);
            FloatVector a0v = FloatVector.broadcast(SPECIES, a[a0 + p]);
            c00 = a0v.lanewise(VectorOperators.FMA, b0v, c00);
            c01 = a0v.lanewise(VectorOperators.FMA, b1v, c01);
            FloatVector a1v = FloatVector.broadcast(SPECIES, a[a0 + lda + p]);
            c10 = a1v.lanewise(VectorOperators.FMA, b0v, c10);
            c11 = a1v.lanewise(VectorOperators.FMA, b1v, c11);
            FloatVector a2v = FloatVector.broadcast(SPECIES, a[a0 + 2 * lda + p]);
            c20 = a2v.lanewise(VectorOperators.FMA, b0v, c20);
            c21 = a2v.lanewise(VectorOperators.FMA, b1v, c21);
            FloatVector a3v = FloatVector.broadcast(SPECIES, a[a0 + 3 * lda + p]);
            c30 = a3v.lanewise(VectorOperators.FMA, b0v, c30);
            c31 = a3v.lanewise(VectorOperators.FMA, b1v, c31);
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + L);
        c10.intoArray(c, c0 + ldc);
        c11.intoArray(c, c0 + ldc + L);
        c20.intoArray(c, c0 + 2 * ldc);
        c21.intoArray(c, c0 + 2 * ldc + L);
        c30.intoArray(c, c0 + 3 * ldc);
        c31.intoArray(c, c0 + 3 * ldc + L);
    }

    private static void block4x1(int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0,
                                 int ldc) {
        FloatVector c0v = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector c1v = FloatVector.fromArray(SPECIES, c, c0 + ldc);
        FloatVector c2v = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc);
        FloatVector c3v = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc);
        for (int p = 0; p < k; p++) {
            FloatVector bv = FloatVector.fromArray(SPECIES, b, b0 + p * ldb);
            c0v = FloatVector.broadcast(SPECIES, a[a0 + p]).lanewise(VectorOperators.FMA, bv, c0v);
            c1v = FloatVector.broadcast(SPECIES, a[a0 + lda + p]).lanewise(VectorOperators.FMA, bv, c1v);
            c2v = FloatVector.broadcast(SPECIES, a[a0 + 2 * lda + p]).lanewise(VectorOperators.FMA, bv, c2v);
            c3v = FloatVector.broadcast(SPECIES, a[a0 + 3 * lda + p]).lanewise(VectorOperators.FMA, bv, c3v);
        }
        c0v.intoArray(c, c0);
        c1v.intoArray(c, c0 + ldc);
        c2v.intoArray(c, c0 + 2 * ldc);
        c3v.intoArray(c, c0 + 3 * ldc);
    }

    private static void block1x1(int k, float[] a, int a0, float[] b, int b0, int ldb, float[] c, int c0) {
        FloatVector cv = FloatVector.fromArray(SPECIES, c, c0);
        for (int p = 0; p < k; p++) {
            cv = FloatVector.broadcast(SPECIES, a[a0 + p])
                    .lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, b, b0 + p * ldb), cv);
        }
        cv.intoArray(c, c0);
    }

    private static void scalarColumns(int rows, int from, int n, int k, float[] a, int a0, int lda, float[] b,
                                      int bOff, int ldb, float[] c, int c0, int ldc) {
        for (int r = 0; r < rows; r++) {
            for (int j = from; j < n; j++) {
                float acc = c[c0 + r * ldc + j];
                for (int p = 0; p < k; p++) {
                    acc = Math.fma(a[a0 + r * lda + p], b[bOff + p * ldb + j], acc);
                }
                c[c0 + r * ldc + j] = acc;
            }
        }
    }

    /** Floats per vector of the species in use. */
    public static int vectorLength() {
        return L;
    }
}
