package org.bitbudget.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.bitbudget.costs.CostTable;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.search.Candidate;
import org.bitbudget.search.ParetoSweep;
import org.bitbudget.search.SearchControl;
import org.bitbudget.search.SearchProblem;

/**
 * Phase 7, Pareto: the front of the metric's score (and accuracy) against the first budget's cost (the problem re-solved at
 * evenly spaced limits of that cost) and every uniform config, each measured by fake quantization on
 * the evaluation images so that points compare with each other.
 */
public final class ParetoPhase {
    private final int points;
    private final SearchControl control;

    /**
     * @param points  points of the sweep; fewer than 2 skips it (the uniform configs are still measured)
     * @param control seed, threads and cancel flag of the sweep's searches
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
     */
    public Front run(
            SearchProblem problem,
            Candidates candidates,
            CostTable costs,
            ConfigEvaluator evaluator,
            RunProgress progress) {
        List<SearchPipeline.Point> pareto = new ArrayList<>();
        if (points >= 2) {
            String cost = problem.budgets().isEmpty()
                    ? "size"
                    : problem.budgets().getFirst().cost();
            for (ParetoSweep.Point p : ParetoSweep.run(problem, cost, points, null, control)) {
                Candidate c = p.candidate();
                PrecisionConfig config = candidates.config(c.config());
                ConfigEvaluator.Measurement m = evaluator.measure(config, false);
                pareto.add(new SearchPipeline.Point(
                        cost,
                        p.budget(),
                        config,
                        m.accuracy(),
                        m.score(),
                        m.engine(),
                        c.damage(),
                        costs.totals(config),
                        null));
                progress.step();
            }
        }
        List<SearchPipeline.Point> uniform = new ArrayList<>();
        for (int c = 0; c < candidates.precisions().size(); c++) {
            int[] choice = new int[candidates.layers().size()];
            Arrays.fill(choice, c);
            PrecisionConfig config = candidates.config(choice);
            ConfigEvaluator.Measurement m = evaluator.measure(config, false);
            uniform.add(new SearchPipeline.Point(
                    "uniform",
                    Double.NaN,
                    config,
                    m.accuracy(),
                    m.score(),
                    m.engine(),
                    problem.damage(choice),
                    costs.totals(config),
                    candidates.precisions().get(c).label()));
            progress.step();
        }
        return new Front(pareto, uniform);
    }

    /**
     * What the phase measured.
     *
     * @param pareto  the sweep's points, cheapest first
     * @param uniform every uniform config, in candidate order
     */
    public record Front(List<SearchPipeline.Point> pareto, List<SearchPipeline.Point> uniform) {
        public Front {
            pareto = List.copyOf(pareto);
            uniform = List.copyOf(uniform);
        }
    }
}
