package org.bitbudget.search;

import java.util.Arrays;

/**
 * One config with its predicted damage, its cost totals (in {@link SearchProblem#costNames()}
 * order), whether it meets every budget, and its measured accuracy (NaN when not measured).
 */
public record Candidate(int[] config, double damage, double[] costs, boolean feasible, double accuracy) {
    public Candidate {
        config = config.clone();
        costs = costs.clone();
    }

    @Override
    public int[] config() {
        return config.clone();
    }

    @Override
    public double[] costs() {
        return costs.clone();
    }

    public double cost(int index) {
        return costs[index];
    }

    public boolean measured() {
        return !Double.isNaN(accuracy);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Candidate c
                && Arrays.equals(config, c.config)
                && Double.compare(damage, c.damage) == 0
                && Arrays.equals(costs, c.costs)
                && feasible == c.feasible
                && Double.compare(accuracy, c.accuracy) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(config) * 31 + Double.hashCode(damage);
    }

    @Override
    public String toString() {
        return "Candidate" + Arrays.toString(config) + "{damage=" + damage + ", costs=" + Arrays.toString(costs)
                + ", feasible=" + feasible + (measured() ? ", accuracy=" + accuracy : "") + "}";
    }
}
