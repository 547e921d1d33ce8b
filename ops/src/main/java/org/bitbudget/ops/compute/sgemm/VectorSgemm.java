package org.bitbudget.ops.compute.sgemm;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * Vector API SGEMM: register blocks of 4 rows x 2 vectors of C, each lane a chain of FMAs over k in
 * order (so results equal {@link ScalarSgemm} exactly). C is swept a panel of 2 vectors' columns at
 * a time, every row within a panel, so that the panel of B stays in the L1 cache; in a panel,
 * leftover rows fall to blocks of 2 rows and then 1 row. Leftover columns fall to panels of one
 * vector and finally to one masked vector (lanes past n are neither loaded from B nor stored to C).
 * Blocking only chooses which elements of C are computed together, never the order of an
 * element's own chain.
 */
public final class VectorSgemm implements Sgemm {
    private static final VectorSpecies<Float> SPECIES =
            VectorSpecies.of(float.class, VectorWidth.of(MethodHandles.lookup()));
    private static final int L = SPECIES.length();

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
        // Column panels outer, rows inner: a panel of B (k x 2L) comes from memory once and then
        // stays in the L1 cache while every row of A passes over it.
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                block4x2(k, a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
            }
            for (; i + 2 <= m; i += 2) {
                block2x2(k, a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
            }
            if (i < m) {
                block1x2(k, a, aOff + i * lda, b, bOff + j, ldb, c, cOff + i * ldc + j);
            }
        }
        for (; j + L <= n; j += L) {
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                block4x1(k, a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
            }
            for (; i < m; i++) {
                block1x1(k, a, aOff + i * lda, b, bOff + j, ldb, c, cOff + i * ldc + j);
            }
        }
        if (j < n) {
            VectorMask<Float> mask = SPECIES.indexInRange(j, n);
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                block4x1Masked(k, a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, mask);
            }
            for (; i < m; i++) {
                block1x1Masked(k, a, aOff + i * lda, b, bOff + j, ldb, c, cOff + i * ldc + j, mask);
            }
        }
    }

    private static void block4x2(
            int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0, int ldc) {
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

    private static void block4x1(
            int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0, int ldc) {
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

    private static void block4x1Masked(
            int k,
            float[] a,
            int a0,
            int lda,
            float[] b,
            int b0,
            int ldb,
            float[] c,
            int c0,
            int ldc,
            VectorMask<Float> mask) {
        FloatVector c0v = FloatVector.fromArray(SPECIES, c, c0, mask);
        FloatVector c1v = FloatVector.fromArray(SPECIES, c, c0 + ldc, mask);
        FloatVector c2v = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc, mask);
        FloatVector c3v = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc, mask);
        for (int p = 0; p < k; p++) {
            FloatVector bv = FloatVector.fromArray(SPECIES, b, b0 + p * ldb, mask);
            c0v = FloatVector.broadcast(SPECIES, a[a0 + p]).lanewise(VectorOperators.FMA, bv, c0v);
            c1v = FloatVector.broadcast(SPECIES, a[a0 + lda + p]).lanewise(VectorOperators.FMA, bv, c1v);
            c2v = FloatVector.broadcast(SPECIES, a[a0 + 2 * lda + p]).lanewise(VectorOperators.FMA, bv, c2v);
            c3v = FloatVector.broadcast(SPECIES, a[a0 + 3 * lda + p]).lanewise(VectorOperators.FMA, bv, c3v);
        }
        c0v.intoArray(c, c0, mask);
        c1v.intoArray(c, c0 + ldc, mask);
        c2v.intoArray(c, c0 + 2 * ldc, mask);
        c3v.intoArray(c, c0 + 3 * ldc, mask);
    }

    private static void block2x2(
            int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0, int ldc) {
        FloatVector c00 = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector c01 = FloatVector.fromArray(SPECIES, c, c0 + L);
        FloatVector c10 = FloatVector.fromArray(SPECIES, c, c0 + ldc);
        FloatVector c11 = FloatVector.fromArray(SPECIES, c, c0 + ldc + L);
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
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + L);
        c10.intoArray(c, c0 + ldc);
        c11.intoArray(c, c0 + ldc + L);
    }

    private static void block1x2(int k, float[] a, int a0, float[] b, int b0, int ldb, float[] c, int c0) {
        FloatVector c0v = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector c1v = FloatVector.fromArray(SPECIES, c, c0 + L);
        for (int p = 0; p < k; p++) {
            int bp = b0 + p * ldb;
            FloatVector av = FloatVector.broadcast(SPECIES, a[a0 + p]);
            c0v = av.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, b, bp), c0v);
            c1v = av.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, b, bp + L), c1v);
        }
        c0v.intoArray(c, c0);
        c1v.intoArray(c, c0 + L);
    }

    private static void block1x1Masked(
            int k, float[] a, int a0, float[] b, int b0, int ldb, float[] c, int c0, VectorMask<Float> mask) {
        FloatVector cv = FloatVector.fromArray(SPECIES, c, c0, mask);
        for (int p = 0; p < k; p++) {
            cv = FloatVector.broadcast(SPECIES, a[a0 + p])
                    .lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, b, b0 + p * ldb, mask), cv);
        }
        cv.intoArray(c, c0, mask);
    }
}
