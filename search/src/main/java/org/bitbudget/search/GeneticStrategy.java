package org.bitbudget.search;

import io.jenetics.Genotype;
import io.jenetics.IntegerGene;
import io.jenetics.Mutator;
import io.jenetics.Phenotype;
import io.jenetics.TournamentSelector;
import io.jenetics.UniformCrossover;
import io.jenetics.engine.Engine;
import io.jenetics.engine.EvolutionResult;
import io.jenetics.engine.Limits;
import io.jenetics.util.BatchExecutor;
import io.jenetics.util.RandomRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ga}: a Jenetics genetic search. Genotype: one gene per layer holding the layer's choice
 * (see {@link Genome}); fitness: minus the predicted damage ({@link Fitness#PREDICTED}) or the
 * {@link Evaluator}'s measured accuracy ({@link Fitness#MEASURED}, each distinct config measured
 * once and cached); tournament selection, uniform crossover, per-gene mutation, elitism through the
 * survivors.
 *
 * <p><b>Budgets are repaired, not penalised.</b> Under the budgets that matter (a quarter of int8's
 * size, say) almost every random genotype is infeasible, so a penalty would spend most evaluations —
 * each possibly a measured accuracy on a calibration set — on configs that can never be returned, its
 * weight would have to be tuned against the damage scale of each sensitivity estimator, and the best
 * individual could still be infeasible when time runs out. Greedy repair (lower the layer with the
 * least damage increase per unit of violation removed until the budgets hold) keeps every evaluated
 * individual feasible, so the best one is always a valid answer (the anytime rule) and evaluations
 * are never wasted. The population is warm-started with the greedy config.
 *
 * <p><b>Determinism.</b> The evolution runs on the calling thread ({@code executor(Runnable::run)})
 * with Jenetics' {@link RandomRegistry} bound to a generator seeded from {@link SearchControl#seed()},
 * so a seed gives the same result on any machine and thread count. Only measured fitness is computed
 * in parallel (on {@link SearchControl#threads()} threads): fitness evaluation draws no random numbers
 * and its results do not depend on order, so this keeps determinism given a deterministic
 * evaluator.
 */
public final class GeneticStrategy implements SearchStrategy {
    /** Which fitness the search maximises. */
    public enum Fitness {
        PREDICTED,
        MEASURED
    }

    private final int populationSize;
    private final long generations;
    private final int steadyGenerations;
    private final double crossover;
    private final double mutation;
    private final Fitness fitness;
    private final boolean warmStart;

    private GeneticStrategy(Builder b) {
        this.populationSize = b.populationSize;
        this.generations = b.generations;
        this.steadyGenerations = b.steadyGenerations;
        this.crossover = b.crossover;
        this.mutation = b.mutation;
        this.fitness = b.fitness;
        this.warmStart = b.warmStart;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "ga";
    }

    @Override
    public SearchResult search(SearchProblem problem, SearchControl control) {
        if (!problem.couplings().isEmpty()) {
            return MergedProblem.search(this, problem, control);
        }
        long start = System.nanoTime();
        problem.requireAttainableBudgets();
        Evaluator ev = fitness == Fitness.MEASURED
                ? problem.evaluator().orElseThrow(() -> new SearchException("ga: measured fitness needs an evaluator"))
                : null;
        Genome genome = new Genome(problem);
        Map<String, Double> cache = new ConcurrentHashMap<>();
        AtomicLong evaluations = new AtomicLong();
        Heuristics.Visited visited = new Heuristics.Visited(problem, 100);
        ExecutorService pool = ev != null && control.threads() > 1
                ? Executors.newFixedThreadPool(
                        control.threads(),
                        Thread.ofPlatform().daemon().name("bitbudget-ga-", 0).factory())
                : null;
        boolean[] stopped = {false};
        try {
            java.util.function.Function<Genotype<IntegerGene>, Double> ff = gt -> {
                int[] cfg = genome.decode(gt);
                if (!problem.feasible(cfg)) {
                    return Double.NEGATIVE_INFINITY;
                }
                if (ev == null) {
                    evaluations.incrementAndGet();
                    return -problem.damage(cfg);
                }
                return cache.computeIfAbsent(Arrays.toString(cfg), k -> {
                    evaluations.incrementAndGet();
                    return ev.accuracy(cfg);
                });
            };
            Engine<IntegerGene, Double> engine = Engine.builder(ff, genome.factoryTemplate())
                    .populationSize(populationSize)
                    .maximizing()
                    .survivorsSelector(new TournamentSelector<>(3))
                    .offspringSelector(new TournamentSelector<>(3))
                    .alterers(
                            new UniformCrossover<>(crossover),
                            new Mutator<>(mutation > 0 ? mutation : Math.min(0.5, 1.5 / problem.layerCount())))
                    .constraint(genome.repairConstraint())
                    .executor(Runnable::run)
                    .fitnessExecutor(pool == null ? BatchExecutor.of(Runnable::run) : BatchExecutor.of(pool))
                    .build();
            List<Genotype<IntegerGene>> init = warmStart ? genome.warmStart() : List.of();
            RandomRegistry.with(Genome.random(control.seed()))
                    .run(() -> engine.stream(init)
                            .limit(r -> {
                                if (control.shouldStop()) {
                                    stopped[0] = true;
                                    return false;
                                }
                                return true;
                            })
                            .limit(Limits.byFixedGeneration(generations))
                            .limit(Limits.bySteadyFitness(steadyGenerations))
                            .forEach(r -> record(r, genome, problem, ev, cache, visited, control, evaluations, start)));
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        Candidate best = visited.best() != null ? visited.best() : Heuristics.fallback(problem);
        return new SearchResult(
                name(), best, visited.top(), evaluations.get(), Heuristics.seconds(start), stopped[0], false);
    }

    private void record(
            EvolutionResult<IntegerGene, Double> r,
            Genome genome,
            SearchProblem problem,
            Evaluator ev,
            Map<String, Double> cache,
            Heuristics.Visited visited,
            SearchControl control,
            AtomicLong evaluations,
            long start) {
        for (Phenotype<IntegerGene, Double> pt : r.population()) {
            if (!pt.isEvaluated() || pt.fitness() == Double.NEGATIVE_INFINITY) {
                continue;
            }
            int[] cfg = genome.decode(pt.genotype());
            visited.add(ev == null ? problem.candidate(cfg) : problem.candidate(cfg, cache.get(Arrays.toString(cfg))));
        }
        Candidate b = visited.best();
        control.report(new SearchProgress(
                name(), evaluations.get(), b == null ? Double.NaN : b.damage(), Heuristics.seconds(start)));
    }

    /** GA settings; defaults: population 100, at most 300 generations, stop after 60 without improvement. */
    public static final class Builder {
        private int populationSize = 100;
        private long generations = 300;
        private int steadyGenerations = 60;
        private double crossover = 0.3;
        private double mutation = -1;
        private Fitness fitness = Fitness.PREDICTED;
        private boolean warmStart = true;

        public Builder populationSize(int n) {
            if (n < 4) {
                throw new IllegalArgumentException("ga: population must be >= 4");
            }
            populationSize = n;
            return this;
        }

        public Builder generations(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("ga: generations must be >= 1");
            }
            generations = n;
            return this;
        }

        public Builder steadyGenerations(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("ga: steady generations must be >= 1");
            }
            steadyGenerations = n;
            return this;
        }

        /** Uniform-crossover probability per individual (default 0.3). */
        public Builder crossover(double p) {
            crossover = p;
            return this;
        }

        /** Mutation probability per gene; default 1.5 / layers. */
        public Builder mutation(double p) {
            mutation = p;
            return this;
        }

        public Builder fitness(Fitness f) {
            fitness = f;
            return this;
        }

        /** Whether the initial population contains the greedy config (default true). */
        public Builder warmStart(boolean w) {
            warmStart = w;
            return this;
        }

        public GeneticStrategy build() {
            return new GeneticStrategy(this);
        }
    }
}
