package org.bitbudget.ops.compute;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/**
 * Float kernels of the element-wise functions that are given as a scalar formula (activations,
 * elementary functions, comparisons, Min/Max and Where): each computes in double, rounds once to
 * float and writes one output array; binary ones broadcast as numpy does ({@link Broadcast}).
 */
public final class Pointwise {
    private Pointwise() {}

    /** {@code f} of each element, cast to {@code type}. */
    public static Tensor unary(Tensor x, DataType type, DoubleUnaryOperator f) {
        float[] in = x.data();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = type.cast((float) f.applyAsDouble(in[i]));
        }
        return Tensor.of(type, x.shape(), out);
    }

    /** {@code f(a, b)} with numpy broadcasting, cast to {@code type}. */
    public static Tensor binary(Tensor a, Tensor b, DataType type, DoubleBinaryOperator f) {
        float[] x = a.data();
        float[] y = b.data();
        if (a.shape().equals(b.shape())) {
            float[] out = new float[x.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = type.cast((float) f.applyAsDouble(x[i], y[i]));
            }
            return Tensor.of(type, a.shape(), out);
        }
        int[] outDims = Broadcast.shape(a.shape().dims(), b.shape().dims());
        float[] out;
        if (y.length == 1 && x.length == Shape.of(outDims).size()) {
            // A scalar operand (Pow's exponent, a comparison with a constant) needs no index arrays.
            out = new float[x.length];
            double s = y[0];
            for (int i = 0; i < out.length; i++) {
                out[i] = type.cast((float) f.applyAsDouble(x[i], s));
            }
        } else {
            int[] ai = Broadcast.sourceIndices(outDims, a.shape().dims());
            int[] bi = Broadcast.sourceIndices(outDims, b.shape().dims());
            out = new float[ai.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = type.cast((float) f.applyAsDouble(x[ai[i]], y[bi[i]]));
            }
        }
        return Tensor.of(type, Shape.of(outDims), out);
    }

    /** {@code f} folded over all inputs from the left, broadcasting as it goes (ONNX Min, Max). */
    public static Tensor fold(Tensor[] in, DoubleBinaryOperator f) {
        Tensor acc = in[0];
        for (int i = 1; i < in.length; i++) {
            acc = binary(acc, in[i], acc.type(), f);
        }
        return acc;
    }

    /** ONNX Where: {@code x} where {@code condition} is true, else {@code y}, all three broadcast. */
    public static Tensor where(Tensor condition, Tensor x, Tensor y) {
        int[] outDims = Broadcast.shape(
                condition.shape().dims(),
                Broadcast.shape(x.shape().dims(), y.shape().dims()));
        int[] ci = Broadcast.sourceIndices(outDims, condition.shape().dims());
        int[] xi = Broadcast.sourceIndices(outDims, x.shape().dims());
        int[] yi = Broadcast.sourceIndices(outDims, y.shape().dims());
        float[] c = condition.data();
        float[] a = x.data();
        float[] b = y.data();
        float[] out = new float[ci.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = c[ci[i]] != 0 ? a[xi[i]] : b[yi[i]];
        }
        return Tensor.of(x.type(), Shape.of(outDims), out);
    }

    /**
     * The error function to about 1e-15 relative: {@code 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (2n+1)!!},
     * a series of positive terms (so no cancellation) that converges for every x; beyond |x| = 6
     * erf is ±1 in double. Java has no erf of its own, and the finite-difference gradient checks
     * need it far more exact than float.
     */
    public static double erf(double x) {
        double ax = Math.abs(x);
        if (ax >= 6) {
            return Math.signum(x);
        }
        double x2 = ax * ax;
        double term = ax;
        double sum = ax;
        for (int n = 1; term > sum * 1e-17; n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
        }
        return Math.copySign(Math.min(1, 2 / Math.sqrt(Math.PI) * Math.exp(-x2) * sum), x);
    }
}
