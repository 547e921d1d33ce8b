package org.bitbudget.pipeline;

import org.bitbudget.data.metric.Metric;

/**
 * How a run's returned config stands: against the float model (the drop), against the strategy's own
 * pick (whether a measured config beat it, {@link GuaranteePhase}), against the best uniform config
 * that meets every budget, and against the accuracy target if there is one. Scores are by the run's
 * metric; drops are in its direction (positive: worse than float, also for a metric where lower is
 * better).
 *
 * @param metric                the metric the scores are by
 * @param floatScore            the float model's calibration score
 * @param floatAccuracy         the float model's top-1 accuracy on the evaluation set (NaN without labels)
 * @param floatEvaluationScore  the float model's score on the evaluation set
 * @param score                 the returned config's calibration score
 * @param strategyScore         the strategy's pick's calibration score
 * @param replacedBy            null when the strategy's pick is returned, else what measured the config
 *                              that beat it ({@code uniform int4}, {@code pareto}, {@code greedy}, …)
 * @param bestUniform           the feasible uniform config with the best calibration score (ties: the
 *                              cheaper), or null when none meets every budget or none was measured
 * @param target                the accuracy target, or null when the run maximised the score under budgets
 * @param searchMeasured        how many configs the search phase measured on the calibration images (the
 *                              refinement's candidates, a measured fitness's population, an accuracy
 *                              target's checks); 0 for a search on predictions alone
 */
public record Outcome(
        Metric metric,
        double floatScore,
        double floatAccuracy,
        double floatEvaluationScore,
        double score,
        double strategyScore,
        String replacedBy,
        MeasuredPoint bestUniform,
        AccuracyTarget target,
        int searchMeasured) {

    /** Whether a measured config beat the strategy's pick and was returned instead. */
    public boolean replaced() {
        return replacedBy != null;
    }

    /** The drop from the float model on the calibration images (positive: worse than float). */
    public double calibrationDrop() {
        return drop(floatScore, score);
    }

    /** How much worse {@code score} is than {@code floatScore} in the metric's direction. */
    public double drop(double floatScore, double score) {
        return metric.utility(floatScore) - metric.utility(score);
    }
}
