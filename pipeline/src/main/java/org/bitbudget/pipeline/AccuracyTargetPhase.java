package org.bitbudget.pipeline;

import org.bitbudget.search.SearchControl;
import org.bitbudget.search.SearchException;
import org.bitbudget.search.SearchProblem;
import org.bitbudget.search.SearchResult;
import org.bitbudget.search.SearchStrategy;

/**
 * Phase 5 with an accuracy target: the cheapest config on {@code cost} whose calibration score meets
 * the target. The strategy first runs under the given budgets (the most accurate config they allow);
 * then a bisection on a budget of {@code cost} re-runs it at smaller limits, measuring each config it
 * returns, and keeps the cheapest that meets the target. Bisection assumes the measured score grows
 * with the limit, which the measurements need not obey; the {@link GuaranteePhase} afterwards also
 * compares every other measured config, so a cheaper one that meets the target still wins.
 */
public final class AccuracyTargetPhase {
    /** Bisection steps: the limit's interval shrinks to 1/2^12 of the range between cheapest and first pick. */
    private static final int STEPS = 12;

    private final SearchStrategy strategy;
    private final SearchControl control;

    public AccuracyTargetPhase(SearchStrategy strategy, SearchControl control) {
        this.strategy = strategy;
        this.control = control;
    }

    /**
     * The cheapest config found that meets {@code target}, or the strategy's pick under the budgets when
     * even that one misses it (the result then reports the target as missed).
     *
     * @throws SettingException as {@link StrategyPhase} does, for budgets no config meets
     */
    public SearchResult run(
            SearchProblem problem,
            Costs costs,
            String cost,
            AccuracyTarget target,
            CalibrationObjective objective,
            double floatScore) {
        SearchResult best = new StrategyPhase(strategy, control).run(problem, costs);
        if (!target.met(objective.score(best.config(), "strategy"), floatScore)) {
            return best;
        }
        double lo = problem.cost(cost, problem.cheapestConfig(cost));
        double hi = problem.cost(cost, best.config());
        for (int i = 0; i < STEPS && !control.shouldStop(); i++) {
            double mid = (lo + hi) / 2;
            SearchResult r;
            try {
                r = strategy.search(problem.withBudget(cost, mid), control);
            } catch (SearchException nothingAtThisLimit) {
                lo = mid;
                continue;
            }
            if (!r.feasible()) {
                lo = mid;
                continue;
            }
            if (target.met(objective.score(r.config(), "max-drop bisection"), floatScore)) {
                best = r;
                hi = problem.cost(cost, r.config());
            } else {
                lo = mid;
            }
        }
        return best;
    }
}
