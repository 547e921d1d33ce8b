package org.bitbudget.ops.gradients;

import java.util.Arrays;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ops.compute.MatMulShape;

/** Gemm and MatMul on top of {@link DoubleGemm}, and their gradients. */
public final class LinearOps {
    private LinearOps() {}

    /** Gemm's sizes: A' is m x k, B' is k x n, and C broadcasts from rows x cols. */
    private record GemmShape(int m, int n, int k, int rows, int cols) {}

    private static GemmShape gemmShape(Op.Gemm op, DTensor a, DTensor b, DTensor c) {
        int[] as = a.dims();
        int[] bs = b.dims();
        if (as.length != 2 || bs.length != 2) {
            throw new IllegalArgumentException(
                    "Gemm needs 2-D inputs, got " + Arrays.toString(as) + " and " + Arrays.toString(bs));
        }
        int m = op.transA() ? as[1] : as[0];
        int k = op.transA() ? as[0] : as[1];
        int kb = op.transB() ? bs[1] : bs[0];
        int n = op.transB() ? bs[0] : bs[1];
        if (k != kb) {
            throw new IllegalArgumentException("inner dimensions differ: A " + Arrays.toString(as)
                    + (op.transA() ? " (transposed)" : "") + " and B " + Arrays.toString(bs)
                    + (op.transB() ? " (transposed)" : ""));
        }
        int rows = 1;
        int cols = 1;
        if (c != null) {
            int[] cs = c.dims();
            rows = cs.length == 2 ? cs[0] : 1;
            cols = cs.length >= 1 ? cs[cs.length - 1] : 1;
            if (cs.length > 2 || (rows != 1 && rows != m) || (cols != 1 && cols != n)) {
                throw new IllegalArgumentException(
                        "C " + Arrays.toString(cs) + " does not broadcast to [" + m + ", " + n + "]");
            }
        }
        return new GemmShape(m, n, k, rows, cols);
    }

    /** ONNX Gemm: Y = alpha A' B' + beta C. */
    public static DTensor gemm(Op.Gemm op, DTensor a, DTensor b, DTensor c) {
        GemmShape s = gemmShape(op, a, b, c);
        double[] out = DoubleGemm.multiply(op.transA(), op.transB(), s.m(), s.n(), s.k(), a.data(), b.data());
        double alpha = op.alpha();
        double beta = op.beta();
        if (alpha != 1) {
            for (int i = 0; i < out.length; i++) {
                out[i] *= alpha;
            }
        }
        if (c != null && beta != 0) {
            double[] cd = c.data();
            for (int i = 0; i < s.m(); i++) {
                int cRow = (s.rows == 1 ? 0 : i) * s.cols;
                for (int j = 0; j < s.n(); j++) {
                    out[i * s.n() + j] += beta * cd[cRow + (s.cols == 1 ? 0 : j)];
                }
            }
        }
        return DTensor.of(new int[] {s.m(), s.n()}, out);
    }

    /**
     * Gradients {dA, dB, dC} of Gemm: dA' = alpha dY B'^T, dB' = alpha A'^T dY (each transposed back
     * when the operand was), dC = beta dY summed over C's broadcast axes.
     */
    public static DTensor[] gemmBackward(
            Op.Gemm op, DTensor a, DTensor b, DTensor c, DTensor dy, boolean needA, boolean needB, boolean needC) {
        GemmShape s = gemmShape(op, a, b, c);
        double alpha = op.alpha();
        double[] g = dy.data();
        boolean tA = op.transA();
        boolean tB = op.transB();
        DTensor da = null;
        DTensor db = null;
        DTensor dc = null;
        if (needA) {
            // A' = A: dA = dY B'^T (m x k); A' = A^T: dA = B' dY^T (k x m).
            double[] v = tA
                    ? DoubleGemm.multiply(tB, true, s.k(), s.m(), s.n(), b.data(), g)
                    : DoubleGemm.multiply(false, !tB, s.m(), s.k(), s.n(), g, b.data());
            da = DTensor.of(a.dims(), scaled(v, alpha));
        }
        if (needB) {
            // B' = B: dB = A'^T dY (k x n); B' = B^T: dB = dY^T A' (n x k).
            double[] v = tB
                    ? DoubleGemm.multiply(true, tA, s.n(), s.k(), s.m(), g, a.data())
                    : DoubleGemm.multiply(!tA, false, s.k(), s.n(), s.m(), a.data(), g);
            db = DTensor.of(b.dims(), scaled(v, alpha));
        }
        if (needC && c != null) {
            double beta = op.beta();
            double[] d = new double[c.size()];
            for (int i = 0; i < s.m(); i++) {
                int cRow = (s.rows == 1 ? 0 : i) * s.cols;
                for (int j = 0; j < s.n(); j++) {
                    d[cRow + (s.cols == 1 ? 0 : j)] += beta * g[i * s.n() + j];
                }
            }
            dc = DTensor.of(c.dims(), d);
        }
        return new DTensor[] {da, db, dc};
    }

    private static double[] scaled(double[] v, double factor) {
        if (factor != 1) {
            for (int i = 0; i < v.length; i++) {
                v[i] *= factor;
            }
        }
        return v;
    }

    private static MatMulShape matmulShape(DTensor a, DTensor b) {
        return MatMulShape.of(a.dims(), b.dims());
    }

    /** numpy matmul with batch broadcasting. */
    public static DTensor matmul(DTensor a, DTensor b) {
        MatMulShape s = matmulShape(a, b);
        double[] out = new double[s.batches() * s.m() * s.n()];
        DoubleGemm.Scratch scratch = new DoubleGemm.Scratch();
        if (s.foldA()) {
            DoubleGemm.nn(
                    s.batches() * s.m(),
                    s.n(),
                    s.k(),
                    a.data(),
                    0,
                    s.k(),
                    DoubleGemm.rows(b.data(), 0, s.k(), s.n()),
                    out,
                    0,
                    s.n(),
                    scratch);
        } else {
            for (int i = 0; i < s.batches(); i++) {
                DoubleGemm.nn(
                        s.m(),
                        s.n(),
                        s.k(),
                        a.data(),
                        s.aIndex()[i] * s.m() * s.k(),
                        s.k(),
                        DoubleGemm.rows(b.data(), s.bIndex()[i] * s.k() * s.n(), s.k(), s.n()),
                        out,
                        i * s.m() * s.n(),
                        s.n(),
                        scratch);
            }
        }
        return DTensor.of(s.outDims(), out);
    }

    /**
     * Gradients {dA, dB} of MatMul: per batch element dA += dY B^T and dB += A^T dY, summed over the
     * batch elements that read the same (broadcast) matrix.
     */
    public static DTensor[] matmulBackward(DTensor a, DTensor b, DTensor dy, boolean needA, boolean needB) {
        MatMulShape s = matmulShape(a, b);
        double[] g = dy.data();
        double[] da = needA ? new double[a.size()] : null;
        double[] db = needB ? new double[b.size()] : null;
        int mk = s.m() * s.k();
        int kn = s.k() * s.n();
        int mn = s.m() * s.n();
        DoubleGemm.Scratch scratch = new DoubleGemm.Scratch();
        if (s.foldA()) {
            int rows = s.batches() * s.m();
            if (da != null) {
                DoubleGemm.nn(
                        rows,
                        s.k(),
                        s.n(),
                        g,
                        0,
                        s.n(),
                        DoubleGemm.transposedRows(b.data(), 0, s.k(), s.n()),
                        da,
                        0,
                        s.k(),
                        scratch);
            }
            if (db != null) {
                DoubleGemm.tn(
                        s.k(),
                        s.n(),
                        rows,
                        a.data(),
                        0,
                        s.k(),
                        DoubleGemm.rows(g, 0, rows, s.n()),
                        db,
                        0,
                        s.n(),
                        scratch);
            }
        } else {
            for (int i = 0; i < s.batches(); i++) {
                if (da != null) {
                    DoubleGemm.nn(
                            s.m(),
                            s.k(),
                            s.n(),
                            g,
                            i * mn,
                            s.n(),
                            DoubleGemm.transposedRows(b.data(), s.bIndex()[i] * kn, s.k(), s.n()),
                            da,
                            s.aIndex()[i] * mk,
                            s.k(),
                            scratch);
                }
                if (db != null) {
                    DoubleGemm.tn(
                            s.k(),
                            s.n(),
                            s.m(),
                            a.data(),
                            s.aIndex()[i] * mk,
                            s.k(),
                            DoubleGemm.rows(g, i * mn, s.m(), s.n()),
                            db,
                            s.bIndex()[i] * kn,
                            s.n(),
                            scratch);
                }
            }
        }
        return new DTensor[] {da == null ? null : DTensor.of(a.dims(), da), db == null ? null : DTensor.of(b.dims(), db)
        };
    }
}
