package org.bitbudget.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.bitbudget.data.Classification;
import org.bitbudget.data.metric.Metric;
import org.bitbudget.data.metric.Metrics;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.UnknownNameException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Tensor;

/**
 * How a run scores configs: the {@link Metric} (named, else top-1 with labels and agreement without)
 * and the accuracy target if one was asked for. A target (a max drop in percentage points, a floor
 * {@code accuracy >= X}) applies to the metric's score, so it needs a metric whose score is a share
 * of samples (top1, top5, agreement); with kl, sqnr or mse it is refused.
 *
 * @param metric the metric
 * @param target the accuracy target, or null
 */
record Scoring(Metric metric, AccuracyTarget target) {
    /**
     * The run's scoring.
     *
     * @param metricName the metric's name, or null for the default for {@code data}
     * @param data       the run's data (whether the evaluation set has labels)
     * @param floors     the budgets that are accuracy floors
     * @param maxDrop    the max drop, or null
     * @throws SettingException for an unknown metric, a metric that needs labels the data lack, two
     *                          targets, or a target with a metric that is not a share
     */
    static Scoring of(String metricName, SearchData data, List<String> floors, AccuracyTarget maxDrop) {
        Metric metric = metric(metricName, data);
        List<AccuracyTarget> targets =
                new ArrayList<>(floors.stream().map(AccuracyTarget::floor).toList());
        if (maxDrop != null) {
            targets.add(maxDrop);
        }
        if (targets.size() > 1) {
            throw new SettingException(
                    Setting.MAX_DROP, "give one accuracy target (a max drop or an accuracy floor), not both");
        }
        if (!targets.isEmpty() && !metric.share()) {
            throw new SettingException(
                    Setting.MAX_DROP,
                    "an accuracy target applies to a metric scoring a share of samples (top1, top5, agreement), not "
                            + metric.name());
        }
        return new Scoring(metric, targets.isEmpty() ? null : targets.getFirst());
    }

    private static Metric metric(String name, SearchData data) {
        if (name == null) {
            return Metrics.defaultFor(data.test().labelled());
        }
        Metric m;
        try {
            m = Metrics.of(name);
        } catch (UnknownNameException e) {
            throw new SettingException(Setting.METRIC, e.reason());
        }
        if (m.needsLabels() && !data.test().labelled()) {
            throw new SettingException(
                    Setting.METRIC,
                    m.name(),
                    "needs labels and the evaluation set " + data.test().name()
                            + " has none; agreement, kl, sqnr and mse need none");
        }
        return m;
    }

    /**
     * {@code samples}, with the float model's top-1 predictions as the calibration labels when the
     * calibration set has none (the gradient estimators and label metrics need a class per image).
     */
    static SearchData.Samples withCalibrationLabels(Graph graph, SearchData.Samples samples, int threads) {
        if (samples.calibrationLabels() != null) {
            return samples;
        }
        Tensor logits = FloatEngine.builder(graph).threads(threads).build().predict(samples.calibrationImages());
        return new SearchData.Samples(
                samples.calibrationImages(),
                Classification.predictions(logits),
                samples.evaluationImages(),
                samples.evaluationLabels());
    }
}
