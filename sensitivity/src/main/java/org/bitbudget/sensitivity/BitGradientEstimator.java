package org.bitbudget.sensitivity;

import java.util.ArrayList;
import java.util.List;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.Clipping;
import org.bitbudget.ir.quant.IntegerFormat;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.RangeSearch;

/**
 * {@code bit-gradient} (BMPQ): how much loss gradient reaches the bit positions a format drops.
 *
 * <p>Each weight is read as its 8-bit integer code in sign-magnitude form, w = sign(w) · s_c ·
 * Σ_{i=0}^{6} b_i 2^i with |q| = round(|w| / s_c) and s_c the per-channel symmetric {@code max}
 * scale of int8 (max|w_c| / 127). By the chain rule (the straight-through estimator treats the
 * rounding as identity) the gradient reaching bit plane i of weight w is
 * ∂L/∂b_i = ∂L/∂w · sign(w) · s_c · 2^i. A b-bit format keeps the sign and the b − 1 high magnitude
 * planes, so it removes the low 8 − b planes, and the score is their gradient mass
 *
 * <pre>
 *   score(b) = (1 / n_l) · mean over batches of Σ_w Σ_{i &lt; 8−b} |∂L/∂b_i|
 *            = (1 / n_l) · mean_batches Σ_w |∂L/∂w| s_c (2^{8−b} − 1)
 * </pre>
 *
 * with ∂L/∂w the gradient of each calibration batch's mean loss ({@link SensitivityProblem#batchSize()}
 * images) and n_l the layer's number of weights. Every term is in units of loss per unit change
 * of one bit; dividing by n_l makes the score the mean gradient reaching one removed bit of one
 * weight, as BMPQ's per-layer bit sensitivity averages over the layer's weights, so layers of very
 * different sizes compare (the sum would rank layers mostly by their size). Formats of 8 or more
 * bits score 0; a minifloat with m mantissa bits counts as b = m + 2 ({@link #bits}). Only the weight is scored:
 * activation quantizers do not change the score.
 */
public final class BitGradientEstimator implements SensitivityEstimator {
    public static final String NAME = "bit-gradient";
    /** Bits of the reference integer code. */
    public static final int CODE_BITS = 8;

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Bits a format keeps, as this estimator counts them: an integer format's width; for a minifloat
     * with m mantissa bits, m + 2 (its relative step 2^−m matches that of a (m + 2)-bit integer at
     * full scale, 2^−(b−1)).
     */
    static int bits(NumberFormat format) {
        return format.precisionBits();
    }

    /** The per-weight int8 scale s_c of a layer's weight (channels on {@code channelAxis}). */
    static double[] scales(float[] w, int[] shape, int channelAxis) {
        int channels = shape.length == 0 ? 1 : shape[channelAxis];
        int k = w.length / Math.max(1, channels);
        double[] out = new double[w.length];
        float[] group = new float[k];
        IntegerFormat int8 = IntegerFormat.symmetric(CODE_BITS);
        for (int c = 0; c < channels; c++) {
            for (int j = 0; j < k; j++) {
                group[j] = w[index(c, j, k, channels, channelAxis)];
            }
            float s = RangeSearch.choose(group, k, int8, Clipping.MAX).scale();
            for (int j = 0; j < k; j++) {
                out[index(c, j, k, channels, channelAxis)] = s;
            }
        }
        return out;
    }

    private static int index(int channel, int j, int k, int channels, int channelAxis) {
        return channelAxis == 0 ? channel * k + j : j * channels + channel;
    }

    @Override
    public SensitivityTable estimate(SensitivityProblem problem, ProgressListener progress) {
        long start = System.nanoTime();
        LossGradients gradients = new LossGradients(problem);
        double[][][] perBatch = gradients.perBatch(null);
        List<Layer> layers = gradients.layers();
        List<SensitivityRow> rows = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            Layer layer = layers.get(l);
            float[] weight =
                    problem.graph().initializers().get(layer.weightName()).data();
            double[] s = scales(weight, layer.weightShape().dims(), QuantizedGraph.channelAxis(layer));
            double mass = 0;
            for (double[][] batch : perBatch) {
                double[] g = batch[l];
                for (int i = 0; i < g.length; i++) {
                    mass += Math.abs(g[i]) * s[i];
                }
            }
            mass /= perBatch.length * (double) weight.length;
            for (Precision p : problem.precisions().get(layer.name())) {
                double score = 0;
                if (p.weights().quantizes()) {
                    int b = bits(p.weights().format());
                    score = b >= CODE_BITS ? 0 : mass * (Math.pow(2, CODE_BITS - b) - 1);
                }
                rows.add(SensitivityRow.of(layer.name(), NAME, p, score, 0));
                progress.scored(NAME, layer.name(), p);
            }
        }
        double share = (System.nanoTime() - start) / 1e9 / Math.max(1, rows.size());
        return new SensitivityTable(rows.stream().map(r -> r.withSeconds(share)).toList());
    }
}
