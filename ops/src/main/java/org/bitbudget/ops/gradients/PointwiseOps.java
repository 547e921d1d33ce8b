package org.bitbudget.ops.gradients;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.bitbudget.ops.compute.Broadcast;

/**
 * The double twins of {@link org.bitbudget.ops.compute.Pointwise} and their gradients: element-wise
 * functions given as a scalar formula and a scalar derivative, with gradients of broadcast operands
 * summed over the axes along which they were broadcast.
 */
public final class PointwiseOps {
    private PointwiseOps() {}

    /** The derivative of a unary function at x, given also y = f(x). */
    @FunctionalInterface
    public interface Derivative {
        /** dy/dx at {@code x}, where the function's value is {@code y}. */
        double at(double x, double y);
    }

    /** The partial derivatives of a binary function. */
    @FunctionalInterface
    public interface Partial {
        /** ∂f/∂(one operand) at {@code (a, b)}, where the function's value is {@code y}. */
        double at(double a, double b, double y);
    }

    public static DTensor unary(DTensor x, DoubleUnaryOperator f) {
        double[] in = x.data();
        double[] out = new double[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = f.applyAsDouble(in[i]);
        }
        return DTensor.of(x.dims(), out);
    }

    /** dX = dY · f'(x). */
    public static DTensor unaryBackward(DTensor x, DTensor y, DTensor dy, Derivative d) {
        double[] in = x.data();
        double[] out = y.data();
        double[] g = dy.data();
        double[] dx = new double[in.length];
        for (int i = 0; i < in.length; i++) {
            dx[i] = g[i] * d.at(in[i], out[i]);
        }
        return DTensor.of(x.dims(), dx);
    }

    public static DTensor binary(DTensor a, DTensor b, DoubleBinaryOperator f) {
        double[] x = a.data();
        double[] y = b.data();
        if (Arrays.equals(a.dims(), b.dims())) {
            double[] out = new double[x.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = f.applyAsDouble(x[i], y[i]);
            }
            return DTensor.of(a.dims(), out);
        }
        int[] outDims = Broadcast.shape(a.dims(), b.dims());
        int[] ai = Broadcast.sourceIndices(outDims, a.dims());
        int[] bi = Broadcast.sourceIndices(outDims, b.dims());
        double[] out = new double[ai.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(x[ai[i]], y[bi[i]]);
        }
        return DTensor.of(outDims, out);
    }

    /** {dA, dB} (each null when {@code da} or {@code db} is null), from y = f(a, b) and dY. */
    public static DTensor[] binaryBackward(DTensor a, DTensor b, DTensor y, DTensor dy, Partial da, Partial db) {
        int[] outDims = dy.dims();
        int[] ai = Broadcast.sourceIndices(outDims, a.dims());
        int[] bi = Broadcast.sourceIndices(outDims, b.dims());
        double[] x = a.data();
        double[] z = b.data();
        double[] v = y.data();
        double[] g = dy.data();
        double[] ga = da == null ? null : new double[x.length];
        double[] gb = db == null ? null : new double[z.length];
        for (int i = 0; i < g.length; i++) {
            double p = x[ai[i]];
            double q = z[bi[i]];
            if (ga != null) {
                ga[ai[i]] += g[i] * da.at(p, q, v[i]);
            }
            if (gb != null) {
                gb[bi[i]] += g[i] * db.at(p, q, v[i]);
            }
        }
        return new DTensor[] {ga == null ? null : DTensor.of(a.dims(), ga), gb == null ? null : DTensor.of(b.dims(), gb)
        };
    }

    /** {@code f} folded over all inputs from the left with broadcasting (ONNX Min, Max). */
    public static DTensor fold(DTensor[] in, DoubleBinaryOperator f) {
        DTensor acc = in[0];
        for (int i = 1; i < in.length; i++) {
            acc = binary(acc, in[i], f);
        }
        return acc;
    }

    /**
     * Gradients of Min or Max over all inputs: each output element's gradient goes to the first
     * input that holds the selected value (a subgradient where inputs tie), summed over broadcast axes.
     */
    public static DTensor[] selectBackward(DTensor[] in, DTensor y, DTensor dy, boolean[] need) {
        int[] outDims = dy.dims();
        double[] v = y.data();
        double[] g = dy.data();
        int[][] index = new int[in.length][];
        double[][] grads = new double[in.length][];
        for (int k = 0; k < in.length; k++) {
            index[k] = Broadcast.sourceIndices(outDims, in[k].dims());
            grads[k] = new double[in[k].size()];
        }
        for (int i = 0; i < g.length; i++) {
            for (int k = 0; k < in.length; k++) {
                if (in[k].data()[index[k][i]] == v[i]) {
                    grads[k][index[k][i]] += g[i];
                    break;
                }
            }
        }
        DTensor[] out = new DTensor[in.length];
        for (int k = 0; k < in.length; k++) {
            out[k] = k < need.length && need[k] ? DTensor.of(in[k].dims(), grads[k]) : null;
        }
        return out;
    }

    /**
     * Gradients of a sum of all inputs scaled by {@code scale} (ONNX Sum, Mean): each input gets
     * {@code scale · dy}, summed over the axes it was broadcast along.
     */
    public static DTensor[] sumBackward(DTensor[] in, DTensor dy, double scale, boolean[] need) {
        DTensor[] out = new DTensor[in.length];
        double[] g = dy.data();
        for (int k = 0; k < in.length; k++) {
            if (k >= need.length || !need[k]) {
                continue;
            }
            int[] index = Broadcast.sourceIndices(dy.dims(), in[k].dims());
            double[] grad = new double[in[k].size()];
            for (int i = 0; i < g.length; i++) {
                grad[index[i]] += scale * g[i];
            }
            out[k] = DTensor.of(in[k].dims(), grad);
        }
        return out;
    }

    public static DTensor where(DTensor condition, DTensor x, DTensor y) {
        int[] outDims = Broadcast.shape(condition.dims(), Broadcast.shape(x.dims(), y.dims()));
        int[] ci = Broadcast.sourceIndices(outDims, condition.dims());
        int[] xi = Broadcast.sourceIndices(outDims, x.dims());
        int[] yi = Broadcast.sourceIndices(outDims, y.dims());
        double[] out = new double[ci.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = condition.data()[ci[i]] != 0 ? x.data()[xi[i]] : y.data()[yi[i]];
        }
        return DTensor.of(outDims, out);
    }

    /** {null, dX, dY} of Where: dY goes to X where the condition holds, to Y elsewhere. */
    public static DTensor[] whereBackward(
            DTensor condition, DTensor x, DTensor y, DTensor dy, boolean needX, boolean needY) {
        int[] outDims = dy.dims();
        int[] ci = Broadcast.sourceIndices(outDims, condition.dims());
        int[] xi = Broadcast.sourceIndices(outDims, x.dims());
        int[] yi = Broadcast.sourceIndices(outDims, y.dims());
        double[] g = dy.data();
        double[] gx = new double[x.size()];
        double[] gy = new double[y.size()];
        for (int i = 0; i < g.length; i++) {
            if (condition.data()[ci[i]] != 0) {
                gx[xi[i]] += g[i];
            } else {
                gy[yi[i]] += g[i];
            }
        }
        return new DTensor[] {null, needX ? DTensor.of(x.dims(), gx) : null, needY ? DTensor.of(y.dims(), gy) : null};
    }
}
