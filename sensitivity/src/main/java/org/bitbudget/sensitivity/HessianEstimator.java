package org.bitbudget.sensitivity;

import java.util.ArrayList;
import java.util.List;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Tensor;

/**
 * {@code hessian} (HAWQ-V2): the average Hessian trace of the loss with respect to the layer's
 * weight times the squared norm of its quantization perturbation,
 *
 * <pre>
 *   score = tr(H_ll) / n_l × ‖Q(W_l) − W_l‖²
 * </pre>
 *
 * where n_l is the number of weights and H_ll the block of the Hessian of the mean cross-entropy over
 * the first {@link SensitivityProblem#hessianImages()} of the problem's images (BatchNorm in
 * inference mode). The trace comes from {@link Hutchinson} with
 * {@link SensitivityProblem#hessianSamples()} Rademacher probes seeded by the problem's seed; the
 * Hessian-vector products are central differences of gradients from the double-precision backward
 * pass. Each row carries the standard error of its score (the trace's standard error scaled the
 * same way). A negative trace estimate (probe noise, or a model away from a minimum where the
 * Hessian has negative curvature) is clamped to 0, so that a score never ranks a format above
 * a wider one of the same layer. Only the weight is scored: activation quantizers do not change the score.
 */
public final class HessianEstimator implements SensitivityEstimator {
    public static final String NAME = "hessian";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SensitivityTable estimate(SensitivityProblem problem, ProgressListener progress) {
        long start = System.nanoTime();
        LossGradients gradients = new LossGradients(problem.head(problem.hessianImages()));
        double[][] w = gradients.weights();
        Hutchinson.Estimate h = Hutchinson.trace(
                at -> {
                    progress.checkpoint();
                    return gradients.mean(at);
                },
                w,
                problem.hessianSamples(),
                problem.seed(),
                Hutchinson.DEFAULT_RELATIVE_STEP);
        Graph graph = problem.graph();
        List<Layer> layers = gradients.layers();
        List<SensitivityRow> rows = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            Layer layer = layers.get(l);
            Tensor weight = graph.initializers().get(layer.weightName());
            double perWeight = Math.max(0, h.trace()[l]) / layer.weightParams();
            double sePerWeight = h.standardError()[l] / layer.weightParams();
            for (Precision p : problem.precisions().get(layer.name())) {
                double delta = 0;
                if (p.weights().quantizes()) {
                    Tensor q = QuantizedGraph.quantizedWeight(layer, weight, p);
                    delta = RoundoffEstimator.squaredError(weight, q);
                }
                rows.add(new SensitivityRow(
                        layer.name(), NAME, p, perWeight * delta, 0, sePerWeight * delta, Double.NaN, Double.NaN));
                progress.scored(NAME, layer.name(), p);
            }
        }
        double share = (System.nanoTime() - start) / 1e9 / Math.max(1, rows.size());
        return new SensitivityTable(rows.stream().map(r -> r.withSeconds(share)).toList());
    }
}
