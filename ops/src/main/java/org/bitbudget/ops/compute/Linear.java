package org.bitbudget.ops.compute;

import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.sgemm.Sgemm;

/** Gemm and MatMul on top of {@link Sgemm}. */
public final class Linear {
    private Linear() {}

    /** A row-major copy of the transpose of a 2-D matrix. */
    public static float[] transpose(float[] v, int rows, int cols) {
        float[] t = new float[v.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = v[r * cols + c];
            }
        }
        return t;
    }

    /**
     * ONNX Gemm, then {@code activation} on the result.
     *
     * @param bKN        B as a row-major K x N matrix (already transposed when transB is set), or null
     *                   to derive it from {@code b}
     * @param activation a Relu or Clip fused into this Gemm, or null
     */
    public static Tensor gemm(
            Op.Gemm op, Tensor a, Tensor b, float[] bKN, Tensor c, Sgemm sgemm, Activation activation) {
        Shape as = a.shape();
        Shape bs = b.shape();
        if (as.rank() != 2 || bs.rank() != 2) {
            throw new IllegalArgumentException("Gemm needs 2-D inputs, got " + as + " and " + bs);
        }
        int m = op.transA() ? as.dim(1) : as.dim(0);
        int k = op.transA() ? as.dim(0) : as.dim(1);
        int kb = op.transB() ? bs.dim(1) : bs.dim(0);
        int n = op.transB() ? bs.dim(0) : bs.dim(1);
        if (k != kb) {
            throw new IllegalArgumentException("inner dimensions differ: A " + as + (op.transA() ? " (transposed)" : "")
                    + " and B " + bs + (op.transB() ? " (transposed)" : ""));
        }
        float[] am = op.transA() ? transpose(a.data(), as.dim(0), as.dim(1)) : a.data();
        float[] bm = bKN != null ? bKN : op.transB() ? transpose(b.data(), bs.dim(0), bs.dim(1)) : b.data();
        float[] out = new float[m * n];
        boolean plain = op.alpha() == 1f && (c == null || op.beta() == 1f);
        if (plain && c != null) {
            broadcastInto(c, m, n, 1f, out);
        }
        sgemm.multiplyAdd(m, n, k, am, 0, k, bm, 0, n, out, 0, n);
        if (!plain) {
            for (int i = 0; i < out.length; i++) {
                out[i] *= op.alpha();
            }
            if (c != null && op.beta() != 0f) {
                float[] cb = new float[m * n];
                broadcastInto(c, m, n, op.beta(), cb);
                for (int i = 0; i < out.length; i++) {
                    out[i] += cb[i];
                }
            }
        }
        if (activation != null) {
            activation.applyInPlace(out, 0, out.length);
        }
        return Tensor.of(Shape.of(m, n), out);
    }

    private static void broadcastInto(Tensor c, int m, int n, float scale, float[] out) {
        Shape cs = c.shape();
        int rows = cs.rank() == 2 ? cs.dim(0) : 1;
        int cols = cs.rank() >= 1 ? cs.dim(-1) : 1;
        if (cs.rank() > 2 || (rows != 1 && rows != m) || (cols != 1 && cols != n)) {
            throw new IllegalArgumentException("C " + cs + " does not broadcast to [" + m + ", " + n + "]");
        }
        float[] cd = c.data();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                out[i * n + j] = scale * cd[(rows == 1 ? 0 : i) * cols + (cols == 1 ? 0 : j)];
            }
        }
    }

    /** numpy matmul with batch broadcasting; a 2-D B folds every leading axis of A into rows. */
    public static Tensor matmul(Tensor a, Tensor b, Sgemm sgemm) {
        MatMulShape s = MatMulShape.of(a.shape().dims(), b.shape().dims());
        int m = s.m();
        int k = s.k();
        int n = s.n();
        float[] out = new float[s.batches() * m * n];
        if (s.foldA()) {
            sgemm.multiplyAdd(s.batches() * m, n, k, a.data(), 0, k, b.data(), 0, n, out, 0, n);
        } else {
            for (int i = 0; i < s.batches(); i++) {
                sgemm.multiplyAdd(
                        m,
                        n,
                        k,
                        a.data(),
                        s.aIndex()[i] * m * k,
                        k,
                        b.data(),
                        s.bIndex()[i] * k * n,
                        n,
                        out,
                        i * m * n,
                        n);
            }
        }
        return Tensor.of(Shape.of(s.outDims()), out);
    }
}
