package org.bitbudget.search;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;
import org.ojalgo.optimisation.integer.IntegerStrategy;
import org.ojalgo.type.context.NumberContext;

/**
 * {@code ilp-predicted} (and the first step of {@code ilp}, see {@link RefinedStrategy}): the exact bit allocation of BMPQ / HAWQ-V3 as a 0-1 integer program solved with
 * ojalgo's {@link ExpressionsBasedModel}: one binary {@code x[l][c]} per layer and allowed choice,
 * {@code sum_c x[l][c] = 1} per layer, minimise {@code sum damage[l][c] x[l][c]} subject to
 * {@code sum cost_b[l][c] x[l][c] <= limit_b} for every budget. Pinned layers and choices forbidden by
 * a per-choice bound (e.g. accumulator bits) simply have no variable.
 *
 * <p>ojalgo's branch and bound alone needs tens of seconds on a 50-layer x 20-choice x 3-budget
 * problem, so the model it receives is first reduced by an exact presolve that never removes a
 * config better than the incumbent:
 * <ol>
 *   <li>dominated choices go (another allowed choice of the layer is no worse in damage and in every
 *       budgeted cost);</li>
 *   <li>an incumbent comes from greedy repair, local improvement (one- and two-layer moves) and
 *       repaired Lagrangian solutions (and an optional hint, e.g. the previous Pareto-sweep point);</li>
 *   <li>a Lagrangian lower bound {@code LB(lambda) = sum_l min_c (d + lambda . a) - lambda . r}
 *       (maximised by subgradient steps; for this multiple-choice knapsack it equals the LP bound)
 *       fixes to 0 every choice whose bound with that choice forced exceeds a target; survivors are
 *       probed with a few re-optimised multipliers;</li>
 *   <li>layers left with one choice become constants.</li>
 * </ol>
 * Two targets are tried: halfway between LB and the incumbent (a small model; if its optimum is
 * below the target it is the global optimum), then the incumbent itself (exact). Typically 80-110 of
 * 1000 binaries reach ojalgo, which is then the bottleneck. The answer is checked against the
 * budgets in double precision; the better of ojalgo's answer and the incumbent is returned, and
 * {@link SearchResult#optimal()} is ojalgo's claim of optimality for it.
 *
 * <p>Anytime: ojalgo's {@code time_abort} is set to the time left and the solve is polled for the
 * cancel flag; when stopped early the best feasible config (ojalgo's or the incumbent) is returned.
 */
public final class IlpStrategy implements SearchStrategy {
    private static final int LAGRANGE_ITERATIONS = 300;
    /** Targets of the reduced models, as fractions of the way from the Lagrangian bound to the incumbent. */
    private static final double[] FRACTIONS = {0.5, 1.0};

    private static final int PROBE_ITERATIONS = 25;
    private static final boolean DEBUG = Boolean.getBoolean("bitbudget.ilp.debug");

    @Override
    public String name() {
        return "ilp-predicted";
    }

    @Override
    public SearchResult search(SearchProblem problem, SearchControl control) {
        if (!problem.couplings().isEmpty()) {
            return MergedProblem.search(this, problem, control);
        }
        long start = System.nanoTime();
        problem.requireAttainableBudgets();
        Solution s = solve(problem, control);
        Candidate best = s.config() == null ? Heuristics.fallback(problem) : problem.candidate(s.config());
        control.report(
                new SearchProgress(name(), 1, best.feasible() ? best.damage() : Double.NaN, Heuristics.seconds(start)));
        return new SearchResult(
                name(),
                best,
                best.feasible() ? List.of(best) : List.of(),
                s.models(),
                Heuristics.seconds(start),
                s.stoppedEarly(),
                s.optimal());
    }

    /** The solver's answer: config (null if nothing feasible found), proven optimal, stopped early. */
    record Solution(int[] config, boolean optimal, boolean stoppedEarly, long models, int keptVariables) {}

    /** Solves the problem; throws {@link InfeasibleBudgetException} when the budgets cannot be met together. */
    static Solution solve(SearchProblem p, SearchControl control) {
        return solve(p, control, null);
    }

    /**
     * As {@link #solve(SearchProblem, SearchControl)} with a hint: a config tried as incumbent (e.g.
     * the previous point of a Pareto sweep).
     */
    static Solution solve(SearchProblem p, SearchControl control, int[] hint) {
        long t0 = System.nanoTime();
        int layers = p.layerCount(), nb = p.budgets().size();
        if (nb == 0) {
            return new Solution(p.mostPreciseConfig(), true, false, 0, 0);
        }
        // 1. dominance
        boolean[][] keep = new boolean[layers][];
        for (int l = 0; l < layers; l++) {
            keep[l] = new boolean[p.space().choiceCount(l)];
            int[] al = p.allowedChoicesUnsafe(l);
            for (int c : al) {
                boolean dominated = false;
                for (int o : al) {
                    if (o == c || p.damage(l, o) > p.damage(l, c)) {
                        continue;
                    }
                    boolean noWorse = true, strictly = p.damage(l, o) < p.damage(l, c);
                    for (int b = 0; b < nb && noWorse; b++) {
                        double co = p.budgetCost(b, l, o), cc = p.budgetCost(b, l, c);
                        noWorse = co <= cc;
                        strictly |= co < cc;
                    }
                    if (noWorse && (strictly || o < c)) {
                        dominated = true;
                        break;
                    }
                }
                keep[l][c] = !dominated;
            }
        }
        // 2. incumbent
        int[] inc = Heuristics.greedy(p);
        if (inc != null) {
            Heuristics.improve(p, inc, null);
        }
        if (hint != null && p.feasible(hint)) {
            int[] h = hint.clone();
            Heuristics.improve(p, h, null);
            if (inc == null || p.damage(h) < p.damage(inc)) {
                inc = h;
            }
        }
        // 3. Lagrangian bound (subgradient), with repaired Lagrangian solutions as incumbents
        double[] lambda = new double[nb];
        double[] bestLambda = new double[nb];
        double bestLB = Double.NEGATIVE_INFINITY;
        double ub = inc == null ? Double.POSITIVE_INFINITY : p.damage(inc);
        double theta = 2;
        int stall = 0;
        int[] x = new int[layers];
        double[] g = new double[nb];
        for (int it = 0; it < LAGRANGE_ITERATIONS; it++) {
            double lb = lagrangian(p, keep, lambda, x, g);
            if (lb > bestLB) {
                bestLB = lb;
                bestLambda = lambda.clone();
                stall = 0;
            } else if (++stall >= 10) {
                theta /= 2;
                stall = 0;
            }
            if (it % 10 == 0 || p.feasible(x)) {
                int[] h = x.clone();
                if (Heuristics.repair(p, h)) {
                    Heuristics.improve(p, h, null);
                    double dh = p.damage(h);
                    if (dh < ub) {
                        ub = dh;
                        inc = h;
                    }
                }
            }
            double n2 = 0;
            for (int b = 0; b < nb; b++) {
                if (lambda[b] <= 0 && g[b] < 0) {
                    g[b] = 0;
                }
                n2 += g[b] * g[b];
            }
            if (n2 == 0 || theta < 1e-8) {
                break;
            }
            double target = Double.isFinite(ub) ? ub : bestLB + Math.max(1e-3, Math.abs(bestLB) * 0.05);
            double step = theta * Math.max(target - lb, 1e-12 * Math.max(1, Math.abs(lb))) / n2;
            for (int b = 0; b < nb; b++) {
                lambda[b] = Math.max(0, lambda[b] + step * g[b]);
            }
            if (Double.isFinite(ub) && ub - bestLB <= 1e-12 * Math.max(1, Math.abs(ub))) {
                break;
            }
        }
        if (inc != null) {
            Heuristics.improvePairs(p, inc, keep, control);
        }
        ub = inc == null ? Double.POSITIVE_INFINITY : p.damage(inc);
        if (DEBUG) {
            System.err.printf("presolve %.1f ms, LB %.9f UB %.9f%n", (System.nanoTime() - t0) / 1e6, bestLB, ub);
        }
        // 4. reduced-cost fixing and the reduced models. With a target T below the incumbent, every
        // choice that cannot be part of a config of damage <= T is dropped; if the reduced model's
        // optimum z is <= T it is the global optimum (a better config would have survived the fixing),
        // else z (if better) becomes the incumbent and the next, larger target is tried. The last
        // target is the incumbent itself, which makes the answer exact.
        double[] fractions = Double.isFinite(ub) && Double.isFinite(bestLB) ? FRACTIONS : new double[] {Double.NaN};
        int models = 0, kept = 0;
        boolean stopped = false;
        for (double f : fractions) {
            if (control.shouldStop()) {
                stopped = true;
                break;
            }
            boolean last = f == 1.0 || Double.isNaN(f);
            double target = Double.isNaN(f) ? Double.POSITIVE_INFINITY : last ? ub : bestLB + f * (ub - bestLB);
            boolean[][] k = fix(p, keep, bestLambda, bestLB, target, last ? inc : null);
            kept = 0;
            for (boolean[] row : k) {
                for (boolean v : row) {
                    if (v) {
                        kept++;
                    }
                }
            }
            Reduced r = solveReduced(p, k, control);
            models++;
            if (DEBUG) {
                System.err.printf(
                        "  target %.9f kept %d -> %s %s (%.1f ms)%n",
                        target,
                        kept,
                        r.state,
                        r.config == null ? "-" : String.format("%.9f", p.damage(r.config)),
                        (System.nanoTime() - t0) / 1e6);
            }
            stopped |= r.stopped;
            if (r.config != null && (inc == null || p.damage(r.config) < ub)) {
                inc = r.config;
                ub = p.damage(inc);
            }
            if (r.stopped) {
                break;
            }
            boolean provenOptimal = r.state != null && r.state.isOptimal();
            if (provenOptimal
                    && r.config != null
                    && p.damage(r.config) <= target + 1e-12 * Math.max(1, Math.abs(target))) {
                return new Solution(r.config, true, false, models, kept);
            }
            if (last) {
                if (inc == null) {
                    if (r.state == Optimisation.State.INFEASIBLE) {
                        throw new InfeasibleBudgetException(p.budgets());
                    }
                    return new Solution(null, false, true, models, kept);
                }
                // The incumbent was in the model: it is proven optimal only when ojalgo's optimum matches it
                // (ojalgo's answer was rejected by the exact budget check). ojalgo has been seen to report
                // OPTIMAL with a value above a feasible incumbent of its model; then nothing is proven.
                boolean proven = provenOptimal && Math.abs(r.value - ub) <= 1e-9 * Math.max(1, Math.abs(ub));
                if (DEBUG) {
                    System.err.printf(
                            "  last round: state %s value %.12f incumbent %.12f -> %s%n", r.state, r.value, ub, proven);
                }
                return new Solution(inc, proven, false, models, kept);
            }
        }
        return new Solution(inc, false, true, models, kept);
    }

    /**
     * The choices kept for target {@code target}: first those whose Lagrangian bound with the choice
     * forced, at the root multipliers, stays <= target; then, for each survivor, a few subgradient
     * steps re-optimise the multipliers with the choice forced (probing), and it is dropped as soon as
     * one bound exceeds the target. Every bound is valid for any multipliers >= 0, so no config of
     * damage <= target is lost.
     */
    private static boolean[][] fix(
            SearchProblem p, boolean[][] keep, double[] lambda, double lb, double target, int[] inc) {
        int layers = p.layerCount(), nb = lambda.length;
        boolean[][] k = new boolean[layers][];
        double tol = 1e-9 * (Math.abs(target) + Math.abs(lb)) + 1e-12;
        for (int l = 0; l < layers; l++) {
            k[l] = keep[l].clone();
            if (!Double.isFinite(target)) {
                continue;
            }
            double minv = Double.POSITIVE_INFINITY;
            for (int c : p.allowedChoicesUnsafe(l)) {
                if (keep[l][c]) {
                    minv = Math.min(minv, reduced(p, lambda, l, c));
                }
            }
            for (int c : p.allowedChoicesUnsafe(l)) {
                if (k[l][c] && lb + reduced(p, lambda, l, c) - minv > target + tol) {
                    k[l][c] = false;
                }
            }
            if (inc != null) {
                k[l][inc[l]] = true;
            }
        }
        if (!Double.isFinite(target)) {
            return k;
        }
        int before = 0;
        if (DEBUG) {
            for (boolean[] row : k) {
                for (boolean v : row) {
                    if (v) {
                        before++;
                    }
                }
            }
        }
        int[] x = new int[layers];
        double[] g = new double[nb];
        for (int l = 0; l < layers; l++) {
            int n = 0;
            for (boolean v : k[l]) {
                if (v) {
                    n++;
                }
            }
            if (n < 2) {
                continue;
            }
            for (int c = 0; c < k[l].length; c++) {
                if (!k[l][c] || (inc != null && inc[l] == c)) {
                    continue;
                }
                double[] lam = lambda.clone();
                double theta = 1;
                for (int it = 0; it < PROBE_ITERATIONS; it++) {
                    double v = lagrangian(p, k, lam, x, g, l, c);
                    if (v > target + tol) {
                        k[l][c] = false;
                        break;
                    }
                    double n2 = 0;
                    for (int b = 0; b < nb; b++) {
                        if (lam[b] <= 0 && g[b] < 0) {
                            g[b] = 0;
                        }
                        n2 += g[b] * g[b];
                    }
                    if (n2 == 0) {
                        break;
                    }
                    double step = theta * Math.max(target - v, 1e-12) * 1.5 / n2;
                    for (int b = 0; b < nb; b++) {
                        lam[b] = Math.max(0, lam[b] + step * g[b]);
                    }
                    if (it % 5 == 4) {
                        theta /= 2;
                    }
                }
            }
        }
        if (DEBUG) {
            int after = 0;
            for (boolean[] row : k) {
                for (boolean v : row) {
                    if (v) {
                        after++;
                    }
                }
            }
            System.err.printf("  probing: %d -> %d kept%n", before, after);
        }
        return k;
    }

    /** A reduced model's answer: config (null if none trusted), ojalgo's state and objective value (in damage units). */
    private record Reduced(int[] config, Optimisation.State state, boolean stopped, double value) {}

    /** Builds the 0-1 model over the kept choices and solves it with ojalgo. */
    private static Reduced solveReduced(SearchProblem p, boolean[][] keep, SearchControl control) {
        int layers = p.layerCount(), nb = p.budgets().size();
        List<Integer> free = new ArrayList<>();
        boolean[] isFree = new boolean[layers];
        int[] base = new int[layers];
        for (int l = 0; l < layers; l++) {
            int n = 0, only = -1;
            for (int c = 0; c < keep[l].length; c++) {
                if (keep[l][c]) {
                    n++;
                    only = c;
                }
            }
            if (n == 0) {
                return new Reduced(null, Optimisation.State.INFEASIBLE, false, Double.NaN);
            }
            if (n == 1) {
                base[l] = only;
            } else {
                free.add(l);
                isFree[l] = true;
            }
        }
        if (free.isEmpty()) {
            return p.feasible(base)
                    ? new Reduced(base, Optimisation.State.OPTIMAL, false, p.damage(base))
                    : new Reduced(null, Optimisation.State.INFEASIBLE, false, Double.NaN);
        }
        ExpressionsBasedModel model = new ExpressionsBasedModel();
        IntegerStrategy.ConfigurableStrategy strategy = IntegerStrategy.DEFAULT.withGapTolerance(NumberContext.of(10));
        model.options.integer(strategy);
        long remaining = control.remainingNanos();
        if (remaining != Long.MAX_VALUE) {
            model.options.time_abort = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining));
            model.options.time_suffice = model.options.time_abort;
        }
        // Budgets are normalised by their scale and shifted by the per-layer minimum cost among the
        // kept choices (and damage likewise), which keeps the coefficients well conditioned.
        double[] rhs = new double[nb];
        for (int b = 0; b < nb; b++) {
            rhs[b] = p.budgets().get(b).limit();
        }
        for (int l = 0; l < layers; l++) {
            if (!isFree[l]) {
                for (int b = 0; b < nb; b++) {
                    rhs[b] -= p.budgetCost(b, l, base[l]);
                }
            }
        }
        double[][] cmin = new double[layers][nb];
        for (int l : free) {
            for (int b = 0; b < nb; b++) {
                cmin[l][b] = Double.POSITIVE_INFINITY;
                for (int c = 0; c < keep[l].length; c++) {
                    if (keep[l][c]) {
                        cmin[l][b] = Math.min(cmin[l][b], p.budgetCost(b, l, c));
                    }
                }
                rhs[b] -= cmin[l][b];
            }
        }
        Expression[] rows = new Expression[nb];
        for (int b = 0; b < nb; b++) {
            double s = p.budgetScale(b);
            double slack = SearchProblem.TOLERANCE * Math.abs(p.budgets().get(b).limit()) / s;
            rows[b] = model.addExpression("budget" + b).upper(BigDecimal.valueOf(rhs[b] / s + slack));
        }
        double shift = 0; // damage of the fixed layers plus the per-layer minima subtracted from the weights
        for (int l = 0; l < layers; l++) {
            if (!isFree[l]) {
                shift += p.damage(l, base[l]);
            }
        }
        Variable[][] vars = new Variable[layers][];
        for (int l : free) {
            vars[l] = new Variable[keep[l].length];
            Expression oneHot = model.addExpression("layer" + l).level(1);
            double dmin = Double.POSITIVE_INFINITY;
            for (int c = 0; c < keep[l].length; c++) {
                if (keep[l][c]) {
                    dmin = Math.min(dmin, p.damage(l, c));
                }
            }
            shift += dmin;
            for (int c = 0; c < keep[l].length; c++) {
                if (!keep[l][c]) {
                    continue;
                }
                Variable v = model.addVariable("x" + l + "_" + c).binary().weight(p.damage(l, c) - dmin);
                vars[l][c] = v;
                oneHot.set(v, 1);
                for (int b = 0; b < nb; b++) {
                    double a = (p.budgetCost(b, l, c) - cmin[l][b]) / p.budgetScale(b);
                    if (a != 0) {
                        rows[b].set(v, a);
                    }
                }
            }
        }
        CompletableFuture<Optimisation.Result> future = CompletableFuture.supplyAsync(
                model::minimise,
                r -> Thread.ofPlatform().daemon().name("bitbudget-ilp").start(r));
        Optimisation.Result result = null;
        boolean stopped = false;
        while (result == null) {
            try {
                result = future.get(20, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (control.shouldStop()) {
                    // At the deadline ojalgo aborts by itself (time_abort) with its best so far: give it a moment.
                    // On cancel, or if it does not return, it is left to finish in the background.
                    stopped = true;
                    try {
                        result = future.get(control.cancelFlag().get() ? 1 : 250, TimeUnit.MILLISECONDS);
                    } catch (TimeoutException | ExecutionException ex) {
                        break;
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = true;
                break;
            } catch (ExecutionException e) {
                throw new IllegalStateException("ilp: ojalgo failed: " + e.getCause(), e.getCause());
            }
        }
        if (result == null) {
            return new Reduced(null, null, true, Double.NaN);
        }
        int[] sol = null;
        if (result.getState().isFeasible()) {
            sol = base.clone();
            for (int l : free) {
                int pick = -1;
                double bestV = -1;
                for (int c = 0; c < vars[l].length; c++) {
                    if (vars[l][c] == null) {
                        continue;
                    }
                    double v = result.doubleValue(model.indexOf(vars[l][c]));
                    if (v > bestV) {
                        bestV = v;
                        pick = c;
                    }
                }
                sol[l] = pick;
            }
            if (!p.feasible(sol)) {
                sol = null; // outside the tolerance in exact arithmetic: not trusted
            }
        }
        stopped |= control.shouldStop() && !result.getState().isOptimal();
        return new Reduced(sol, result.getState(), stopped, result.getValue() + shift);
    }

    private static double reduced(SearchProblem p, double[] lambda, int l, int c) {
        double v = p.damage(l, c);
        for (int b = 0; b < lambda.length; b++) {
            v += lambda[b] * p.budgetCost(b, l, c) / p.budgetScale(b);
        }
        return v;
    }

    /** L(lambda); fills the minimising config x and the subgradient g. */
    private static double lagrangian(SearchProblem p, boolean[][] keep, double[] lambda, int[] x, double[] g) {
        return lagrangian(p, keep, lambda, x, g, -1, -1);
    }

    /** L(lambda) with layer {@code fl} forced to choice {@code fc} (none when fl < 0). */
    private static double lagrangian(
            SearchProblem p, boolean[][] keep, double[] lambda, int[] x, double[] g, int fl, int fc) {
        int nb = lambda.length;
        double val = 0;
        for (int b = 0; b < nb; b++) {
            double r = p.budgets().get(b).limit() / p.budgetScale(b);
            val -= lambda[b] * r;
            g[b] = -r;
        }
        for (int l = 0; l < x.length; l++) {
            double best = Double.POSITIVE_INFINITY;
            int bc = -1;
            for (int c : p.allowedChoicesUnsafe(l)) {
                if (!keep[l][c] || (l == fl && c != fc)) {
                    continue;
                }
                double v = reduced(p, lambda, l, c);
                if (v < best) {
                    best = v;
                    bc = c;
                }
            }
            if (bc < 0) {
                return Double.POSITIVE_INFINITY; // no choice left: nothing below the target
            }
            val += best;
            x[l] = bc;
            for (int b = 0; b < nb; b++) {
                g[b] += p.budgetCost(b, l, bc) / p.budgetScale(b);
            }
        }
        return val;
    }
}
