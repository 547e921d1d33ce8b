package org.bitbudget.search;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class StrategiesTest {
    static final SearchControl CONTROL =
            SearchControl.builder().seed(7).threads(2).build();

    /** 6 layers x 4 choices x 2 budgets, alternately synthetic-realistic and uncorrelated random. */
    static List<SearchProblem> smallProblems() {
        List<SearchProblem> out = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            int s = i;
            double tight = 0.1 + 0.05 * s;
            out.add(feasible(t -> SyntheticProblems.make(s, 6, 4, 2, t), tight));
            out.add(feasible(t -> SyntheticProblems.random(100 + s, 6, 6, 2, t), tight));
        }
        return out;
    }

    /** The problem at the first tightness from {@code t} up (steps of 0.05) at which some config is feasible. */
    static SearchProblem feasible(java.util.function.DoubleFunction<SearchProblem> make, double t) {
        for (; ; t += 0.05) {
            SearchProblem p = make.apply(t);
            try {
                new ExhaustiveStrategy().search(p, CONTROL);
                return p;
            } catch (InfeasibleBudgetException e) {
                assertTrue(t < 1);
            }
        }
    }

    static double optimum(SearchProblem p) {
        return new ExhaustiveStrategy().search(p, CONTROL).damage();
    }

    @Test
    void ilpMatchesExhaustive() {
        for (SearchProblem p : smallProblems()) {
            SearchResult ex = new ExhaustiveStrategy().search(p, CONTROL);
            SearchResult ilp = new IlpStrategy().search(p, CONTROL);
            assertTrue(ex.optimal());
            assertTrue(ilp.feasible(), "ilp infeasible");
            assertTrue(p.feasible(ilp.config()));
            assertEquals(ex.damage(), ilp.damage(), 1e-9, () -> "ilp vs exhaustive on " + p.budgets());
            assertFalse(ilp.stoppedEarly());
        }
    }

    @Test
    void ilpMatchesExhaustiveWithPinsForbiddenChoicesAndThreeBudgets() {
        double[][] acc = new double[7][5];
        for (int l = 0; l < 7; l++) {
            for (int c = 0; c < 5; c++) {
                acc[l][c] = 10 + c + l % 3;
            }
        }
        for (int s = 1; s <= 10; s++) {
            int seed = 200 + s;
            SearchProblem p = feasible(
                    t -> SyntheticProblems.make(seed, 7, 5, 3, t).toBuilder()
                            .pin(0, 4)
                            .pin(6, 4)
                            .limitPerChoice("accumulator_bits", acc, 14) // forbids some high choices
                            .build(),
                    0.25 + 0.04 * s);
            double opt = optimum(p);
            SearchResult ilp = new IlpStrategy().search(p, CONTROL);
            assertEquals(opt, ilp.damage(), 1e-9);
            assertEquals(4, ilp.config()[0]);
            assertEquals(4, ilp.config()[6]);
            for (int l = 0; l < 7; l++) {
                assertTrue(acc[l][ilp.config()[l]] <= 14 || l == 0 || l == 6);
            }
        }
    }

    /** Larger spaces (4^9 = 262,144 configs, three budgets) where the reduced ojalgo model is not trivial. */
    @Test
    void ilpMatchesExhaustiveOnLargerSpaces() {
        for (int s = 1; s <= 6; s++) {
            int seed = 300 + s;
            SearchProblem p = feasible(t -> s2(seed, t), 0.2 + 0.08 * s);
            SearchResult ex = new ExhaustiveStrategy().search(p, CONTROL);
            SearchResult ilp = new IlpStrategy().search(p, CONTROL);
            assertEquals(ex.damage(), ilp.damage(), 1e-9);
            assertTrue(ilp.optimal());
        }
    }

    private static SearchProblem s2(int seed, double t) {
        return seed % 2 == 0 ? SyntheticProblems.make(seed, 9, 4, 3, t) : SyntheticProblems.random(seed, 9, 4, 3, t);
    }

    @Test
    void lenetSizedExhaustiveEnumeratesAllConfigs() {
        SearchProblem p = SyntheticProblems.make(5, 5, 4, 1, 1.0); // budget at the dearest total: no pruning by cost
        SearchResult r = new ExhaustiveStrategy()
                .search(p, SearchControl.builder().threads(1).build());
        assertTrue(r.optimal());
        assertArrayEquals(p.mostPreciseConfig(), r.config());
        assertEquals(new ExhaustiveStrategy().search(p, CONTROL).damage(), r.damage(), 0);
    }

    @Test
    void exhaustiveRefusesLargeSpaces() {
        SearchProblem p = SyntheticProblems.make(1, 20, 4, 1, 0.5);
        SearchException e = assertThrows(SearchException.class, () -> new ExhaustiveStrategy().search(p, CONTROL));
        assertTrue(e.getMessage().contains("1,099,511,627,776 configs"), e.getMessage());
        assertTrue(e.getMessage().contains("1,000,000"), e.getMessage());
    }

    @Test
    void baselinesAreFeasibleAndNoBetterThanTheOptimum() {
        for (SearchProblem p : smallProblems()) {
            double opt = optimum(p);
            for (SearchStrategy s : List.of(
                    new GreedyStrategy(),
                    new RandomStrategy(200),
                    GeneticStrategy.builder().build())) {
                SearchResult r = s.search(p, CONTROL);
                assertTrue(r.feasible() && p.feasible(r.config()), s.name() + " infeasible");
                assertTrue(r.damage() >= opt - 1e-12, s.name() + " beat the optimum");
                for (Candidate c : r.candidates()) {
                    assertTrue(c.feasible());
                }
            }
            try {
                SearchResult u = new UniformStrategy().search(p, CONTROL);
                assertTrue(p.feasible(u.config()));
                int[] cfg = u.config();
                String label = p.space().choice(0, cfg[0]);
                for (int l = 0; l < cfg.length; l++) {
                    assertEquals(label, p.space().choice(l, cfg[l]));
                }
            } catch (SearchException e) {
                assertTrue(e.getMessage().startsWith("uniform: no uniform precision meets"), e.getMessage());
            }
        }
    }

    @Test
    void uniformPicksTheBestFeasibleUniformConfig() {
        SearchProblem p = SyntheticProblems.make(3, 8, 6, 1, 0.5);
        SearchResult r = new UniformStrategy().search(p, CONTROL);
        double best = Double.POSITIVE_INFINITY;
        for (String label : UniformStrategy.labels(p)) {
            int[] cfg = UniformStrategy.uniformConfig(p, label);
            if (p.feasible(cfg)) {
                best = Math.min(best, p.damage(cfg));
            }
        }
        assertEquals(best, r.damage(), 0);
    }

    @Test
    void gaIsDeterministicForASeed() {
        SearchProblem p = SyntheticProblems.make(11, 20, 8, 2, 0.3);
        SearchControl c1 = SearchControl.builder().seed(42).threads(2).build();
        SearchResult a = GeneticStrategy.builder().build().search(p, c1);
        SearchResult b = GeneticStrategy.builder()
                .build()
                .search(p, SearchControl.builder().seed(42).threads(1).build());
        assertArrayEquals(a.config(), b.config());
        assertEquals(a.evaluations(), b.evaluations());
        assertEquals(a.candidates(), b.candidates());
        SearchResult n1 = Nsga2Strategy.builder().generations(30).build().search(p, c1);
        SearchResult n2 = Nsga2Strategy.builder().generations(30).build().search(p, c1);
        assertEquals(n1.candidates(), n2.candidates());
    }

    /**
     * GA regret without warm start on the 4096-config problems. A run evaluates up to 100 x 300
     * individuals, several times the space, so it should find the optimum; we allow 1% of the optimum
     * per problem as slack for a seed that converges early (bySteadyFitness) to a near-optimal config,
     * and require the optimum itself on most problems.
     */
    @Test
    void gaRegretIsSmall() {
        int exact = 0, n = 0;
        for (SearchProblem p : smallProblems()) {
            double opt = optimum(p);
            SearchResult r = GeneticStrategy.builder().warmStart(false).build().search(p, CONTROL);
            assertTrue(
                    r.damage() - opt <= 0.01 * Math.abs(opt) + 1e-12,
                    () -> "ga regret " + (r.damage() - opt) + " over optimum " + opt);
            n++;
            if (r.damage() - opt <= 1e-12) {
                exact++;
            }
        }
        assertTrue(exact >= 0.9 * n, "ga found the optimum on " + exact + " of " + n);
    }

    @Test
    void measuredFitnessUsesTheEvaluator() {
        SearchProblem base = SyntheticProblems.make(9, 6, 4, 1, 0.4);
        // accuracy = 0.9 - damage: the measured optimum is the predicted optimum
        SearchProblem p =
                base.toBuilder().evaluator(cfg -> 0.9 - base.damage(cfg)).build();
        double opt = optimum(p);
        SearchResult r = GeneticStrategy.builder()
                .fitness(GeneticStrategy.Fitness.MEASURED)
                .build()
                .search(p, CONTROL);
        assertEquals(opt, r.damage(), 1e-12);
        assertEquals(0.9 - opt, r.best().accuracy(), 1e-12);
        assertThrows(
                SearchException.class,
                () -> GeneticStrategy.builder()
                        .fitness(GeneticStrategy.Fitness.MEASURED)
                        .build()
                        .search(base, CONTROL));
    }

    /**
     * The NSGA-II front: feasible, mutually non-dominated, and its least-damage end reaches the ILP
     * optimum under the same budgets within 2% — NSGA-II spreads its population over the whole front
     * instead of concentrating at that extreme, so unlike ga it is not expected to hit it exactly
     * every time, but with 100 x 200 evaluations on 4096 configs it should come very close.
     */
    @Test
    void nsga2FrontIsFeasibleNonDominatedAndReachesTheOptimum() {
        for (SearchProblem p : smallProblems()) {
            double opt = new IlpStrategy().search(p, CONTROL).damage();
            SearchResult r = Nsga2Strategy.builder().build().search(p, CONTROL);
            List<Candidate> front = r.candidates();
            assertFalse(front.isEmpty());
            int[] obj = p.budgets().stream()
                    .mapToInt(b -> p.costIndex(b.cost()))
                    .distinct()
                    .toArray();
            for (Candidate a : front) {
                assertTrue(a.feasible() && p.feasible(a.config()));
                for (Candidate b : front) {
                    assertFalse(a != b && Nsga2Strategy.dominates(b, a, obj, false), "dominated member");
                }
            }
            double minDamage =
                    front.stream().mapToDouble(Candidate::damage).min().orElseThrow();
            assertEquals(minDamage, r.damage(), 0);
            assertTrue(
                    minDamage <= opt + 0.02 * Math.abs(opt) + 1e-12,
                    () -> "nsga2 min damage " + minDamage + " vs ilp " + opt);
        }
    }

    @Test
    void infeasibleBudgetNamesTheBudgetAndTheGap() {
        SearchSpace space = SearchSpace.uniform(List.of("a", "b"), List.of("int8", "int4"));
        SearchProblem p = SearchProblem.builder(space)
                .damage(new double[][] {{0, 1}, {0, 1}})
                .cost("size", new double[][] {{1000, 600}, {1200, 634}})
                .budget("size", 1000)
                .build();
        for (SearchStrategy s : List.of(
                new IlpStrategy(),
                GeneticStrategy.builder().build(),
                Nsga2Strategy.builder().build(),
                new GreedyStrategy(),
                new UniformStrategy(),
                new RandomStrategy(10),
                new ExhaustiveStrategy())) {
            InfeasibleBudgetException e = assertThrows(InfeasibleBudgetException.class, () -> s.search(p, CONTROL));
            assertEquals("budget size <= 1,000: the cheapest config needs 1,234 (23% over)", e.getMessage());
            assertEquals(234, e.gap(), 1e-9);
        }
    }

    @Test
    void budgetsThatCannotBeMetTogetherAreReported() {
        SearchSpace space = SearchSpace.uniform(List.of("a", "b"), List.of("x", "y"));
        SearchProblem p = SearchProblem.builder(space)
                .damage(new double[][] {{0, 1}, {0, 1}})
                .cost("size", new double[][] {{0, 10}, {0, 10}})
                .cost("bops", new double[][] {{10, 0}, {10, 0}})
                .budget("size", 5)
                .budget("bops", 5)
                .build();
        InfeasibleBudgetException e =
                assertThrows(InfeasibleBudgetException.class, () -> new IlpStrategy().search(p, CONTROL));
        assertTrue(e.getMessage().contains("size <= 5 and bops <= 5"), e.getMessage());
        assertThrows(InfeasibleBudgetException.class, () -> new ExhaustiveStrategy().search(p, CONTROL));
    }

    @Test
    void zeroDeadlineKeepsAFeasibleConfigAndSaysItStoppedEarly() {
        SearchProblem big = SyntheticProblems.make(21, 40, 12, 2, 0.3);
        SearchProblem mid = SyntheticProblems.make(22, 6, 10, 2, 0.3); // 10^6 configs
        for (SearchStrategy s : List.of(
                GeneticStrategy.builder().build(), Nsga2Strategy.builder().build(), new RandomStrategy(100000))) {
            SearchResult r = s.search(
                    big, SearchControl.builder().timeLimit(Duration.ZERO).build());
            assertTrue(r.stoppedEarly(), s.name());
            assertTrue(r.feasible() && big.feasible(r.config()), s.name());
        }
        SearchResult ex = new ExhaustiveStrategy()
                .search(mid, SearchControl.builder().timeLimit(Duration.ZERO).build());
        assertTrue(ex.stoppedEarly());
        assertFalse(ex.optimal());
        assertTrue(mid.feasible(ex.config()));
        AtomicBoolean cancel = new AtomicBoolean(true);
        SearchResult ilp = new IlpStrategy()
                .search(big, SearchControl.builder().cancel(cancel).build());
        assertTrue(big.feasible(ilp.config()));
        SearchResult ga = GeneticStrategy.builder()
                .build()
                .search(big, SearchControl.builder().cancel(cancel).build());
        assertTrue(ga.stoppedEarly() && big.feasible(ga.config()));
    }

    @Test
    void paretoSweepIsMonotoneAndDeduplicated() {
        SearchProblem p = SyntheticProblems.make(31, 10, 6, 1, 0.5);
        List<ParetoSweep.Point> pts = ParetoSweep.run(p, "size", 20, null, CONTROL);
        assertTrue(pts.size() >= 5 && pts.size() <= 20, "points " + pts.size());
        double prevBudget = Double.NEGATIVE_INFINITY, prevDamage = Double.POSITIVE_INFINITY;
        java.util.Set<String> configs = new java.util.HashSet<>();
        for (ParetoSweep.Point pt : pts) {
            assertTrue(pt.budget() > prevBudget);
            assertTrue(pt.candidate().damage() <= prevDamage + 1e-12);
            assertTrue(pt.candidate().cost(p.costIndex("size")) <= pt.budget() * (1 + 1e-9));
            assertTrue(pt.optimal());
            assertTrue(configs.add(java.util.Arrays.toString(pt.candidate().config())));
            prevBudget = pt.budget();
            prevDamage = pt.candidate().damage();
        }
        assertArrayEquals(p.mostPreciseConfig(), pts.getLast().candidate().config());
    }

    @Test
    void builderValidatesTables() {
        SearchSpace space = SearchSpace.uniform(List.of("a", "b"), List.of("x", "y"));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SearchProblem.builder(space)
                        .damage(new double[][] {{0, 1}, {0}})
                        .build());
        assertTrue(e.getMessage().contains("layer b has 1 values for 2 choices"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> SearchProblem.builder(space)
                        .damage(new double[][] {{0, 1}, {0, 1}})
                        .budget("size", 3)
                        .build());
        UnknownStrategyException unknown =
                assertThrows(UnknownStrategyException.class, () -> SearchStrategies.byName("annealing"));
        assertEquals(
                "strategy 'annealing' is not one of ilp, ga, nsga2, greedy, uniform, random, exhaustive, ilp-predicted",
                unknown.getMessage());
        assertEquals(
                "'annealing' is not one of ilp, ga, nsga2, greedy, uniform, random, exhaustive, ilp-predicted",
                unknown.reason());
    }

    @Test
    void everyEntryBuildsTheStrategyOfItsName() {
        for (SearchStrategies.Entry e : SearchStrategies.entries()) {
            assertEquals(e.name(), e.factory().get().name());
            assertEquals(
                    e.name(),
                    SearchStrategies.byName(e.name().toUpperCase(java.util.Locale.ROOT))
                            .name());
            assertEquals(e, SearchStrategies.entry(" " + e.name()));
        }
        assertEquals(
                SearchStrategies.NAMES,
                SearchStrategies.entries().stream()
                        .map(SearchStrategies.Entry::name)
                        .toList());
    }
}
