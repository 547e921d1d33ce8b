package org.bitbudget.search;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code exhaustive}: the true optimum of the predicted damage, by depth-first enumeration of every
 * config of allowed choices with exact pruning (a partial config is abandoned when even the cheapest
 * completion breaks a budget, or when even the least-damage completion cannot beat the best found).
 * Refuses spaces of more than {@code maxConfigs} configs (default 10^6). The first layers' choices
 * are split into tasks run on {@link SearchControl#threads()} threads; ties are broken towards the
 * lexicographically smallest config, so the answer does not depend on the thread count.
 */
public final class ExhaustiveStrategy implements SearchStrategy {
    public static final long DEFAULT_MAX_CONFIGS = 1_000_000L;
    private final long maxConfigs;

    public ExhaustiveStrategy() {
        this(DEFAULT_MAX_CONFIGS);
    }

    public ExhaustiveStrategy(long maxConfigs) {
        this.maxConfigs = maxConfigs;
    }

    @Override
    public String name() {
        return "exhaustive";
    }

    @Override
    public SearchResult search(SearchProblem p, SearchControl control) {
        if (!p.couplings().isEmpty()) {
            return MergedProblem.search(this, p, control);
        }
        long start = System.nanoTime();
        int layers = p.layerCount(), nb = p.budgets().size();
        BigInteger count = BigInteger.ONE;
        for (int l = 0; l < layers; l++) {
            count = count.multiply(BigInteger.valueOf(p.allowedChoicesUnsafe(l).length));
        }
        if (count.compareTo(BigInteger.valueOf(maxConfigs)) > 0) {
            throw new SearchException(String.format(
                    Locale.ROOT,
                    "exhaustive: the space has %s configs, more than the limit of %,d; use ilp or ga",
                    count.bitLength() < 63
                            ? String.format(Locale.ROOT, "%,d", count.longValue())
                            : String.format(Locale.ROOT, "%.3g", count.doubleValue()),
                    maxConfigs));
        }
        p.requireAttainableBudgets();
        // suffix minima for pruning
        double[][] restMinCost = new double[nb][layers + 1];
        double[] restMinDamage = new double[layers + 1];
        for (int l = layers - 1; l >= 0; l--) {
            double md = Double.POSITIVE_INFINITY;
            for (int c : p.allowedChoicesUnsafe(l)) {
                md = Math.min(md, p.damage(l, c));
            }
            restMinDamage[l] = restMinDamage[l + 1] + md;
            for (int b = 0; b < nb; b++) {
                double mc = Double.POSITIVE_INFINITY;
                for (int c : p.allowedChoicesUnsafe(l)) {
                    mc = Math.min(mc, p.budgetCost(b, l, c));
                }
                restMinCost[b][l] = restMinCost[b][l + 1] + mc;
            }
        }
        // split into prefix tasks
        int depth = 0;
        long prefixes = 1;
        int threads = Math.max(1, control.threads());
        while (depth < layers - 1 && prefixes < 8L * threads) {
            prefixes *= p.allowedChoicesUnsafe(depth++).length;
        }
        List<int[]> tasks = new ArrayList<>();
        enumeratePrefixes(p, depth, 0, new int[depth], tasks);
        AtomicLong leaves = new AtomicLong();
        Search[] results = new Search[tasks.size()];
        boolean stopped;
        if (threads == 1 || tasks.size() == 1) {
            for (int i = 0; i < tasks.size(); i++) {
                results[i] = new Search(p, restMinCost, restMinDamage, control, leaves);
                results[i].run(tasks.get(i));
            }
        } else {
            try (ExecutorService pool = Executors.newFixedThreadPool(
                    threads,
                    Thread.ofPlatform()
                            .daemon()
                            .name("bitbudget-exhaustive-", 0)
                            .factory())) {
                List<Future<?>> fs = new ArrayList<>();
                for (int i = 0; i < tasks.size(); i++) {
                    results[i] = new Search(p, restMinCost, restMinDamage, control, leaves);
                    Search s = results[i];
                    int[] prefix = tasks.get(i);
                    fs.add(pool.submit(() -> s.run(prefix)));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("exhaustive: " + e.getCause(), e.getCause());
            }
        }
        stopped = control.shouldStop() && Arrays.stream(results).anyMatch(s -> s == null || s.aborted);
        int[] best = null;
        double bestD = Double.POSITIVE_INFINITY;
        for (Search s : results) {
            if (s == null || s.best == null) {
                continue;
            }
            if (best == null || s.bestDamage < bestD || (s.bestDamage == bestD && Arrays.compare(s.best, best) < 0)) {
                best = s.best;
                bestD = s.bestDamage;
            }
        }
        if (best == null && !stopped) {
            throw new InfeasibleBudgetException(p.budgets());
        }
        Candidate c = best != null ? p.candidate(best) : Heuristics.fallback(p);
        control.report(new SearchProgress(
                name(), leaves.get(), c.feasible() ? c.damage() : Double.NaN, Heuristics.seconds(start)));
        return new SearchResult(
                name(),
                c,
                c.feasible() ? List.of(c) : List.of(),
                leaves.get(),
                Heuristics.seconds(start),
                stopped,
                !stopped);
    }

    private static void enumeratePrefixes(SearchProblem p, int depth, int l, int[] cur, List<int[]> out) {
        if (l == depth) {
            out.add(cur.clone());
            return;
        }
        for (int c : p.allowedChoicesUnsafe(l)) {
            cur[l] = c;
            enumeratePrefixes(p, depth, l + 1, cur, out);
        }
    }

    /** Depth-first branch and bound below one prefix. */
    private static final class Search {
        final SearchProblem p;
        final double[][] restMinCost;
        final double[] restMinDamage;
        final SearchControl control;
        final AtomicLong leaves;
        final int layers, nb;
        final double[] limit;
        final int[] cfg;
        final double[][] tot; // [depth][budget]
        int[] best;
        double bestDamage = Double.POSITIVE_INFINITY;
        long local;
        boolean aborted;

        Search(
                SearchProblem p,
                double[][] restMinCost,
                double[] restMinDamage,
                SearchControl control,
                AtomicLong leaves) {
            this.p = p;
            this.restMinCost = restMinCost;
            this.restMinDamage = restMinDamage;
            this.control = control;
            this.leaves = leaves;
            this.layers = p.layerCount();
            this.nb = p.budgets().size();
            this.limit = new double[nb];
            for (int b = 0; b < nb; b++) {
                double lim = p.budgets().get(b).limit();
                limit[b] = lim + SearchProblem.TOLERANCE * Math.max(Math.abs(lim), 1e-300);
            }
            this.cfg = new int[layers];
            this.tot = new double[layers + 1][nb];
        }

        void run(int[] prefix) {
            if (control.shouldStop()) {
                aborted = true;
                return;
            }
            double d = 0;
            for (int l = 0; l < prefix.length; l++) {
                cfg[l] = prefix[l];
                d += p.damage(l, prefix[l]);
                for (int b = 0; b < nb; b++) {
                    tot[l + 1][b] = tot[l][b] + p.budgetCost(b, l, prefix[l]);
                }
            }
            for (int b = 0; b < nb; b++) {
                if (tot[prefix.length][b] + restMinCost[b][prefix.length] > limit[b]) {
                    return;
                }
            }
            dfs(prefix.length, d);
            leaves.addAndGet(local);
        }

        private void dfs(int l, double d) {
            if (aborted) {
                return;
            }
            if (l == layers) {
                if ((++local & 4095) == 0 && control.shouldStop()) {
                    aborted = true;
                }
                if (d < bestDamage) {
                    bestDamage = d;
                    best = cfg.clone();
                }
                return;
            }
            // cannot beat (ties keep the earlier, smaller config)
            if (d + restMinDamage[l] >= bestDamage) {
                return;
            }
            for (int c : p.allowedChoicesUnsafe(l)) {
                boolean ok = true;
                for (int b = 0; b < nb; b++) {
                    double t = tot[l][b] + p.budgetCost(b, l, c);
                    tot[l + 1][b] = t;
                    if (t + restMinCost[b][l + 1] > limit[b]) {
                        ok = false;
                        break;
                    }
                }
                if (!ok) {
                    continue;
                }
                cfg[l] = c;
                dfs(l + 1, d + p.damage(l, c));
                if (aborted) {
                    return;
                }
            }
        }
    }
}
