package org.bitbudget.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.LayerQuantization;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.AccumulatorAware;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.gradients.DTensor;

/**
 * Quantization-aware fine-tuning with A2Q's weight normalisation (Colbert et al. 2023), as a
 * {@link Trainer.Reparametrization}. Each output channel j of a quantized layer's weight is
 * {@code w = g_j · v / ||v||_1} with a trainable direction v (the initializer, weight decay as usual)
 * and a trainable norm g_j (the extra parameter {@code <weight>/a2q_norm}, no decay), and the forward
 * pass uses {@code ŵ = s_j · q} with codes {@code q = sign(x) · min(floor(|x| + δ), qmax)},
 * {@code x = w / s_j}:
 * <ul>
 *   <li>for a layer with a constrained accumulator (its data-type bound above P), g_j is clamped to
 *       {@code B · s_j} after every step, so {@code ||x||_1 ≤ B}; δ is 1/2 (round to nearest) when those
 *       codes fit B, else the largest δ in [0, 1/2) whose codes fit, found by bisection. δ = 0 is A2Q's
 *       round toward zero, which always fits; so every step's codes satisfy the bound (the
 *       accumulator can never overflow), not only the final ones. Deviation from A2Q, which always
 *       rounds toward zero: from a post-training start whose codes sit on integers, truncation drops
 *       a code at the first downward step, and one epoch of fine-tuning measured worse than the
 *       post-training model (lenet5 W4A4 P = 12: 0.66 against 0.885 on 1,000 images);</li>
 *   <li>other integer layers round to nearest and leave g free: plain weight quantization-aware
 *       training with the same parametrisation, the P = 32 baseline.</li>
 * </ul>
 * Gradients: straight-through through the rounding (zero where the code is clamped at ±qmax), then
 * the exact weight-normalisation Jacobian, {@code dL/dg = Σ G_i v_i / N} and
 * {@code dL/dv_k = (g / N)(G_k − sign(v_k) Σ G_i v_i / N)}, N = ||v||_1.
 *
 * <p>The scales s_j stay fixed at the post-training ones (A2Q learns them too; fixing them keeps
 * this a parametrisation of the weights only, which the {@link Trainer}'s SGD can run). The initial
 * v is the post-training accumulator-aware weight ({@link AccumulatorAware}) and g its L1 norm, so
 * training starts exactly from the post-training model.
 */
public final class A2qWeightNormalization implements Trainer.Reparametrization {
    /** Suffix of the per-channel norm parameter's name. */
    public static final String NORM_SUFFIX = "/a2q_norm";

    /** One reparametrised weight. */
    private record Target(
            String weight,
            int channelAxis,
            int channels,
            int k,
            float[] scales,
            int qmax,
            long budget,
            boolean constrained,
            Tensor initial) {
        int index(int j, int p) {
            return channelAxis == 0 ? j * k + p : p * channels + j;
        }
    }

    private final List<Target> targets;

    private A2qWeightNormalization(List<Target> targets) {
        this.targets = targets;
    }

    /**
     * The parametrisation of every layer of {@code quantized} with signed integer weights, starting
     * from its post-training weights; layers with an accumulator below 32 bits are constrained.
     *
     * @param original the float graph {@code quantized} was made from
     */
    public static A2qWeightNormalization of(Graph original, QuantizedGraph quantized) {
        List<Target> targets = new ArrayList<>();
        for (LayerQuantization lq : quantized.layers()) {
            NumberFormat f = lq.precision().weights().format();
            if (!f.isInteger() || f.unsigned() || f.signOnly()) {
                continue;
            }
            AccumulatorAware.Result a = lq.accumulator();
            int k = a == null ? 0 : a.codes().length / Math.max(a.scales().length, 1);
            // Where even all-max codes fit the budget (data-type bound <= P), nothing needs constraining.
            boolean constrained = a != null && a.budget() < (long) k * f.maxCode();
            if (a == null) {
                // A budget no channel reaches: the plain per-channel codes and scales.
                a = AccumulatorAware.constrain(
                        original.initializers().get(lq.layer().weightName()),
                        QuantizedGraph.channelAxis(lq.layer()),
                        lq.precision().weights(),
                        62,
                        1);
            }
            int channels = a.scales().length;
            targets.add(new Target(
                    lq.layer().weightName(),
                    QuantizedGraph.channelAxis(lq.layer()),
                    channels,
                    a.codes().length / Math.max(channels, 1),
                    a.scales(),
                    f.maxCode(),
                    a.budget(),
                    constrained,
                    a.tensor()));
        }
        return new A2qWeightNormalization(targets);
    }

    /** The names of the reparametrised weights. */
    public List<String> weights() {
        return targets.stream().map(Target::weight).toList();
    }

    @Override
    public Map<String, DTensor> init(Map<String, DTensor> params) {
        Map<String, DTensor> extra = new LinkedHashMap<>();
        for (Target t : targets) {
            DTensor v = DTensor.from(t.initial());
            System.arraycopy(v.data(), 0, params.get(t.weight()).data(), 0, v.size());
            double[] g = new double[t.channels()];
            for (int j = 0; j < t.channels(); j++) {
                for (int p = 0; p < t.k(); p++) {
                    g[j] += Math.abs(v.data()[t.index(j, p)]);
                }
            }
            extra.put(t.weight() + NORM_SUFFIX, DTensor.of(new int[] {t.channels()}, g));
        }
        afterStep(merged(params, extra));
        return extra;
    }

    private static Map<String, DTensor> merged(Map<String, DTensor> a, Map<String, DTensor> b) {
        Map<String, DTensor> m = new LinkedHashMap<>(a);
        m.putAll(b);
        return m;
    }

    @Override
    public Map<String, DTensor> forward(Map<String, DTensor> params) {
        Map<String, DTensor> out = new LinkedHashMap<>();
        for (Target t : targets) {
            DTensor v = params.get(t.weight());
            double[] g = params.get(t.weight() + NORM_SUFFIX).data();
            double[] w = new double[v.size()];
            double[] x = new double[t.k()];
            for (int j = 0; j < t.channels(); j++) {
                double n = norm(t, v.data(), j);
                double s = t.scales()[j];
                for (int p = 0; p < t.k(); p++) {
                    x[p] = n == 0 ? 0 : g[j] * v.data()[t.index(j, p)] / n / s;
                }
                double offset = t.constrained() ? offset(x, t.qmax(), t.budget()) : 0.5;
                for (int p = 0; p < t.k(); p++) {
                    // The float product, as fake quantization stores it.
                    w[t.index(j, p)] = (float) (code(x[p], offset, t.qmax()) * t.scales()[j]);
                }
            }
            out.put(t.weight(), DTensor.of(v.shape(), w));
        }
        return out;
    }

    private static double norm(Target t, double[] v, int j) {
        double n = 0;
        for (int p = 0; p < t.k(); p++) {
            n += Math.abs(v[t.index(j, p)]);
        }
        return n;
    }

    /** sign(x) · min(floor(|x| + offset), qmax): round to nearest at 1/2, toward zero at 0. */
    static int code(double x, double offset, int qmax) {
        int q = (int) Math.min(Math.floor(Math.abs(x) + offset), qmax);
        return x < 0 ? -q : q;
    }

    /**
     * The largest rounding offset in [0, 1/2] whose codes fit the budget: 1/2 (round to nearest)
     * when those fit, else found by bisection; 0 (round toward zero) always fits because
     * ||x||_1 ≤ B.
     */
    static double offset(double[] x, int qmax, long budget) {
        if (sum(x, 0.5, qmax) <= budget) {
            return 0.5;
        }
        double lo = 0;
        double hi = 0.5;
        for (int it = 0; it < 30; it++) {
            double mid = (lo + hi) / 2;
            if (sum(x, mid, qmax) <= budget) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static long sum(double[] x, double offset, int qmax) {
        long sum = 0;
        for (double v : x) {
            sum += Math.abs(code(v, offset, qmax));
        }
        return sum;
    }

    @Override
    public void backward(Map<String, DTensor> params, Map<String, DTensor> forward, Map<String, double[]> gradients) {
        for (Target t : targets) {
            double[] gw = gradients.get(t.weight());
            if (gw == null) {
                continue;
            }
            double[] v = params.get(t.weight()).data();
            double[] g = params.get(t.weight() + NORM_SUFFIX).data();
            double[] dv = new double[v.length];
            double[] dg = new double[t.channels()];
            for (int j = 0; j < t.channels(); j++) {
                double n = norm(t, v, j);
                if (n == 0) {
                    continue;
                }
                double s = t.scales()[j];
                double dot = 0;
                double[] gradW = new double[t.k()];
                for (int p = 0; p < t.k(); p++) {
                    int i = t.index(j, p);
                    double x = g[j] * v[i] / n / s;
                    // Straight-through inside the grid, zero where the code is clamped.
                    gradW[p] = Math.abs(x) < t.qmax() + 0.5 ? gw[i] : 0;
                    dot += gradW[p] * v[i];
                }
                dg[j] = dot / n;
                for (int p = 0; p < t.k(); p++) {
                    int i = t.index(j, p);
                    dv[i] = g[j] / n * (gradW[p] - Math.signum(v[i]) * dot / n);
                }
            }
            gradients.put(t.weight(), dv);
            gradients.put(t.weight() + NORM_SUFFIX, dg);
        }
    }

    @Override
    public void afterStep(Map<String, DTensor> params) {
        for (Target t : targets) {
            double[] g = params.get(t.weight() + NORM_SUFFIX).data();
            for (int j = 0; j < g.length; j++) {
                double limit = t.constrained() ? t.budget() * (double) t.scales()[j] : Double.POSITIVE_INFINITY;
                g[j] = Math.clamp(g[j], 0, limit);
            }
        }
    }
}
