package org.bitbudget.ops.compute;

import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/** Batch normalisation, softmax and log-softmax. */
public final class NormalizationOps {
    private NormalizationOps() {}

    /**
     * BatchNormalization over axis 1. Returns Y, and in training mode also the updated running mean
     * and variance (population variance of the batch, as ONNX defines).
     */
    public static Tensor[] batchNorm(Op.BatchNorm op, Tensor x, Tensor scale, Tensor bias, Tensor mean, Tensor var) {
        Shape xs = x.shape();
        if (xs.rank() < 2) {
            throw new IllegalArgumentException("input " + xs + " has no channel axis");
        }
        int n = xs.dim(0);
        int c = xs.dim(1);
        int inner = xs.size(2, xs.rank());
        for (Tensor t : new Tensor[] {scale, bias, mean, var}) {
            if (t.shape().size() != c) {
                throw new IllegalArgumentException("parameter " + t.shape() + " must have " + c + " values");
            }
        }
        float[] in = x.data();
        float[] out = new float[in.length];
        float[] batchMean = mean.data();
        float[] batchVar = var.data();
        if (op.training()) {
            batchMean = new float[c];
            batchVar = new float[c];
            for (int ch = 0; ch < c; ch++) {
                double sum = 0;
                double sumSq = 0;
                for (int img = 0; img < n; img++) {
                    int base = (img * c + ch) * inner;
                    for (int i = 0; i < inner; i++) {
                        sum += in[base + i];
                    }
                }
                double mu = sum / ((long) n * inner);
                for (int img = 0; img < n; img++) {
                    int base = (img * c + ch) * inner;
                    for (int i = 0; i < inner; i++) {
                        double d = in[base + i] - mu;
                        sumSq += d * d;
                    }
                }
                batchMean[ch] = (float) mu;
                batchVar[ch] = (float) (sumSq / ((long) n * inner));
            }
        }
        float[] s = scale.data();
        float[] b = bias.data();
        for (int ch = 0; ch < c; ch++) {
            float inv = (float) (1.0 / Math.sqrt((double) batchVar[ch] + op.epsilon()));
            float mul = s[ch] * inv;
            float add = b[ch] - batchMean[ch] * mul;
            for (int img = 0; img < n; img++) {
                int base = (img * c + ch) * inner;
                for (int i = 0; i < inner; i++) {
                    out[base + i] = in[base + i] * mul + add;
                }
            }
        }
        Tensor y = Tensor.of(xs, out);
        if (!op.training()) {
            return new Tensor[] {y};
        }
        float[] runMean = new float[c];
        float[] runVar = new float[c];
        for (int ch = 0; ch < c; ch++) {
            runMean[ch] = mean.data()[ch] * op.momentum() + batchMean[ch] * (1 - op.momentum());
            runVar[ch] = var.data()[ch] * op.momentum() + batchVar[ch] * (1 - op.momentum());
        }
        return new Tensor[] {y, Tensor.of(mean.shape(), runMean), Tensor.of(var.shape(), runVar)};
    }

    /** Softmax or LogSoftmax ({@link Op.Softmax#log()}) over the groups {@code op} names. */
    public static Tensor softmax(Op.Softmax op, Tensor x) {
        Shape xs = x.shape();
        int rank = xs.rank();
        int axis = op.axis() < 0 ? op.axis() + rank : op.axis();
        if (axis < 0 || axis >= Math.max(rank, 1)) {
            throw new IllegalArgumentException("axis " + op.axis() + " is out of range for " + xs);
        }
        int outer = xs.size(0, axis);
        int length = op.coerce2d() ? xs.size(axis, rank) : xs.dim(axis);
        int inner = op.coerce2d() ? 1 : xs.size(axis + 1, rank);
        float[] in = x.data();
        float[] out = new float[in.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * length * inner + i;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < length; j++) {
                    max = Math.max(max, in[base + j * inner]);
                }
                double sum = 0;
                for (int j = 0; j < length; j++) {
                    double e = Math.exp(in[base + j * inner] - max);
                    out[base + j * inner] = (float) e;
                    sum += e;
                }
                if (op.log()) {
                    // x - max - log(sum), so large inputs neither overflow nor lose the small terms.
                    double shift = max + Math.log(sum);
                    for (int j = 0; j < length; j++) {
                        out[base + j * inner] = (float) (in[base + j * inner] - shift);
                    }
                } else {
                    for (int j = 0; j < length; j++) {
                        out[base + j * inner] = (float) (out[base + j * inner] / sum);
                    }
                }
            }
        }
        return Tensor.of(xs, out);
    }
}
