package org.bitbudget.pipeline;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.bitbudget.search.GreedyStrategy;
import org.bitbudget.search.SearchControl;
import org.bitbudget.search.SearchException;
import org.bitbudget.search.SearchProblem;

/**
 * Phase 7, guarantee: the returned config is never worse, on the calibration objective, than any config
 * the run measured that meets every budget — the uniform configs, the greedy config, the Pareto sweep's
 * points, the genetic strategies' populations. A strategy optimises a prediction (summed single-layer
 * damages), and layers that interact can make its pick worse than a config it never preferred; when a
 * measured config beats the pick, the run returns that one and says what it was.
 *
 * <p>Scores are by the run's metric and "higher" means better in its direction ({@link
 * CalibrationObjective#utility}). Without an accuracy target "better" is a higher calibration score (ties keep the strategy's pick,
 * then the cheaper config on the minimised cost). With a target it is: meeting the target first, then
 * the cheaper config, then the higher score.
 *
 * <p>Further calibration images, ones no phase chose a config on (when the calibration set has them),
 * confirm the choice. Without a target, a config other than the best feasible uniform one is returned
 * only when that uniform config does not score better there; with a target, the returned config meets
 * it there too.
 */
public final class GuaranteePhase {
    /** Configs within an accuracy target that are checked on the further calibration images, cheapest first. */
    private static final int TARGET_CONFIRMATIONS = 24;

    private final AccuracyTarget target;
    private final String cost;
    private final ConfigEvaluator confirmation;

    /**
     * @param target             the accuracy target, or null to maximise the score under the budgets
     * @param cost               the summed cost that breaks ties (and that a target minimises)
     * @param confirmation       scores on further calibration images (ones no phase chose a config on),
     *                           where a config must beat the best feasible uniform config, or meet the
     *                           target; null to return the best measured config however it fares there
     */
    public GuaranteePhase(AccuracyTarget target, String cost, ConfigEvaluator confirmation) {
        this.target = target;
        this.cost = cost;
        this.confirmation = confirmation;
    }

    /**
     * The config to return.
     *
     * @param problem    the run's problem: what "meets every budget" means
     * @param pick       the strategy's config
     * @param objective  the calibration objective, holding every config measured so far
     * @param floatScore the float model's calibration score
     * @param control    the run's control (the greedy config is built under it)
     */
    public Decision run(
            SearchProblem problem,
            int[] pick,
            CalibrationObjective objective,
            double floatScore,
            SearchControl control) {
        if (!control.cancelFlag().get()) {
            try {
                return decide(problem, pick, objective, floatScore, control);
            } catch (RunStopped stopped) {
                // Cancelled while measuring: what follows.
            }
        }
        // Cancelled: measure nothing more, so that the run ends at once with the strategy's pick.
        double known = objective.measuredScore(pick);
        return new Decision(pick, known, known, null);
    }

    private Decision decide(
            SearchProblem problem,
            int[] pick,
            CalibrationObjective objective,
            double floatScore,
            SearchControl control) {
        double pickScore = objective.score(pick, "strategy");
        try {
            objective.score(new GreedyStrategy().search(problem, control).config(), "greedy");
        } catch (SearchException noGreedyConfig) {
            // Greedy repair found no feasible config: it adds nothing to the comparison.
        }
        CalibrationObjective.Measured chosen = new CalibrationObjective.Measured(pick, pickScore, "strategy");
        Comparator<CalibrationObjective.Measured> better = order(problem, objective, floatScore);
        CalibrationObjective.Measured best = objective.measured().stream()
                .filter(m -> problem.feasible(m.config()))
                .min(better.thenComparing(byCost(problem)).thenComparing(m -> Arrays.toString(m.config())))
                .orElse(chosen);
        if (better.compare(best, chosen) < 0) {
            chosen = best;
        }
        if (confirmation != null) {
            chosen = target == null
                    ? confirmedAgainstUniform(problem, objective, chosen, better)
                    : confirmedWithinTarget(problem, objective, chosen, floatScore, better);
        }
        boolean replaced = !Arrays.equals(chosen.config(), pick);
        return new Decision(chosen.config(), chosen.score(), pickScore, replaced ? chosen.source() : null);
    }

    /**
     * {@code chosen}, or the best feasible uniform config when that one scores better on the further
     * calibration images (a tie keeps {@code chosen}, which the first images preferred). The chosen config is the best of up to a hundred or more configs
     * measured on the same few hundred images, so its calibration score is lifted by the luck of those
     * images (the winner's curse), while images that chose nothing score it without that bias; a gain
     * that does not hold there is not evidence of a better config, and the uniform config is the one a
     * user would take without a search.
     */
    private CalibrationObjective.Measured confirmedAgainstUniform(
            SearchProblem problem,
            CalibrationObjective objective,
            CalibrationObjective.Measured chosen,
            Comparator<CalibrationObjective.Measured> better) {
        CalibrationObjective.Measured uniform = objective.measured().stream()
                .filter(m -> isUniform(m.config()) && problem.feasible(m.config()))
                .min(better.thenComparing(m -> Arrays.toString(m.config())))
                .orElse(null);
        if (uniform == null || Arrays.equals(uniform.config(), chosen.config())) {
            return chosen;
        }
        double mine =
                confirmation.measure(objective.config(chosen.config()), false).score();
        double theirs =
                confirmation.measure(objective.config(uniform.config()), false).score();
        if (objective.utility(mine) >= objective.utility(theirs)) {
            return chosen;
        }
        return new CalibrationObjective.Measured(
                uniform.config(),
                uniform.score(),
                String.format(
                        Locale.ROOT,
                        "uniform %s (on %d further calibration images it scored %.4f, the best measured config %.4f)",
                        objective.choiceLabel(uniform.config()[0]),
                        confirmation.images(),
                        theirs,
                        mine));
    }

    /**
     * The cheapest measured config that meets the target on the calibration images and on the further
     * calibration images too, trying at most {@value #TARGET_CONFIRMATIONS} in order of cost; {@code
     * chosen} when none of them does. The cheapest config within the target on the first images is the
     * one whose drop there was most flattered by their luck (the winner's curse again: with hundreds of
     * configs measured, many sit just inside the target), so a drop that does not hold on images no
     * phase chose on is not taken as met.
     */
    private CalibrationObjective.Measured confirmedWithinTarget(
            SearchProblem problem,
            CalibrationObjective objective,
            CalibrationObjective.Measured chosen,
            double floatScore,
            Comparator<CalibrationObjective.Measured> better) {
        if (!target.met(chosen.score(), floatScore)) {
            return chosen;
        }
        double floatThere = confirmation.floatScore();
        List<CalibrationObjective.Measured> withinTarget = objective.measured().stream()
                .filter(m -> problem.feasible(m.config()) && target.met(m.score(), floatScore))
                .sorted(better.thenComparing(m -> Arrays.toString(m.config())))
                .limit(TARGET_CONFIRMATIONS)
                .toList();
        for (CalibrationObjective.Measured m : withinTarget) {
            double there =
                    confirmation.measure(objective.config(m.config()), false).score();
            if (target.met(there, floatThere)) {
                return Arrays.equals(m.config(), chosen.config())
                        ? chosen
                        : new CalibrationObjective.Measured(
                                m.config(),
                                m.score(),
                                String.format(
                                        Locale.ROOT,
                                        "%s (the cheapest config within the target on %d further calibration "
                                                + "images too: %.4f there, float %.4f)",
                                        m.source(),
                                        confirmation.images(),
                                        there,
                                        floatThere));
            }
        }
        return chosen;
    }

    private static boolean isUniform(int[] config) {
        return Arrays.stream(config).allMatch(c -> c == config[0]);
    }

    /** Best first; configs that compare equal are equally good (ties keep the strategy's pick). */
    private Comparator<CalibrationObjective.Measured> order(
            SearchProblem problem, CalibrationObjective objective, double floatScore) {
        Comparator<CalibrationObjective.Measured> byScore = Comparator.comparingDouble(
                        (CalibrationObjective.Measured m) -> objective.utility(m.score()))
                .reversed();
        if (target == null) {
            return byScore;
        }
        Comparator<CalibrationObjective.Measured> meets = Comparator.comparing(m -> !target.met(m.score(), floatScore));
        return meets.thenComparing(byCost(problem)).thenComparing(byScore);
    }

    private Comparator<CalibrationObjective.Measured> byCost(SearchProblem problem) {
        return Comparator.comparingDouble(m -> problem.cost(cost, m.config()));
    }

    /**
     * What the phase decided.
     *
     * @param config        the config to return
     * @param score         its calibration score
     * @param strategyScore the strategy's pick's calibration score
     * @param replacedBy    null when the strategy's pick stands, else what measured the config that beat
     *                      it ({@code uniform int4}, {@code pareto}, {@code greedy}, {@code ga population}, …)
     */
    public record Decision(int[] config, double score, double strategyScore, String replacedBy) {
        public Decision {
            config = config.clone();
        }

        @Override
        public int[] config() {
            return config.clone();
        }
    }
}
