package org.bitbudget.pipeline;

/**
 * How a run's returned config stands: against the float model (the drop), against the strategy's own
 * pick (whether a measured config beat it, {@link GuaranteePhase}), against the best uniform config
 * that meets every budget, and against the accuracy target if there is one.
 *
 * @param floatScore    the float model's calibration score
 * @param floatAccuracy the float model's accuracy on the evaluation split
 * @param score         the returned config's calibration score
 * @param strategyScore the strategy's pick's calibration score
 * @param replacedBy    null when the strategy's pick is returned, else what measured the config that beat
 *                      it ({@code uniform int4}, {@code pareto}, {@code greedy}, {@code ga population}, …)
 * @param bestUniform   the feasible uniform config with the best calibration score (ties: the cheaper),
 *                      or null when none meets every budget or none was measured
 * @param target        the accuracy target, or null when the run maximised accuracy under budgets
 */
public record Outcome(
        double floatScore,
        double floatAccuracy,
        double score,
        double strategyScore,
        String replacedBy,
        SearchPipeline.Point bestUniform,
        AccuracyTarget target) {

    /** Whether a measured config beat the strategy's pick and was returned instead. */
    public boolean replaced() {
        return replacedBy != null;
    }

    /** The drop from the float model on the calibration images (positive: worse than float). */
    public double calibrationDrop() {
        return floatScore - score;
    }
}
