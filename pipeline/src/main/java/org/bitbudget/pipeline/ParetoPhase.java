package org.bitbudget.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.bitbudget.costs.CostTable;
import org.bitbudget.data.metric.Metric;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.search.Candidate;
import org.bitbudget.search.ParetoSweep;
import org.bitbudget.search.SearchControl;
import org.bitbudget.search.SearchProblem;

/**
 * Phase 6, Pareto: the front of the metric's score (and accuracy) against the first budget's cost (the problem re-solved at
 * evenly spaced limits of that cost) and every uniform config, each measured by fake quantization on
 * the evaluation images so that points compare with each other, and on the calibration objective so
 * that the {@link GuaranteePhase} can compare them with the strategy's pick. The front is what was
 * measured, not what was predicted: a swept point that a measured point as cheap or cheaper beats on
 * the metric's score (in its direction) is marked {@link MeasuredPoint#dominated() dominated} (kept, so the sweep's
 * predictions can be judged, but not on the front). The uniform configs are measured first; the
 * uniform configs and the sweep stop at the run's deadline.
 */
public final class ParetoPhase {
    private final int points;
    private final SearchControl control;

    /**
     * @param points  points of the sweep; fewer than 2 skips it (the uniform configs are still measured)
     * @param control seed, threads, cancel flag and deadline of the sweep's searches
     */
    public ParetoPhase(int points, SearchControl control) {
        this.points = points;
        this.control = Objects.requireNonNull(control, "control");
    }

    /**
     * The sweep's points and the uniform configs; every measured config is one step of {@code progress}.
     *
     * @param problem    the run's search problem
     * @param candidates its candidates
     * @param costs      its cost table, for the points' totals
     * @param evaluator  measures configs on the evaluation images
     * @param objective  measures configs on the calibration images
     */
    public Front run(
            SearchProblem problem,
            Candidates candidates,
            CostTable costs,
            ConfigEvaluator evaluator,
            CalibrationObjective objective,
            RunProgress progress) {
        // Uniform configs first: they are few and the guarantee's baseline, so a short --time keeps them.
        List<MeasuredPoint> uniform = new ArrayList<>();
        for (int c = 0; c < candidates.precisions().size() && !control.shouldStop(); c++) {
            int[] choice = new int[candidates.layers().size()];
            Arrays.fill(choice, c);
            PrecisionConfig config = candidates.config(choice);
            ConfigEvaluator.Measurement m = measure(evaluator, config);
            if (m == null) {
                break;
            }
            String label = candidates.precisions().get(c).label();
            double calibrationScore = calibrationScore(objective, choice, "uniform " + label);
            if (Double.isNaN(calibrationScore) && control.cancelFlag().get()) {
                break;
            }
            uniform.add(new MeasuredPoint(
                    "uniform",
                    Double.NaN,
                    config,
                    m.accuracy(),
                    m.score(),
                    m.engine(),
                    problem.damage(choice),
                    costs.totals(config),
                    label,
                    calibrationScore,
                    problem.feasible(choice),
                    false));
            progress.step();
        }
        List<MeasuredPoint> pareto = new ArrayList<>();
        if (points >= 2) {
            String cost = sweptCost(problem);
            for (ParetoSweep.Point p : ParetoSweep.run(problem, cost, points, null, control)) {
                if (control.shouldStop()) {
                    break;
                }
                Candidate c = p.candidate();
                PrecisionConfig config = candidates.config(c.config());
                ConfigEvaluator.Measurement m = measure(evaluator, config);
                double calibrationScore = calibrationScore(objective, c.config(), "pareto");
                if (m == null
                        || Double.isNaN(calibrationScore)
                                && control.cancelFlag().get()) {
                    break;
                }
                pareto.add(new MeasuredPoint(
                        cost,
                        p.budget(),
                        config,
                        m.accuracy(),
                        m.score(),
                        m.engine(),
                        c.damage(),
                        costs.totals(config),
                        null,
                        calibrationScore,
                        problem.feasible(c.config()),
                        false));
                progress.step();
            }
        }
        return new Front(markDominated(pareto, uniform, evaluator.metric()), uniform);
    }

    /** {@code config} measured by fake quantization, or null when a cancel stopped the measurement. */
    private static ConfigEvaluator.Measurement measure(ConfigEvaluator evaluator, PrecisionConfig config) {
        try {
            return evaluator.measure(config, false);
        } catch (RunStopped stopped) {
            return null;
        }
    }

    /** {@code config}'s calibration score, or NaN when a cancel stopped its measurement. */
    private static double calibrationScore(CalibrationObjective objective, int[] config, String source) {
        try {
            return objective.score(config, source);
        } catch (RunStopped stopped) {
            return Double.NaN;
        }
    }

    /** The cost the sweep runs over: the first budget's, size when there is none. */
    static String sweptCost(SearchProblem problem) {
        return problem.budgets().isEmpty()
                ? "size"
                : problem.budgets().getFirst().cost();
    }

    /**
     * The swept points, each marked dominated when another measured point (swept or uniform) costs at
     * most as much on the swept cost and scores better by {@code metric}, or costs less and scores as well.
     */
    private static List<MeasuredPoint> markDominated(
            List<MeasuredPoint> pareto, List<MeasuredPoint> uniform, Metric metric) {
        List<MeasuredPoint> all = new ArrayList<>(pareto);
        all.addAll(uniform);
        List<MeasuredPoint> out = new ArrayList<>();
        for (MeasuredPoint p : pareto) {
            double cost = p.costs().get(p.cost());
            double utility = metric.utility(p.score());
            boolean dominated = all.stream().anyMatch(q -> {
                double qc = q.costs().get(p.cost());
                double qu = metric.utility(q.score());
                return qc <= cost && qu > utility || qc < cost && qu >= utility;
            });
            out.add(dominated ? p.asDominated() : p);
        }
        return out;
    }

    /**
     * What the phase measured.
     *
     * @param pareto  the sweep's points, cheapest first
     * @param uniform every uniform config, in candidate order
     */
    public record Front(List<MeasuredPoint> pareto, List<MeasuredPoint> uniform) {
        public Front {
            pareto = List.copyOf(pareto);
            uniform = List.copyOf(uniform);
        }

        /**
         * The feasible uniform config with the best calibration score by {@code metric} (ties: the
         * cheaper on {@code cost}), or null.
         */
        public MeasuredPoint bestUniform(String cost, Metric metric) {
            return uniform.stream()
                    .filter(MeasuredPoint::feasible)
                    .min(Comparator.comparingDouble((MeasuredPoint p) -> metric.utility(p.calibrationScore()))
                            .reversed()
                            .thenComparingDouble(p -> p.costs().getOrDefault(cost, 0.0)))
                    .orElse(null);
        }
    }
}
