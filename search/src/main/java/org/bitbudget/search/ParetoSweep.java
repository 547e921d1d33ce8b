package org.bitbudget.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ILP solved across a grid of budget values for one cost, the other budgets kept: by default
 * 20 points evenly spaced from the cheapest attainable total of that cost (the sum of per-layer
 * minima) to its total in a reference config (e.g. uniform int8; default: the most precise config).
 * Points whose config equals an earlier point's are dropped; grid values no config meets (because
 * of the other budgets) are skipped. A problem with couplings is swept as its {@link MergedProblem}.
 */
public final class ParetoSweep {
    /** One grid point: the budget value, the ILP's config and whether it was proven optimal. */
    public record Point(double budget, Candidate candidate, boolean optimal) {}

    private ParetoSweep() {}

    /**
     * @param points    grid size (>= 2)
     * @param reference the config whose total is the top of the grid; null for the most precise config
     */
    public static List<Point> run(
            SearchProblem problem, String cost, int points, int[] reference, SearchControl control) {
        if (points < 2) {
            throw new IllegalArgumentException("pareto sweep: points must be >= 2");
        }
        if (!problem.couplings().isEmpty()) {
            MergedProblem m = MergedProblem.of(problem);
            int[] ref = reference == null ? null : m.contract(reference);
            if (reference != null && ref == null) {
                throw new IllegalArgumentException("pareto sweep: reference config " + Arrays.toString(reference)
                        + " breaks a coupling or uses a forbidden choice");
            }
            return run(m.problem(), cost, points, ref, control).stream()
                    .map(pt -> new Point(pt.budget(), m.expand(pt.candidate()), pt.optimal()))
                    .toList();
        }
        int ci = problem.costIndex(cost);
        int[] ref = reference != null ? reference.clone() : problem.mostPreciseConfig();
        if (!problem.valid(ref)) {
            throw new IllegalArgumentException(
                    "pareto sweep: reference config " + Arrays.toString(ref) + " uses a forbidden choice");
        }
        double lo = 0;
        for (int l = 0; l < problem.layerCount(); l++) {
            double mn = Double.POSITIVE_INFINITY;
            for (int c : problem.allowedChoicesUnsafe(l)) {
                mn = Math.min(mn, problem.cost(ci, l, c));
            }
            lo += mn;
        }
        double hi = problem.costs(ref)[ci];
        List<Point> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int[] previous = null;
        for (int i = 0; i < points && !control.shouldStop(); i++) {
            double limit = i == points - 1 ? hi : lo + (hi - lo) * i / (points - 1);
            SearchProblem sp = problem.withBudget(cost, limit);
            IlpStrategy.Solution s;
            try {
                s = IlpStrategy.solve(
                        sp, control, previous); // the previous optimum meets the larger budget: a good incumbent
            } catch (InfeasibleBudgetException e) {
                continue;
            }
            if (s.config() == null) {
                continue;
            }
            previous = s.config();
            if (!seen.add(Arrays.toString(s.config()))) {
                continue;
            }
            out.add(new Point(limit, sp.candidate(s.config()), s.optimal()));
            control.report(new SearchProgress("pareto", i + 1, sp.damage(s.config()), 0));
        }
        return out;
    }
}
