package org.bitbudget.search;

import io.jenetics.Genotype;
import io.jenetics.IntegerGene;
import io.jenetics.Mutator;
import io.jenetics.Phenotype;
import io.jenetics.UniformCrossover;
import io.jenetics.engine.Engine;
import io.jenetics.engine.Limits;
import io.jenetics.ext.moea.MOEA;
import io.jenetics.ext.moea.NSGA2Selector;
import io.jenetics.ext.moea.Vec;
import io.jenetics.util.BatchExecutor;
import io.jenetics.util.ISeq;
import io.jenetics.util.IntRange;
import io.jenetics.util.RandomRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code nsga2}: multi-objective search with jenetics.ext's {@link NSGA2Selector}. Objectives
 * (all maximised in a {@link Vec}): minus the predicted damage, or the measured accuracy
 * ({@link GeneticStrategy.Fitness#MEASURED}); and minus each objective cost (default: the costs of
 * the budgets, or every cost when there is none). Budgets are enforced by the same greedy repair as
 * {@code ga} (see there for why), so every individual is feasible.
 *
 * <p>{@link SearchResult#candidates()} is the Pareto front collected over all generations
 * ({@link MOEA#toParetoSet}), recomputed exactly: distinct configs, feasible, mutually
 * non-dominated on (damage or accuracy, objective costs), sorted by damage. {@link
 * SearchResult#best()} is its least-damage (or most accurate) member. Deterministic for a seed, as
 * {@code ga}.
 */
public final class Nsga2Strategy implements SearchStrategy {
    private final int populationSize;
    private final long generations;
    private final List<String> objectives;
    private final GeneticStrategy.Fitness fitness;
    private final double crossover;
    private final boolean warmStart;

    private Nsga2Strategy(Builder b) {
        this.populationSize = b.populationSize;
        this.generations = b.generations;
        this.objectives = b.objectives;
        this.fitness = b.fitness;
        this.crossover = b.crossover;
        this.warmStart = b.warmStart;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "nsga2";
    }

    @Override
    public SearchResult search(SearchProblem problem, SearchControl control) {
        if (!problem.couplings().isEmpty()) {
            return MergedProblem.search(this, problem, control);
        }
        long start = System.nanoTime();
        problem.requireAttainableBudgets();
        Evaluator ev = fitness == GeneticStrategy.Fitness.MEASURED
                ? problem.evaluator()
                        .orElseThrow(() -> new SearchException("nsga2: measured fitness needs an evaluator"))
                : null;
        List<String> objs = objectives != null
                ? objectives
                : !problem.budgets().isEmpty()
                        ? problem.budgets().stream()
                                .map(Budget::cost)
                                .distinct()
                                .toList()
                        : problem.costNames();
        int[] objIndex = objs.stream().mapToInt(problem::costIndex).toArray();
        double[] objScale = new double[objIndex.length];
        for (int i = 0; i < objIndex.length; i++) {
            double mx = 0;
            for (int l = 0; l < problem.layerCount(); l++) {
                for (int c : problem.allowedChoicesUnsafe(l)) {
                    mx = Math.max(mx, Math.abs(problem.cost(objIndex[i], l, c)));
                }
            }
            objScale[i] = mx > 0 ? mx * problem.layerCount() : 1;
        }
        Genome genome = new Genome(problem);
        Map<String, Double> cache = new ConcurrentHashMap<>();
        AtomicLong evaluations = new AtomicLong();
        boolean[] stopped = {false};
        ExecutorService pool = ev != null && control.threads() > 1
                ? Executors.newFixedThreadPool(
                        control.threads(),
                        Thread.ofPlatform().daemon().name("bitbudget-nsga2-", 0).factory())
                : null;
        ISeq<Phenotype<IntegerGene, Vec<double[]>>> pareto;
        try {
            java.util.function.Function<Genotype<IntegerGene>, Vec<double[]>> ff = gt -> {
                int[] cfg = genome.decode(gt);
                double[] v = new double[1 + objIndex.length];
                if (!problem.feasible(cfg)) {
                    Arrays.fill(v, Double.NEGATIVE_INFINITY);
                    return Vec.of(v);
                }
                if (ev == null) {
                    evaluations.incrementAndGet();
                    v[0] = -problem.damage(cfg);
                } else {
                    v[0] = cache.computeIfAbsent(Arrays.toString(cfg), k -> {
                        evaluations.incrementAndGet();
                        return ev.accuracy(cfg);
                    });
                }
                double[] costs = problem.costs(cfg);
                for (int i = 0; i < objIndex.length; i++) {
                    v[i + 1] = -costs[objIndex[i]] / objScale[i];
                }
                return Vec.of(v);
            };
            Engine<IntegerGene, Vec<double[]>> engine = Engine.builder(ff, genome.factoryTemplate())
                    .populationSize(populationSize)
                    .maximizing()
                    .selector(NSGA2Selector.ofVec())
                    .alterers(
                            new UniformCrossover<>(crossover), new Mutator<>(Math.min(0.5, 1.5 / problem.layerCount())))
                    .constraint(genome.repairConstraint())
                    .executor(Runnable::run)
                    .fitnessExecutor(pool == null ? BatchExecutor.of(Runnable::run) : BatchExecutor.of(pool))
                    .build();
            List<Genotype<IntegerGene>> init = warmStart ? genome.warmStart() : List.of();
            pareto = RandomRegistry.with(Genome.random(control.seed()))
                    .call(() -> engine.stream(init)
                            .limit(r -> {
                                if (control.shouldStop()) {
                                    stopped[0] = true;
                                    return false;
                                }
                                return true;
                            })
                            .limit(Limits.byFixedGeneration(generations))
                            .peek(r -> control.report(new SearchProgress(
                                    name(), evaluations.get(), -r.bestFitness().data()[0], Heuristics.seconds(start))))
                            .collect(MOEA.toParetoSet(
                                    new IntRange(Math.max(2, populationSize / 2), 4 * populationSize))));
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        Map<String, Candidate> distinct = new LinkedHashMap<>();
        for (Phenotype<IntegerGene, Vec<double[]>> pt : pareto) {
            int[] cfg = genome.decode(pt.genotype());
            if (!problem.feasible(cfg)) {
                continue;
            }
            distinct.computeIfAbsent(
                    Arrays.toString(cfg),
                    k -> ev == null ? problem.candidate(cfg) : problem.candidate(cfg, cache.get(k)));
        }
        List<Candidate> front = nonDominated(new ArrayList<>(distinct.values()), objIndex, ev != null);
        front.sort(Heuristics.ORDER);
        Candidate best = front.isEmpty() ? Heuristics.fallback(problem) : front.getFirst();
        if (ev != null) {
            for (Candidate c : front) {
                if (c.accuracy() > best.accuracy()) {
                    best = c;
                }
            }
        }
        return new SearchResult(name(), best, front, evaluations.get(), Heuristics.seconds(start), stopped[0], false);
    }

    /** The members no other member dominates on (damage or accuracy, the objective costs). */
    static List<Candidate> nonDominated(List<Candidate> all, int[] objIndex, boolean accuracy) {
        List<Candidate> out = new ArrayList<>();
        for (Candidate a : all) {
            boolean dominated = false;
            for (Candidate b : all) {
                if (a != b && dominates(b, a, objIndex, accuracy)) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                out.add(a);
            }
        }
        return out;
    }

    /** Whether {@code a} is no worse than {@code b} on every objective and better on one. */
    static boolean dominates(Candidate a, Candidate b, int[] objIndex, boolean accuracy) {
        double qa = accuracy ? -a.accuracy() : a.damage(), qb = accuracy ? -b.accuracy() : b.damage();
        if (qa > qb) {
            return false;
        }
        boolean strict = qa < qb;
        for (int i : objIndex) {
            if (a.cost(i) > b.cost(i)) {
                return false;
            }
            strict |= a.cost(i) < b.cost(i);
        }
        return strict;
    }

    /** NSGA-II settings; defaults: population 100, 200 generations, the budgets' costs as objectives. */
    public static final class Builder {
        private int populationSize = 100;
        private long generations = 200;
        private List<String> objectives;
        private GeneticStrategy.Fitness fitness = GeneticStrategy.Fitness.PREDICTED;
        private double crossover = 0.3;
        private boolean warmStart = true;

        public Builder populationSize(int n) {
            if (n < 4) {
                throw new IllegalArgumentException("nsga2: population must be >= 4");
            }
            populationSize = n;
            return this;
        }

        public Builder generations(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("nsga2: generations must be >= 1");
            }
            generations = n;
            return this;
        }

        /** The costs traded against damage (default: the budgets' costs). */
        public Builder objectives(List<String> costs) {
            objectives = List.copyOf(costs);
            return this;
        }

        public Builder fitness(GeneticStrategy.Fitness f) {
            fitness = f;
            return this;
        }

        public Builder crossover(double p) {
            crossover = p;
            return this;
        }

        public Builder warmStart(boolean w) {
            warmStart = w;
            return this;
        }

        public Nsga2Strategy build() {
            return new Nsga2Strategy(this);
        }
    }
}
