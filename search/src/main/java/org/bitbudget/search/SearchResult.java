package org.bitbudget.search;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of a search. {@link #best()} is the chosen config (feasible whenever any feasible
 * config was found or constructed); {@link #candidates()} are the configs worth reporting — for
 * {@code nsga2} its Pareto front (feasible, mutually non-dominated on damage and the objective
 * costs), for the others the distinct feasible configs they visited, best first, capped. {@link
 * #optimal()} is true when the strategy proved the best config optimal for the predicted damage.
 */
public record SearchResult(
        String strategy,
        Candidate best,
        List<Candidate> candidates,
        long evaluations,
        double seconds,
        boolean stoppedEarly,
        boolean optimal) {
    public SearchResult {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(best, "best");
        candidates = List.copyOf(candidates);
    }

    public int[] config() {
        return best.config();
    }

    public double damage() {
        return best.damage();
    }

    public double[] costs() {
        return best.costs();
    }

    public boolean feasible() {
        return best.feasible();
    }
}
