package org.bitbudget.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.FloatKernel;

/**
 * ONNX NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (opsets 12 and 13), one descriptor per
 * kind. Input 0 is {@code [N, C, d1..dk]} (log-probabilities, or scores that SoftmaxCrossEntropyLoss
 * turns into log-probabilities along axis 1, its optional second output), input 1 the class of each
 * {@code [N, d1..dk]} sample, input 2 optional per-class weights. A sample whose class is
 * {@code ignore_index} adds nothing and weighs nothing, so "mean" divides by the weight of the samples
 * that count.
 */
final class LossOperator implements OperatorDescriptor<LossOperator.Loss> {
    /** The two losses. */
    enum Kind {
        NEGATIVE_LOG_LIKELIHOOD("NegativeLogLikelihoodLoss"),
        SOFTMAX_CROSS_ENTROPY("SoftmaxCrossEntropyLoss");

        final String onnx;

        Kind(String onnx) {
            this.onnx = onnx;
        }
    }

    /** How the per-sample losses become the output. */
    enum Reduction {
        NONE,
        SUM,
        MEAN
    }

    /**
     * The checked attributes.
     *
     * @param ignoreIndex the class value that marks a sample to ignore, or null when none does
     */
    record Loss(Kind kind, Reduction reduction, Long ignoreIndex) implements Op {
        public String type() {
            return kind.onnx;
        }
    }

    private final Kind kind;

    LossOperator(Kind kind) {
        this.kind = kind;
    }

    @Override
    public String type() {
        return kind.onnx;
    }

    @Override
    public Loss read(OnnxNode n) {
        String r = n.getString("reduction", "mean");
        Reduction reduction;
        try {
            reduction = Reduction.valueOf(r.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw n.error("reduction '" + r + "' is none of none, sum, mean");
        }
        Long ignore = n.has("ignore_index") ? (long) n.getInt("ignore_index", 0) : null;
        return new Loss(kind, reduction, ignore);
    }

    @Override
    public Arity arity(Loss op) {
        return Arity.between(2, 3);
    }

    @Override
    public void write(Loss op, Node node, AttributeWriter out) {
        out.text("reduction", op.reduction().name().toLowerCase(Locale.ROOT));
        if (op.ignoreIndex() != null) {
            out.integer("ignore_index", op.ignoreIndex());
        }
    }

    /** The per-sample shape {@code [N, d1..dk]} of an input of {@code dims}, checked against the target's. */
    private static int[] sampleDims(int[] dims, int[] targetDims, Integer weights) {
        if (dims.length < 2) {
            throw new IllegalArgumentException("the input needs shape [N, C, d1..dk], got rank " + dims.length);
        }
        int[] samples = new int[dims.length - 1];
        samples[0] = dims[0];
        System.arraycopy(dims, 2, samples, 1, dims.length - 2);
        if (!Shape.of(samples).equals(Shape.of(targetDims))) {
            throw new IllegalArgumentException(
                    "the target has shape " + Shape.of(targetDims) + ", the input needs " + Shape.of(samples));
        }
        if (weights != null && weights != dims[1]) {
            throw new IllegalArgumentException("the weights have " + weights + " entries for " + dims[1] + " classes");
        }
        return samples;
    }

    @Override
    public List<ValueType> outputs(Loss op, ShapeInputs in) {
        Shape xs = in.shape(0);
        Shape ws = in.present(2) ? in.shape(2) : null;
        if (ws != null && ws.rank() != 1) {
            throw new IllegalArgumentException("the weights need rank 1, got " + ws);
        }
        int[] samples = sampleDims(xs.dims(), in.shape(1).dims(), ws == null ? null : ws.dim(0));
        List<ValueType> out = new ArrayList<>();
        out.add(in.type(0).withShape(op.reduction() == Reduction.NONE ? Shape.of(samples) : Shape.of()));
        if (kind == Kind.SOFTMAX_CROSS_ENTROPY) {
            out.add(in.type(0));
        }
        return out;
    }

    @Override
    public FloatKernel floatKernel(Loss op, FloatContext ctx) {
        return (in, alloc) -> {
            Tensor x = in[0];
            int[] dims = x.shape().dims();
            Tensor weights = in.length > 2 ? in[2] : null;
            int[] samples = sampleDims(
                    dims,
                    in[1].shape().dims(),
                    weights == null ? null : weights.shape().size());
            double[] logProb = kind == Kind.SOFTMAX_CROSS_ENTROPY ? logSoftmax(x.data(), dims) : toDoubles(x.data());
            Tensor loss = loss(op, logProb, dims, samples, in[1].longs(), weights == null ? null : weights.data());
            Tensor lossTyped = Tensor.of(x.type(), loss.shape(), loss.data());
            if (kind == Kind.NEGATIVE_LOG_LIKELIHOOD) {
                return new Tensor[] {lossTyped};
            }
            float[] lp = new float[logProb.length];
            for (int i = 0; i < lp.length; i++) {
                lp[i] = (float) logProb[i];
            }
            return new Tensor[] {lossTyped, Tensor.of(x.type(), x.shape(), lp)};
        };
    }

    private static double[] toDoubles(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    /** Log-softmax along axis 1 of {@code [N, C, inner...]}. */
    private static double[] logSoftmax(float[] x, int[] dims) {
        int classes = dims[1];
        int inner = Shape.of(dims).size(2, dims.length);
        double[] y = new double[x.length];
        for (int n = 0; n < dims[0]; n++) {
            for (int d = 0; d < inner; d++) {
                int base = n * classes * inner + d;
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    max = Math.max(max, x[base + c * inner]);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    sum += Math.exp(x[base + c * inner] - max);
                }
                double logSum = Math.log(sum) + max;
                for (int c = 0; c < classes; c++) {
                    y[base + c * inner] = x[base + c * inner] - logSum;
                }
            }
        }
        return y;
    }

    private static Tensor loss(Loss op, double[] logProb, int[] dims, int[] samples, long[] target, float[] weight) {
        int classes = dims[1];
        int inner = Shape.of(dims).size(2, dims.length);
        float[] perSample = new float[target.length];
        double sum = 0;
        double weightSum = 0;
        for (int s = 0; s < target.length; s++) {
            long c = target[s];
            if (op.ignoreIndex() != null && c == op.ignoreIndex()) {
                continue;
            }
            if (c < 0 || c >= classes) {
                throw new IllegalArgumentException("target " + c + " is out of range for " + classes + " classes");
            }
            int n = s / inner;
            int d = s % inner;
            double w = weight == null ? 1 : weight[(int) c];
            double l = -logProb[(n * classes + (int) c) * inner + d] * w;
            perSample[s] = (float) l;
            sum += l;
            weightSum += w;
        }
        return switch (op.reduction()) {
            case NONE -> Tensor.of(Shape.of(samples), perSample);
            case SUM -> Tensor.of(Shape.of(), new float[] {(float) sum});
            case MEAN -> Tensor.of(Shape.of(), new float[] {(float) (sum / weightSum)});
        };
    }
}
