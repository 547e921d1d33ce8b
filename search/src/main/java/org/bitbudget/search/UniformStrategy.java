package org.bitbudget.search;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code uniform}: every free layer gets the same choice label (pinned layers keep their pin); the
 * uniform config with the least damage that meets every budget wins. Labels not allowed in every
 * free layer are skipped. {@link SearchResult#candidates()} lists every feasible uniform config.
 */
public final class UniformStrategy implements SearchStrategy {
    @Override
    public String name() {
        return "uniform";
    }

    /** The uniform config of {@code label}, or null if some free layer does not allow it. */
    public static int[] uniformConfig(SearchProblem p, String label) {
        int[] cfg = new int[p.layerCount()];
        for (int l = 0; l < cfg.length; l++) {
            if (p.pinned(l) >= 0) {
                cfg[l] = p.pinned(l);
                continue;
            }
            int c = p.space().indexOf(l, label);
            if (c < 0 || !p.isAllowed(l, c)) {
                return null;
            }
            cfg[l] = c;
        }
        return cfg;
    }

    /** Labels in first-seen order over the layers. */
    public static List<String> labels(SearchProblem p) {
        Set<String> all = new LinkedHashSet<>();
        for (int l = 0; l < p.layerCount(); l++) {
            all.addAll(p.space().choices(l));
        }
        return List.copyOf(all);
    }

    @Override
    public SearchResult search(SearchProblem problem, SearchControl control) {
        long start = System.nanoTime();
        problem.requireAttainableBudgets();
        List<Candidate> feasible = new ArrayList<>();
        Candidate best = null;
        String cheapestLabel = null;
        double cheapestViolation = Double.POSITIVE_INFINITY;
        int tried = 0;
        for (String label : labels(problem)) {
            int[] cfg = uniformConfig(problem, label);
            if (cfg == null) {
                continue;
            }
            tried++;
            Candidate c = problem.candidate(cfg);
            if (c.feasible()) {
                feasible.add(c);
                if (best == null || Heuristics.better(c, best)) {
                    best = c;
                }
            } else {
                double v = problem.violation(cfg);
                if (v < cheapestViolation) {
                    cheapestViolation = v;
                    cheapestLabel = label;
                }
            }
        }
        if (best == null) {
            throw new SearchException("uniform: no uniform precision meets " + problem.budgets()
                    + (cheapestLabel == null
                            ? " (no label is allowed in every layer)"
                            : "; the closest is " + cheapestLabel));
        }
        feasible.sort(Heuristics.ORDER);
        control.report(new SearchProgress(name(), tried, best.damage(), Heuristics.seconds(start)));
        return new SearchResult(name(), best, feasible, tried, Heuristics.seconds(start), false, false);
    }
}
