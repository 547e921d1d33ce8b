package org.bitbudget.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Greedy repair, feasible construction and local improvement shared by the strategies. */
final class Heuristics {
    private Heuristics() {}

    /**
     * Greedy repair in place: while some budget is broken, moves the one layer whose change lowers
     * the normalised budget violation with the least damage increase per unit of violation removed
     * (a damage decrease counts as best). Returns whether the result is feasible; it may not be when
     * no single-layer move lowers the violation any more (only possible with several budgets).
     */
    static boolean repair(SearchProblem p, int[] cfg) {
        int layers = p.layerCount(), nb = p.budgets().size();
        double[] tot = p.budgetTotals(cfg);
        double viol = violation(p, tot);
        double[] nt = new double[nb];
        while (viol > 0) {
            double bestRatio = Double.POSITIVE_INFINITY, bestRed = 0;
            int bl = -1, bc = -1;
            for (int l = 0; l < layers; l++) {
                int cur = cfg[l];
                for (int c : p.allowedChoicesUnsafe(l)) {
                    if (c == cur) {
                        continue;
                    }
                    for (int b = 0; b < nb; b++) {
                        nt[b] = tot[b] - p.budgetCost(b, l, cur) + p.budgetCost(b, l, c);
                    }
                    double red = viol - violation(p, nt);
                    if (red <= 1e-15 * Math.max(1, viol)) {
                        continue;
                    }
                    double ratio = (p.damage(l, c) - p.damage(l, cur)) / red;
                    if (ratio < bestRatio || (ratio == bestRatio && red > bestRed)) {
                        bestRatio = ratio;
                        bestRed = red;
                        bl = l;
                        bc = c;
                    }
                }
            }
            if (bl < 0) {
                // stuck with single moves (several budgets pulling apart): try pairs of moves
                if (!pairMove(p, cfg, tot, viol)) {
                    return false;
                }
                tot = p.budgetTotals(cfg);
                viol = violation(p, tot);
                continue;
            }
            cfg[bl] = bc;
            tot = p.budgetTotals(cfg); // re-sum to avoid drift
            viol = violation(p, tot);
        }
        return true;
    }

    /** The pair of single-layer moves lowering the violation at the least damage per unit removed; false if none. */
    private static boolean pairMove(SearchProblem p, int[] cfg, double[] tot, double viol) {
        int layers = p.layerCount(), nb = p.budgets().size();
        double[] t1 = new double[nb], t2 = new double[nb];
        double bestRatio = Double.POSITIVE_INFINITY;
        int l1 = -1, c1 = -1, l2 = -1, c2 = -1;
        for (int a = 0; a < layers; a++) {
            for (int ca : p.allowedChoicesUnsafe(a)) {
                if (ca == cfg[a]) {
                    continue;
                }
                for (int b = 0; b < nb; b++) {
                    t1[b] = tot[b] - p.budgetCost(b, a, cfg[a]) + p.budgetCost(b, a, ca);
                }
                double da = p.damage(a, ca) - p.damage(a, cfg[a]);
                for (int e = a + 1; e < layers; e++) {
                    for (int ce : p.allowedChoicesUnsafe(e)) {
                        if (ce == cfg[e]) {
                            continue;
                        }
                        for (int b = 0; b < nb; b++) {
                            t2[b] = t1[b] - p.budgetCost(b, e, cfg[e]) + p.budgetCost(b, e, ce);
                        }
                        double red = viol - violation(p, t2);
                        if (red <= 1e-15 * Math.max(1, viol)) {
                            continue;
                        }
                        double ratio = (da + p.damage(e, ce) - p.damage(e, cfg[e])) / red;
                        if (ratio < bestRatio) {
                            bestRatio = ratio;
                            l1 = a;
                            c1 = ca;
                            l2 = e;
                            c2 = ce;
                        }
                    }
                }
            }
        }
        if (l1 < 0) {
            return false;
        }
        cfg[l1] = c1;
        cfg[l2] = c2;
        return true;
    }

    static double violation(SearchProblem p, double[] totals) {
        double v = 0;
        for (int b = 0; b < totals.length; b++) {
            if (!p.meets(b, totals[b])) {
                v += (totals[b] - p.budgets().get(b).limit()) / p.budgetScale(b);
            }
        }
        return v;
    }

    /**
     * A feasible config built without search: per layer the choice with the least normalised cost
     * (sum over budgets of cost / scale; ties by damage), then greedy repair. Returns null when that
     * fails (only possible with several budgets; with one budget it succeeds whenever any config is
     * feasible).
     */
    static int[] construct(SearchProblem p) {
        int layers = p.layerCount(), nb = p.budgets().size();
        int[] cfg = new int[layers];
        for (int l = 0; l < layers; l++) {
            int best = -1;
            double bestV = Double.POSITIVE_INFINITY;
            for (int c : p.allowedChoicesUnsafe(l)) {
                double v = 0;
                for (int b = 0; b < nb; b++) {
                    v += p.budgetCost(b, l, c) / p.budgetScale(b);
                }
                if (v < bestV || (v == bestV && p.damage(l, c) < p.damage(l, best))) {
                    bestV = v;
                    best = c;
                }
            }
            cfg[l] = best;
        }
        if (repair(p, cfg)) {
            return cfg;
        }
        // Second attempt: the cheapest config for each single budget in turn.
        for (Budget b : p.budgets()) {
            int[] c = p.cheapestConfig(b.cost());
            if (repair(p, c)) {
                return c;
            }
        }
        return null;
    }

    /** Starting from the most precise config, greedy repair (the {@code greedy} baseline). */
    static int[] greedy(SearchProblem p) {
        int[] cfg = p.mostPreciseConfig();
        if (repair(p, cfg)) {
            return cfg;
        }
        return construct(p);
    }

    /**
     * Best-improvement local search in place over single-layer moves that keep the config feasible;
     * stops at a local optimum or when {@code control} says stop.
     */
    static void improve(SearchProblem p, int[] cfg, SearchControl control) {
        int layers = p.layerCount(), nb = p.budgets().size();
        double[] tot = p.budgetTotals(cfg);
        while (control == null || !control.shouldStop()) {
            double bestD = 0;
            int bl = -1, bc = -1;
            for (int l = 0; l < layers; l++) {
                int cur = cfg[l];
                for (int c : p.allowedChoicesUnsafe(l)) {
                    double d = p.damage(l, c) - p.damage(l, cur);
                    if (c == cur || d >= bestD) {
                        continue;
                    }
                    boolean ok = true;
                    for (int b = 0; b < nb && ok; b++) {
                        ok = p.meets(b, tot[b] - p.budgetCost(b, l, cur) + p.budgetCost(b, l, c));
                    }
                    if (ok) {
                        bestD = d;
                        bl = l;
                        bc = c;
                    }
                }
            }
            if (bl < 0) {
                return;
            }
            cfg[bl] = bc;
            tot = p.budgetTotals(cfg);
        }
    }

    /**
     * Best-improvement local search in place over moves of one or two layers (restricted to the
     * choices with {@code keep} set, or all allowed when null) that keep the config feasible.
     */
    static void improvePairs(SearchProblem p, int[] cfg, boolean[][] keep, SearchControl control) {
        int layers = p.layerCount(), nb = p.budgets().size();
        double[] tot = p.budgetTotals(cfg);
        double[] t1 = new double[nb];
        for (int round = 0; round < 10 * layers && (control == null || !control.shouldStop()); round++) {
            double bestD = -1e-15 * Math.max(1, Math.abs(p.damage(cfg)));
            int l1 = -1, c1 = -1, l2 = -1, c2 = -1;
            for (int a = 0; a < layers; a++) {
                for (int ca : p.allowedChoicesUnsafe(a)) {
                    if (ca == cfg[a] || (keep != null && !keep[a][ca])) {
                        continue;
                    }
                    double da = p.damage(a, ca) - p.damage(a, cfg[a]);
                    boolean ok = true;
                    for (int b = 0; b < nb; b++) {
                        t1[b] = tot[b] - p.budgetCost(b, a, cfg[a]) + p.budgetCost(b, a, ca);
                        ok &= p.meets(b, t1[b]);
                    }
                    if (ok && da < bestD) {
                        bestD = da;
                        l1 = a;
                        c1 = ca;
                        l2 = -1;
                    }
                    for (int e = a + 1; e < layers; e++) {
                        for (int ce : p.allowedChoicesUnsafe(e)) {
                            if (ce == cfg[e] || (keep != null && !keep[e][ce])) {
                                continue;
                            }
                            double d = da + p.damage(e, ce) - p.damage(e, cfg[e]);
                            if (d >= bestD) {
                                continue;
                            }
                            boolean ok2 = true;
                            for (int b = 0; b < nb && ok2; b++) {
                                ok2 = p.meets(b, t1[b] - p.budgetCost(b, e, cfg[e]) + p.budgetCost(b, e, ce));
                            }
                            if (ok2) {
                                bestD = d;
                                l1 = a;
                                c1 = ca;
                                l2 = e;
                                c2 = ce;
                            }
                        }
                    }
                }
            }
            if (l1 < 0) {
                return;
            }
            cfg[l1] = c1;
            if (l2 >= 0) {
                cfg[l2] = c2;
            }
            tot = p.budgetTotals(cfg);
        }
    }

    /** Keeps the distinct feasible configs seen, to report the best few. */
    static final class Visited {
        private final SearchProblem problem;
        private final int cap;
        private final Map<String, Candidate> seen = new HashMap<>();
        private Candidate best;
        private long evaluations;

        Visited(SearchProblem problem, int cap) {
            this.problem = problem;
            this.cap = cap;
        }

        /** Records a config; returns its candidate. */
        Candidate add(int[] cfg) {
            return add(problem.candidate(cfg));
        }

        Candidate add(Candidate c) {
            evaluations++;
            if (!c.feasible()) {
                return c;
            }
            if (best == null || better(c, best)) {
                best = c;
            }
            if (seen.size() < 4 * cap) {
                seen.putIfAbsent(Arrays.toString(c.config()), c);
            }
            return c;
        }

        Candidate best() {
            return best;
        }

        long evaluations() {
            return evaluations;
        }

        List<Candidate> top() {
            List<Candidate> all = new ArrayList<>(seen.values());
            all.sort(ORDER);
            return all.size() > cap ? List.copyOf(all.subList(0, cap)) : all;
        }
    }

    /** Measured accuracy (higher) first when both are measured, else predicted damage (lower), then config. */
    static boolean better(Candidate a, Candidate b) {
        return ORDER.compare(a, b) < 0;
    }

    static final Comparator<Candidate> ORDER = (a, b) -> {
        if (a.measured() && b.measured() && a.accuracy() != b.accuracy()) {
            return Double.compare(b.accuracy(), a.accuracy());
        }
        int c = Double.compare(a.damage(), b.damage());
        return c != 0 ? c : Arrays.compare(a.config(), b.config());
    };

    /**
     * The anytime fallback when a strategy stopped before finding anything feasible: the greedy
     * construction if feasible, else the problem's most precise config marked infeasible.
     */
    static Candidate fallback(SearchProblem p) {
        int[] cfg = greedy(p);
        if (cfg == null) {
            cfg = p.mostPreciseConfig();
        }
        return p.candidate(cfg);
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
