package org.bitbudget.search;

import java.util.SplittableRandom;

/**
 * {@code random}: draws {@code samples} configs uniformly (each layer's allowed choices equally
 * likely) from the control's seed; a draw that breaks a budget is greedily repaired (under tight
 * budgets nearly every uniform draw is infeasible, so rejection sampling alone would find nothing).
 * The feasible config with the least damage — or, with an {@link Evaluator} and {@code measure},
 * the highest measured accuracy — is kept.
 */
public final class RandomStrategy implements SearchStrategy {
    private final int samples;
    private final boolean measure;

    public RandomStrategy(int samples) {
        this(samples, false);
    }

    public RandomStrategy(int samples, boolean measure) {
        if (samples < 1) {
            throw new IllegalArgumentException("random: samples must be >= 1");
        }
        this.samples = samples;
        this.measure = measure;
    }

    @Override
    public String name() {
        return "random";
    }

    @Override
    public SearchResult search(SearchProblem problem, SearchControl control) {
        if (!problem.couplings().isEmpty()) {
            return MergedProblem.search(this, problem, control);
        }
        long start = System.nanoTime();
        problem.requireAttainableBudgets();
        Evaluator ev = measure
                ? problem.evaluator()
                        .orElseThrow(() -> new SearchException("random: measured fitness needs an evaluator"))
                : null;
        SplittableRandom rnd = new SplittableRandom(control.seed());
        Heuristics.Visited visited = new Heuristics.Visited(problem, 100);
        boolean stopped = false;
        for (int i = 0; i < samples; i++) {
            if (control.shouldStop()) {
                stopped = true;
                break;
            }
            int[] cfg = new int[problem.layerCount()];
            for (int l = 0; l < cfg.length; l++) {
                int[] al = problem.allowedChoicesUnsafe(l);
                cfg[l] = al[rnd.nextInt(al.length)];
            }
            if (!problem.feasible(cfg) && !Heuristics.repair(problem, cfg)) {
                continue;
            }
            visited.add(ev == null ? problem.candidate(cfg) : problem.candidate(cfg, ev.accuracy(cfg)));
            if ((i + 1) % 100 == 0) {
                control.report(new SearchProgress(
                        name(),
                        visited.evaluations(),
                        visited.best() == null ? Double.NaN : visited.best().damage(),
                        Heuristics.seconds(start)));
            }
        }
        Candidate best = visited.best() != null ? visited.best() : Heuristics.fallback(problem);
        return new SearchResult(
                name(), best, visited.top(), visited.evaluations(), Heuristics.seconds(start), stopped, false);
    }
}
