package org.bitbudget.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Interaction-aware refinement of another strategy's answer (by default {@code ilp}'s): <em>measured
 * re-linearisation with re-ranking by measured score</em>, a sequential integer program in the spirit of
 * CLADO's cross-layer terms but measured only where the search stands. The predicted damage of each
 * layer is a single-layer score taken with every other layer at full precision, so it misses how
 * layers quantized together interact (four layers at int3 cost far more than their sum). Each round:
 * <ol>
 *   <li>every one-layer move around the current best config {@code x} (each free layer to each of its
 *       other allowed choices) is measured on the calibration set with the problem's {@link Evaluator},
 *       so its score already contains its interaction with everything else in {@code x};</li>
 *   <li>the damage table is replaced by these measured drops ({@code acc(x) - acc(x with l -> c)}; a
 *       move left unmeasured by the time limit keeps its predicted damage, rescaled by a least-squares
 *       fit of the measured drops on the predicted ones);</li>
 *   <li>the corrected problem is re-solved by the base strategy, and again with each layer the optimum
 *       moved forbidden its new choice (the next-best solutions of the corrected model);</li>
 *   <li>these solutions, the feasible one-layer moves, the {@code 2 * layers + 8} feasible two-layer
 *       moves of lowest corrected damage and, in the first round, every feasible uniform
 *       config are re-ranked by their measured score; the best becomes {@code x}.</li>
 * </ol>
 * It stops when a round does not improve the measured score, after {@link #rounds} rounds, or at the
 * control's deadline, and returns the feasible config with the best measured calibration score (ties:
 * the lower predicted damage). Without an evaluator it returns the base strategy's answer unchanged.
 */
public final class RefinedStrategy implements SearchStrategy {
    private final String name;
    private final SearchStrategy base;
    private final int rounds;

    /**
     * @param name   the name results and help texts show
     * @param base   the strategy whose answer is refined and which solves the corrected problems
     * @param rounds the most rounds of measurement (at least 1)
     */
    public RefinedStrategy(String name, SearchStrategy base, int rounds) {
        this.name = Objects.requireNonNull(name, "name");
        this.base = Objects.requireNonNull(base, "base");
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        }
        this.rounds = rounds;
    }

    /** {@code ilp}, the default strategy: {@link IlpStrategy} refined for up to 4 rounds. */
    public RefinedStrategy() {
        this("ilp", new IlpStrategy(), 4);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SearchResult search(SearchProblem problem, SearchControl control) {
        if (!problem.couplings().isEmpty()) {
            return MergedProblem.search(this, problem, control);
        }
        long start = System.nanoTime();
        SearchResult first = base.search(problem, control);
        if (problem.evaluator().isEmpty() || !first.feasible() || control.shouldStop()) {
            return first;
        }
        Measurements measured = new Measurements(problem, control);
        long models = first.evaluations();
        int[] best = first.config();
        measured.measure(List.of(best));
        List<int[]> seeds = new ArrayList<>();
        for (String label : UniformStrategy.labels(problem)) {
            int[] u = UniformStrategy.uniformConfig(problem, label);
            if (u != null && problem.feasible(u)) {
                seeds.add(u);
            }
        }
        measured.measure(seeds);
        best = measured.best(best, seeds);
        boolean stopped = false;
        for (int round = 0; round < rounds; round++) {
            if (control.shouldStop()) {
                stopped = true;
                break;
            }
            double before = measured.accuracy(best);
            List<int[]> moves = oneLayerMoves(problem, best);
            measured.measure(moves);
            double[][] drop = correctedDamage(problem, measured, best);
            SearchProblem corrected = problem.toBuilder().damage(drop).build();
            List<int[]> proposals = new ArrayList<>();
            for (int[] m : moves) {
                if (problem.feasible(m)) {
                    proposals.add(m);
                }
            }
            proposals.addAll(bestPairMoves(problem, drop, best));
            List<int[]> solved = nextBest(corrected, best, control);
            models += solved.size();
            proposals.addAll(solved);
            measured.measure(proposals);
            best = measured.best(best, proposals);
            if (!(measured.accuracy(best) > before)) {
                break;
            }
        }
        stopped |= control.shouldStop();
        Candidate chosen = problem.candidate(best, measured.accuracy(best));
        control.report(new SearchProgress(name(), measured.count(), chosen.damage(), Heuristics.seconds(start)));
        List<Candidate> visited = measured.feasibleByScore();
        return new SearchResult(
                name(), chosen, visited, models + measured.count(), Heuristics.seconds(start), stopped, false);
    }

    /** Every config one free layer away from {@code x}, feasible or not. */
    private static List<int[]> oneLayerMoves(SearchProblem p, int[] x) {
        List<int[]> out = new ArrayList<>();
        for (int l = 0; l < p.layerCount(); l++) {
            if (p.pinned(l) >= 0) {
                continue;
            }
            for (int c : p.allowedChoices(l)) {
                if (c != x[l]) {
                    int[] y = x.clone();
                    y[l] = c;
                    out.add(y);
                }
            }
        }
        return out;
    }

    /**
     * The feasible two-layer moves around {@code x} with the lowest corrected damage, at most {@code
     * 2 * layers + 8} of them: a layer raised and another lowered is the move a single budget needs.
     */
    private static List<int[]> bestPairMoves(SearchProblem p, double[][] drop, int[] x) {
        List<int[]> moves = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        for (int a = 0; a < p.layerCount(); a++) {
            for (int b = a + 1; b < p.layerCount() && p.pinned(a) < 0; b++) {
                if (p.pinned(b) >= 0) {
                    continue;
                }
                for (int ca : p.allowedChoices(a)) {
                    for (int cb : p.allowedChoices(b)) {
                        if (ca == x[a] || cb == x[b]) {
                            continue;
                        }
                        int[] y = x.clone();
                        y[a] = ca;
                        y[b] = cb;
                        if (p.feasible(y)) {
                            moves.add(y);
                            scores.add(drop[a][ca] + drop[b][cb]);
                        }
                    }
                }
            }
        }
        Integer[] order = new Integer[moves.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(scores::get));
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < Math.min(order.length, 2 * p.layerCount() + 8); i++) {
            out.add(moves.get(order[i]));
        }
        return out;
    }

    /**
     * The damage table linearised at {@code x} from measurements: the measured drop of each one-layer
     * move, or its rescaled predicted damage when it was not measured.
     */
    private static double[][] correctedDamage(SearchProblem p, Measurements m, int[] x) {
        double ax = m.accuracy(x);
        int layers = p.layerCount();
        double[][] drop = new double[layers][];
        double sxy = 0, sxx = 0;
        for (int l = 0; l < layers; l++) {
            drop[l] = new double[p.space().choiceCount(l)];
            Arrays.fill(drop[l], Double.NaN);
            drop[l][x[l]] = 0;
            if (p.pinned(l) >= 0) {
                continue;
            }
            for (int c : p.allowedChoices(l)) {
                if (c == x[l]) {
                    continue;
                }
                int[] y = x.clone();
                y[l] = c;
                double a = m.accuracy(y);
                if (!Double.isNaN(a)) {
                    drop[l][c] = ax - a;
                    double predicted = p.damage(l, c) - p.damage(l, x[l]);
                    sxy += predicted * drop[l][c];
                    sxx += predicted * predicted;
                }
            }
        }
        double scale = sxx > 0 ? Math.max(0, sxy / sxx) : 0;
        for (int l = 0; l < layers; l++) {
            for (int c = 0; c < drop[l].length; c++) {
                if (Double.isNaN(drop[l][c])) {
                    drop[l][c] = scale * (p.damage(l, c) - p.damage(l, x[l]));
                }
            }
        }
        return drop;
    }

    /**
     * The corrected problem's optimum and, for each layer where it differs from {@code x}, the optimum
     * with that layer's new choice forbidden.
     */
    private List<int[]> nextBest(SearchProblem corrected, int[] x, SearchControl control) {
        List<int[]> out = new ArrayList<>();
        int[] z = solve(corrected, control);
        if (z == null) {
            return out;
        }
        out.add(z);
        for (int l = 0; l < z.length && !control.shouldStop(); l++) {
            if (z[l] != x[l]) {
                int[] w = solve(corrected.toBuilder().forbid(l, z[l]).build(), control);
                if (w != null) {
                    out.add(w);
                }
            }
        }
        return out;
    }

    private int[] solve(SearchProblem q, SearchControl control) {
        try {
            SearchResult r = base.search(q, control);
            return r.feasible() ? r.config() : null;
        } catch (InfeasibleBudgetException | IllegalArgumentException e) {
            return null; // the forbidden choice leaves no config within the budgets
        }
    }

    /** Measured calibration scores by config, measured in parallel on the control's threads. */
    private static final class Measurements {
        private final SearchProblem problem;
        private final SearchControl control;
        private final Evaluator evaluator;
        private final Map<List<Integer>, Double> scores = new HashMap<>();

        Measurements(SearchProblem problem, SearchControl control) {
            this.problem = problem;
            this.control = control;
            this.evaluator = problem.evaluator().orElseThrow();
        }

        private static List<Integer> key(int[] config) {
            return Arrays.stream(config).boxed().toList();
        }

        /** Measures every config not measured yet, until the deadline. */
        void measure(List<int[]> configs) {
            List<int[]> todo = new ArrayList<>();
            java.util.Set<List<Integer>> queued = new java.util.HashSet<>();
            for (int[] c : configs) {
                if (!scores.containsKey(key(c)) && queued.add(key(c))) {
                    todo.add(c);
                }
            }
            if (todo.isEmpty()) {
                return;
            }
            try (ExecutorService pool = Executors.newFixedThreadPool(
                    Math.min(control.threads(), todo.size()),
                    r -> Thread.ofPlatform().daemon().name("bitbudget-refine").unstarted(r))) {
                List<Future<Double>> futures = new ArrayList<>();
                for (int[] c : todo) {
                    futures.add(pool.submit(() -> control.shouldStop() ? Double.NaN : evaluator.accuracy(c)));
                }
                for (int i = 0; i < todo.size(); i++) {
                    double a = futures.get(i).get();
                    if (!Double.isNaN(a)) {
                        scores.put(key(todo.get(i)), a);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new SearchException("refinement: measuring a config failed: " + e.getCause());
            }
        }

        /** The measured score of {@code config}, NaN if not measured. */
        double accuracy(int[] config) {
            return scores.getOrDefault(key(config), Double.NaN);
        }

        int count() {
            return scores.size();
        }

        /** The best measured feasible config among {@code incumbent} and {@code others}. */
        int[] best(int[] incumbent, List<int[]> others) {
            int[] best = incumbent;
            for (int[] c : others) {
                if (problem.feasible(c) && better(c, best)) {
                    best = c;
                }
            }
            return best;
        }

        private boolean better(int[] a, int[] b) {
            double sa = accuracy(a), sb = accuracy(b);
            if (Double.isNaN(sa)) {
                return false;
            }
            if (Double.isNaN(sb) || sa != sb) {
                return Double.isNaN(sb) || sa > sb;
            }
            return problem.damage(a) < problem.damage(b);
        }

        /** Every measured feasible config, best measured score first. */
        List<Candidate> feasibleByScore() {
            List<Candidate> out = new ArrayList<>();
            for (Map.Entry<List<Integer>, Double> e : scores.entrySet()) {
                int[] c = e.getKey().stream().mapToInt(Integer::intValue).toArray();
                if (problem.feasible(c)) {
                    out.add(problem.candidate(c, e.getValue()));
                }
            }
            out.sort(Comparator.comparingDouble(Candidate::accuracy)
                    .reversed()
                    .thenComparingDouble(Candidate::damage)
                    .thenComparing(Candidate::config, Arrays::compare));
            return out.subList(0, Math.min(out.size(), 50));
        }
    }
}
