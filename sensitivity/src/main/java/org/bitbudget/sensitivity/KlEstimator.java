package org.bitbudget.sensitivity;

import org.bitbudget.data.metric.KlMetric;

/**
 * {@code kl}: the mean over the problem's images of KL(softmax(float logits) ‖ softmax(logits with
 * only the layer quantized)), in nats; needs no labels. It is {@code measured} with the metric
 * {@code kl} whatever the problem's metric, on the same single-layer runs (an {@code all} run computes
 * them once for {@code output-mse}, {@code kl} and {@code measured}); rows also carry the top-1
 * accuracy against the problem's labels and its drop, as {@code measured}'s do.
 */
public final class KlEstimator implements SensitivityEstimator {
    public static final String NAME = "kl";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SensitivityTable estimate(SensitivityProblem problem, ProgressListener progress) {
        return MeasuredEstimator.damage(problem, NAME, new KlMetric(), progress);
    }
}
