package org.bitbudget.search;

import java.util.List;

/**
 * {@code greedy}: start at the most precise config (per layer the allowed choice with the least
 * damage) and, while a budget is broken, lower the one layer whose move costs the least damage per
 * unit of (normalised) budget violation it removes. No search beyond that; a baseline.
 */
public final class GreedyStrategy implements SearchStrategy {
    @Override
    public String name() {
        return "greedy";
    }

    @Override
    public SearchResult search(SearchProblem problem, SearchControl control) {
        if (!problem.couplings().isEmpty()) {
            return MergedProblem.search(this, problem, control);
        }
        long start = System.nanoTime();
        problem.requireAttainableBudgets();
        int[] cfg = Heuristics.greedy(problem);
        if (cfg == null) {
            throw new SearchException("greedy: no feasible config found for " + problem.budgets()
                    + " (the budgets are attainable one by one; try ilp)");
        }
        Candidate best = problem.candidate(cfg);
        control.report(new SearchProgress(name(), 1, best.damage(), Heuristics.seconds(start)));
        return new SearchResult(name(), best, List.of(best), 1, Heuristics.seconds(start), false, false);
    }
}
