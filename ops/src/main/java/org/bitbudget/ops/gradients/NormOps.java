package org.bitbudget.ops.gradients;

import java.util.Arrays;
import org.bitbudget.ir.graph.Op;

/** Batch and layer normalisation, softmax and log-softmax, and their gradients. */
public final class NormOps {
    private NormOps() {}

    /**
     * What a BatchNormalization forward keeps for its backward.
     *
     * @param mean     the per-channel mean it normalised with (batch or running)
     * @param variance the per-channel variance it normalised with (population variance of the batch,
     *                 or running)
     * @param invStd   1 / sqrt(variance + epsilon) per channel
     * @param batch    true when mean and variance came from the batch, so that they depend on x
     */
    public record BatchNormState(double[] mean, double[] variance, double[] invStd, boolean batch) {}

    /**
     * A BatchNormalization result: Y, the updated running mean and variance (null without batch
     * statistics) and the state for the backward pass.
     */
    public record BatchNormResult(DTensor y, DTensor runningMean, DTensor runningVar, BatchNormState state) {}

    /**
     * BatchNormalization over axis 1; with {@code batchStatistics} the mean and population variance
     * over N and the spatial axes replace the running ones.
     */
    public static BatchNormResult batchNorm(
            Op.BatchNorm op,
            DTensor x,
            DTensor scale,
            DTensor bias,
            DTensor mean,
            DTensor var,
            boolean batchStatistics) {
        int[] xs = x.dims();
        if (xs.length < 2) {
            throw new IllegalArgumentException("input " + Arrays.toString(xs) + " has no channel axis");
        }
        int n = xs[0];
        int c = xs[1];
        int inner = x.size(2, xs.length);
        for (DTensor t : new DTensor[] {scale, bias, mean, var}) {
            if (t.size() != c) {
                throw new IllegalArgumentException(
                        "parameter " + Arrays.toString(t.dims()) + " must have " + c + " values");
            }
        }
        double[] in = x.data();
        double[] mu = mean.data().clone();
        double[] sigma2 = var.data().clone();
        if (batchStatistics) {
            long count = (long) n * inner;
            for (int ch = 0; ch < c; ch++) {
                double sum = 0;
                for (int img = 0; img < n; img++) {
                    for (int i = (img * c + ch) * inner, end = i + inner; i < end; i++) {
                        sum += in[i];
                    }
                }
                double m = sum / count;
                double sumSq = 0;
                for (int img = 0; img < n; img++) {
                    for (int i = (img * c + ch) * inner, end = i + inner; i < end; i++) {
                        double d = in[i] - m;
                        sumSq += d * d;
                    }
                }
                mu[ch] = m;
                sigma2[ch] = sumSq / count;
            }
        }
        double[] invStd = new double[c];
        double[] out = new double[in.length];
        double[] s = scale.data();
        double[] b = bias.data();
        for (int ch = 0; ch < c; ch++) {
            invStd[ch] = 1 / Math.sqrt(sigma2[ch] + op.epsilon());
            double mul = s[ch] * invStd[ch];
            double add = b[ch] - mu[ch] * mul;
            for (int img = 0; img < n; img++) {
                for (int i = (img * c + ch) * inner, end = i + inner; i < end; i++) {
                    out[i] = in[i] * mul + add;
                }
            }
        }
        DTensor y = DTensor.of(xs, out);
        BatchNormState state = new BatchNormState(mu, sigma2, invStd, batchStatistics);
        if (!batchStatistics) {
            return new BatchNormResult(y, null, null, state);
        }
        double momentum = op.momentum();
        double[] runMean = new double[c];
        double[] runVar = new double[c];
        for (int ch = 0; ch < c; ch++) {
            runMean[ch] = mean.data()[ch] * momentum + mu[ch] * (1 - momentum);
            runVar[ch] = var.data()[ch] * momentum + sigma2[ch] * (1 - momentum);
        }
        return new BatchNormResult(y, DTensor.of(mean.dims(), runMean), DTensor.of(var.dims(), runVar), state);
    }

    /**
     * Gradients {dX, dScale, dBias} of BatchNormalization. With batch statistics, with x̂ the
     * normalised input, m = N * spatial size and sums over one channel:
     * dX = scale * invStd / m * (m * dY − Σ dY − x̂ Σ dY x̂); with running statistics (constants)
     * dX = scale * invStd * dY. In both, dScale = Σ dY x̂ and dBias = Σ dY.
     */
    public static DTensor[] batchNormBackward(
            DTensor x,
            DTensor scale,
            BatchNormState state,
            DTensor dy,
            boolean needX,
            boolean needScale,
            boolean needBias) {
        int[] xs = x.dims();
        int n = xs[0];
        int c = xs[1];
        int inner = x.size(2, xs.length);
        double[] in = x.data();
        double[] g = dy.data();
        double[] s = scale.data();
        double[] dx = needX ? new double[in.length] : null;
        double[] dScale = new double[c];
        double[] dBias = new double[c];
        double count = (double) n * inner;
        for (int ch = 0; ch < c; ch++) {
            double mu = state.mean()[ch];
            double inv = state.invStd()[ch];
            double sumG = 0;
            double sumGx = 0;
            for (int img = 0; img < n; img++) {
                for (int i = (img * c + ch) * inner, end = i + inner; i < end; i++) {
                    sumG += g[i];
                    sumGx += g[i] * (in[i] - mu) * inv;
                }
            }
            dScale[ch] = sumGx;
            dBias[ch] = sumG;
            if (dx == null) {
                continue;
            }
            double k = s[ch] * inv;
            if (state.batch()) {
                double meanG = sumG / count;
                double meanGx = sumGx / count;
                for (int img = 0; img < n; img++) {
                    for (int i = (img * c + ch) * inner, end = i + inner; i < end; i++) {
                        dx[i] = k * (g[i] - meanG - (in[i] - mu) * inv * meanGx);
                    }
                }
            } else {
                for (int img = 0; img < n; img++) {
                    for (int i = (img * c + ch) * inner, end = i + inner; i < end; i++) {
                        dx[i] = k * g[i];
                    }
                }
            }
        }
        return new DTensor[] {
            dx == null ? null : DTensor.of(xs, dx),
            needScale ? DTensor.of(scale.dims(), dScale) : null,
            needBias ? DTensor.of(scale.dims(), dBias) : null
        };
    }

    /**
     * What a LayerNormalization forward keeps for its backward: per row, the mean and
     * 1 / sqrt(variance + epsilon).
     */
    public record LayerNormState(double[] mean, double[] invStd) {}

    /**
     * LayerNormalization of {@code rows} rows of {@code x} (two-pass mean and population variance per
     * row). Returns Y, the means and the inverse standard deviations as tensors of {@code statDims};
     * the state is in {@link #layerNormState}.
     *
     * @param bias the bias, one value per element of a row, or null
     */
    public static DTensor[] layerNorm(
            DTensor x, int rows, DTensor scale, DTensor bias, double epsilon, int[] statDims) {
        double[] in = x.data();
        double[] s = scale.data();
        double[] b = bias == null ? null : bias.data();
        int n = rows == 0 ? 0 : in.length / rows;
        double[] out = new double[in.length];
        double[] means = new double[rows];
        double[] invStds = new double[rows];
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
                out[base + j] = b == null ? v : v + b[j];
            }
            means[r] = mu;
            invStds[r] = inv;
        }
        return new DTensor[] {DTensor.of(x.dims(), out), DTensor.of(statDims, means), DTensor.of(statDims, invStds)};
    }

    /** The backward state of a {@link #layerNorm} result. */
    public static LayerNormState layerNormState(DTensor[] result) {
        return new LayerNormState(result[1].data(), result[2].data());
    }

    /**
     * Gradients {dX, dScale, dBias} of LayerNormalization. Per row of n values, with x̂ the normalised
     * row and g = dY * scale: dX = invStd * (g − mean(g) − x̂ mean(g x̂)); over all rows,
     * dScale = Σ dY x̂ and dBias = Σ dY.
     */
    public static DTensor[] layerNormBackward(
            DTensor x,
            DTensor scale,
            LayerNormState state,
            DTensor dy,
            boolean needX,
            boolean needScale,
            boolean needBias) {
        double[] in = x.data();
        double[] s = scale.data();
        double[] g = dy.data();
        int rows = state.mean().length;
        int n = rows == 0 ? 0 : in.length / rows;
        double[] dx = needX ? new double[in.length] : null;
        double[] dScale = new double[s.length];
        double[] dBias = new double[s.length];
        for (int r = 0; r < rows; r++) {
            int base = r * n;
            double mu = state.mean()[r];
            double inv = state.invStd()[r];
            double sumG = 0;
            double sumGx = 0;
            for (int j = 0; j < n; j++) {
                double xhat = (in[base + j] - mu) * inv;
                double gs = g[base + j] * s[j];
                sumG += gs;
                sumGx += gs * xhat;
                dScale[j] += g[base + j] * xhat;
                dBias[j] += g[base + j];
            }
            if (dx == null) {
                continue;
            }
            double meanG = sumG / n;
            double meanGx = sumGx / n;
            for (int j = 0; j < n; j++) {
                double xhat = (in[base + j] - mu) * inv;
                dx[base + j] = inv * (g[base + j] * s[j] - meanG - xhat * meanGx);
            }
        }
        return new DTensor[] {
            dx == null ? null : DTensor.of(x.dims(), dx),
            needScale ? DTensor.of(scale.dims(), dScale) : null,
            needBias ? DTensor.of(scale.dims(), dBias) : null
        };
    }

    /** The layout softmax normalises over: {@code outer} groups of {@code length} values {@code inner} apart. */
    private record Groups(int outer, int length, int inner) {}

    private static Groups groups(Op.Softmax op, int[] xs) {
        int rank = xs.length;
        int axis = op.axis() < 0 ? op.axis() + rank : op.axis();
        if (axis < 0 || axis >= Math.max(rank, 1)) {
            throw new IllegalArgumentException("axis " + op.axis() + " is out of range for " + Arrays.toString(xs));
        }
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= xs[i];
        }
        int rest = 1;
        for (int i = axis + 1; i < rank; i++) {
            rest *= xs[i];
        }
        int along = rank == 0 ? 1 : xs[axis];
        return op.coerce2d() ? new Groups(outer, along * rest, 1) : new Groups(outer, along, rest);
    }

    /** Softmax or LogSoftmax ({@link Op.Softmax#log()}) in double. */
    public static DTensor softmax(Op.Softmax op, DTensor x) {
        Groups gr = groups(op, x.dims());
        double[] in = x.data();
        double[] out = new double[in.length];
        for (int o = 0; o < gr.outer; o++) {
            for (int i = 0; i < gr.inner; i++) {
                int base = o * gr.length * gr.inner + i;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < gr.length; j++) {
                    max = Math.max(max, in[base + j * gr.inner]);
                }
                double sum = 0;
                for (int j = 0; j < gr.length; j++) {
                    double e = Math.exp(in[base + j * gr.inner] - max);
                    out[base + j * gr.inner] = e;
                    sum += e;
                }
                double shift = max + Math.log(sum);
                for (int j = 0; j < gr.length; j++) {
                    int at = base + j * gr.inner;
                    out[at] = op.log() ? in[at] - shift : out[at] / sum;
                }
            }
        }
        return DTensor.of(x.dims(), out);
    }

    /**
     * Softmax: dX = Y * (dY − Σ dY Y); LogSoftmax: dX = dY − exp(Y) Σ dY; the sums over each
     * normalised group.
     */
    public static DTensor softmaxBackward(Op.Softmax op, DTensor y, DTensor dy) {
        Groups gr = groups(op, y.dims());
        double[] out = y.data();
        double[] g = dy.data();
        double[] dx = new double[out.length];
        for (int o = 0; o < gr.outer; o++) {
            for (int i = 0; i < gr.inner; i++) {
                int base = o * gr.length * gr.inner + i;
                double dot = 0;
                for (int j = 0; j < gr.length; j++) {
                    int at = base + j * gr.inner;
                    dot += op.log() ? g[at] : g[at] * out[at];
                }
                for (int j = 0; j < gr.length; j++) {
                    int at = base + j * gr.inner;
                    dx[at] = op.log() ? g[at] - Math.exp(out[at]) * dot : out[at] * (g[at] - dot);
                }
            }
        }
        return DTensor.of(y.dims(), dx);
    }
}
