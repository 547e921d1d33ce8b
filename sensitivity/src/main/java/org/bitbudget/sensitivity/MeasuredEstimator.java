package org.bitbudget.sensitivity;

import java.util.ArrayList;
import java.util.List;
import org.bitbudget.data.metric.Metric;
import org.bitbudget.data.metric.Top1Metric;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/**
 * {@code measured}: the ground truth the other estimators approximate. With only the layer
 * quantized (every other layer float), the model runs on the problem's images; the score is the
 * damage by the problem's metric ({@link org.bitbudget.data.metric.Metric#damage}: for the default
 * {@code top1}, the increase of the mean softmax cross-entropy over the float model's; for {@code kl}
 * the KL divergence from the float model, for {@code agreement} the share of changed predictions),
 * and each row also carries the top-1 accuracy and its drop from the float model's (first largest
 * logit wins ties, as {@code eval} counts).
 */
public final class MeasuredEstimator implements SensitivityEstimator {
    public static final String NAME = "measured";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SensitivityTable estimate(SensitivityProblem problem, ProgressListener progress) {
        return damage(problem, NAME, problem.metric(), progress);
    }

    /**
     * The rows of {@code estimator}: per cell, the damage by {@code metric} of the model with only
     * that layer quantized, with the top-1 accuracy and its drop (the work shared with every
     * estimator that scores single-layer runs by a metric).
     */
    static SensitivityTable damage(
            SensitivityProblem problem, String estimator, Metric metric, ProgressListener progress) {
        SingleLayerRuns.Result r = SingleLayerRuns.run(problem, estimator, progress);
        int[] labels = problem.labels();
        Shape shape = Shape.of(labels.length, r.classes());
        Tensor baseline = Tensor.of(shape, r.baseline());
        Metric top1 = new Top1Metric();
        double baseAccuracy = top1.score(baseline, baseline, labels);
        List<SensitivityRow> rows = new ArrayList<>();
        for (int i = 0; i < r.cells().size(); i++) {
            SingleLayerRuns.Cell cell = r.cells().get(i);
            Tensor logits = Tensor.of(shape, r.logits()[i]);
            double accuracy = top1.score(logits, baseline, labels);
            rows.add(new SensitivityRow(
                    cell.layer().name(),
                    estimator,
                    cell.precision(),
                    metric.damage(logits, baseline, labels),
                    r.cellSeconds(i),
                    Double.NaN,
                    accuracy,
                    baseAccuracy - accuracy));
        }
        return new SensitivityTable(rows);
    }
}
