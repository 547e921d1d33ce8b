package org.bitbudget.ops.compute;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/** Reductions over a set of axes (sum, mean, max, min, and any {@link Fold}) and layer normalisation, in float. */
public final class Reductions {
    private Reductions() {}

    /**
     * How the elements of an input map onto a reduction's output: walking the input in row-major
     * order, the output index moves by {@code outStride[a]} when axis {@code a} advances (0 on a
     * reduced axis), so no index array is built.
     *
     * @param dims      the input's dimensions
     * @param outStride per input axis, its stride in the output (0 where reduced)
     * @param outSize   the number of outputs
     * @param count     the number of inputs folded into each output
     */
    public record Plan(int[] dims, int[] outStride, int outSize, int count) {
        /** The plan for reducing the axes marked in {@code reduced} of an input of {@code dims}. */
        public static Plan of(int[] dims, boolean[] reduced) {
            int[] stride = new int[dims.length];
            int size = 1;
            int count = 1;
            for (int a = dims.length - 1; a >= 0; a--) {
                if (reduced[a]) {
                    count *= dims[a];
                } else {
                    stride[a] = size;
                    size *= dims[a];
                }
            }
            return new Plan(dims, stride, size, count);
        }

        /** The output index after the input index whose axis counters are {@code counter} advances by one. */
        public int advance(int[] counter, int o) {
            int next = o;
            for (int a = dims.length - 1; a >= 0; a--) {
                next += outStride[a];
                if (++counter[a] < dims[a]) {
                    return next;
                }
                next -= outStride[a] * dims[a];
                counter[a] = 0;
            }
            return next;
        }
    }

    /**
     * A reduction given as a fold in double: each output starts at {@code identity}, takes
     * {@code step(acc, x)} for each of its inputs in row-major order, and ends as {@code finish(acc)}.
     */
    public record Fold(double identity, DoubleBinaryOperator step, DoubleUnaryOperator finish) {
        /** {@link #finish} of each output after folding {@code in} (one value per input element) by {@code plan}. */
        public double[] apply(Plan plan, double[] in) {
            double[] acc = start(plan);
            int[] counter = new int[plan.dims().length];
            for (int i = 0, o = 0; i < in.length; i++) {
                acc[o] = step.applyAsDouble(acc[o], in[i]);
                o = plan.advance(counter, o);
            }
            return finish(acc);
        }

        /** The same for float input. */
        public double[] apply(Plan plan, float[] in) {
            double[] acc = start(plan);
            int[] counter = new int[plan.dims().length];
            for (int i = 0, o = 0; i < in.length; i++) {
                acc[o] = step.applyAsDouble(acc[o], in[i]);
                o = plan.advance(counter, o);
            }
            return finish(acc);
        }

        private double[] start(Plan plan) {
            double[] acc = new double[plan.outSize()];
            Arrays.fill(acc, identity);
            return acc;
        }

        private double[] finish(double[] acc) {
            for (int o = 0; o < acc.length; o++) {
                acc[o] = finish.applyAsDouble(acc[o]);
            }
            return acc;
        }
    }

    /** The reduction {@code fold} of the axes marked in {@code reduced}, cast to the input's type. */
    public static Tensor fold(Tensor x, boolean[] reduced, Shape outShape, Fold fold) {
        double[] acc = fold.apply(Plan.of(x.shape().dims(), reduced), x.data());
        float[] out = new float[acc.length];
        for (int o = 0; o < out.length; o++) {
            out[o] = x.type().cast((float) acc[o]);
        }
        return Tensor.of(x.type(), outShape, out);
    }

    /** ReduceSum, or ReduceMean with {@code mean}, accumulated in double. */
    public static Tensor sum(Tensor x, boolean[] reduced, Shape outShape, boolean mean) {
        Plan plan = Plan.of(x.shape().dims(), reduced);
        float[] in = x.data();
        double[] acc = new double[plan.outSize()];
        int[] counter = new int[plan.dims().length];
        for (int i = 0, o = 0; i < in.length; i++) {
            acc[o] += in[i];
            o = plan.advance(counter, o);
        }
        float[] out = new float[acc.length];
        double divisor = mean ? plan.count() : 1;
        for (int o = 0; o < out.length; o++) {
            out[o] = (float) (acc[o] / divisor);
        }
        return Tensor.of(outShape, out);
    }

    /** ReduceMax, or ReduceMin without {@code max}; NaN propagates. */
    public static Tensor extreme(Tensor x, boolean[] reduced, Shape outShape, boolean max) {
        Plan plan = Plan.of(x.shape().dims(), reduced);
        float[] in = x.data();
        float[] out = new float[plan.outSize()];
        Arrays.fill(out, max ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
        int[] counter = new int[plan.dims().length];
        for (int i = 0, o = 0; i < in.length; i++) {
            out[o] = max ? Math.max(out[o], in[i]) : Math.min(out[o], in[i]);
            o = plan.advance(counter, o);
        }
        return Tensor.of(outShape, out);
    }

    /**
     * LayerNormalization of {@code rows} rows of {@code x}, each normalised over its own values with a
     * two-pass mean and variance in double. Returns Y, the means and the inverse standard deviations
     * (the last two of {@code statShape}).
     *
     * @param scale the normalised shape's scale, one value per element of a row
     * @param bias  the same for the bias, or null
     */
    public static Tensor[] layerNorm(Tensor x, int rows, Tensor scale, Tensor bias, float epsilon, Shape statShape) {
        float[] in = x.data();
        float[] s = scale.data();
        float[] b = bias == null ? null : bias.data();
        int n = rows == 0 ? 0 : in.length / rows;
        float[] out = new float[in.length];
        float[] means = new float[rows];
        float[] invStds = new float[rows];
        for (int r = 0; r < rows; r++) {
            int base = r * n;
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += in[base + j];
            }
            double mu = sum / n;
            double sumSq = 0;
            for (int j = 0; j < n; j++) {
                double d = in[base + j] - mu;
                sumSq += d * d;
            }
            double inv = 1 / Math.sqrt(sumSq / n + epsilon);
            for (int j = 0; j < n; j++) {
                double v = (in[base + j] - mu) * inv * s[j];
                out[base + j] = (float) (b == null ? v : v + b[j]);
            }
            means[r] = (float) mu;
            invStds[r] = (float) inv;
        }
        return new Tensor[] {Tensor.of(x.shape(), out), Tensor.of(statShape, means), Tensor.of(statShape, invStds)};
    }
}
