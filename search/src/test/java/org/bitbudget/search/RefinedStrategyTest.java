package org.bitbudget.search;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RefinedStrategyTest {
    private static final SearchControl CONTROL =
            SearchControl.builder().seed(3).threads(2).build();

    /**
     * A measured score whose layers interact: every pair of layers both damaged beyond {@code 0.05}
     * costs twice their product, so the sum of single-layer damages (what the problem predicts)
     * underestimates configs that lower several layers together.
     */
    private static Evaluator interacting(SearchProblem p) {
        return config -> {
            double drop = 0;
            for (int l = 0; l < config.length; l++) {
                drop += p.damage(l, config[l]);
                for (int m = 0; m < l; m++) {
                    double a = p.damage(l, config[l]), b = p.damage(m, config[m]);
                    if (a > 0.05 && b > 0.05) {
                        drop += 2 * a * b;
                    }
                }
            }
            return 1 - drop;
        };
    }

    /** The best score of any feasible config, by enumeration. */
    private static double bestScore(SearchProblem p, Evaluator e) {
        int layers = p.layerCount();
        int[] c = new int[layers];
        double best = Double.NEGATIVE_INFINITY;
        while (true) {
            if (p.valid(c) && p.feasible(c)) {
                best = Math.max(best, e.accuracy(c));
            }
            int l = 0;
            while (l < layers && ++c[l] == p.space().choiceCount(l)) {
                c[l++] = 0;
            }
            if (l == layers) {
                return best;
            }
        }
    }

    @Test
    void refinementNeverScoresBelowTheIlpAnswerAndRecoversMostOfItsRegret() {
        double ilpRegret = 0, refinedRegret = 0;
        int improved = 0;
        for (int s = 1; s <= 8; s++) {
            int seed = s;
            SearchProblem plain = StrategiesTest.feasible(t -> SyntheticProblems.make(seed, 6, 4, 2, t), 0.2);
            Evaluator score = interacting(plain);
            SearchProblem p = plain.toBuilder().evaluator(score).build();
            double best = bestScore(p, score);
            SearchResult ilp = new IlpStrategy().search(p, CONTROL);
            SearchResult refined = new RefinedStrategy().search(p, CONTROL);
            assertTrue(p.feasible(refined.config()));
            double a = score.accuracy(refined.config());
            assertEquals(a, refined.best().accuracy(), 0.0, "the returned score is the measured one");
            double i = score.accuracy(ilp.config());
            assertTrue(a >= i, () -> "refined " + a + " below the ilp answer " + i);
            assertTrue(a <= best + 1e-12);
            ilpRegret += best - i;
            refinedRegret += best - a;
            if (a > i) {
                improved++;
            }
        }
        assertTrue(improved >= 2, "refinement improved " + improved + " of 8 problems");
        assertTrue(refinedRegret <= 0.5 * ilpRegret, "regret " + refinedRegret + " vs ilp " + ilpRegret);
    }

    /**
     * The cap bounds how many configs are measured, on plain problems and on coupled ones (whose group
     * variables have dozens of one-layer moves), and a capped refinement still never returns less than
     * the ILP's answer.
     */
    @Test
    void theCapBoundsTheMeasurementsAndTheAnswerStaysAtLeastTheIlps() {
        for (int s = 1; s <= 4; s++) {
            int seed = s;
            SearchProblem plain = StrategiesTest.feasible(t -> SyntheticProblems.make(seed, 7, 6, 2, t), 0.45);
            int[][] classes = new int[3][6];
            for (int[] row : classes) {
                for (int c = 0; c < 6; c++) {
                    row[c] = c / 3;
                }
            }
            SearchProblem coupledPlain = plain.toBuilder()
                    .couple(new Coupling("g", new int[] {0, 1, 2}, classes))
                    .build();
            for (SearchProblem q : java.util.List.of(plain, coupledPlain)) {
                Evaluator score = interacting(q);
                double ilp = score.accuracy(new IlpStrategy()
                        .search(q.toBuilder().evaluator(score).build(), CONTROL)
                        .config());
                int unlimited = measurements(q, score, Integer.MAX_VALUE);
                for (int cap : new int[] {1, 5, 20}) {
                    AtomicInteger calls = new AtomicInteger();
                    SearchProblem p = q.toBuilder()
                            .evaluator(c -> {
                                calls.incrementAndGet();
                                return score.accuracy(c);
                            })
                            .build();
                    SearchResult r = new RefinedStrategy("ilp", new IlpStrategy(), 4, cap).search(p, CONTROL);
                    String what = "seed " + seed + ", " + q.couplings().size() + " couplings, cap " + cap;
                    assertTrue(calls.get() <= cap, what + ": " + calls.get() + " measured");
                    assertTrue(calls.get() <= unlimited, what);
                    assertTrue(p.feasible(r.config()) && p.respectsCouplings(r.config()), what);
                    assertTrue(score.accuracy(r.config()) >= ilp, what);
                }
            }
        }
    }

    /** How many configs an uncapped refinement measures on {@code q}. */
    private static int measurements(SearchProblem q, Evaluator score, int cap) {
        AtomicInteger calls = new AtomicInteger();
        SearchProblem p = q.toBuilder()
                .evaluator(c -> {
                    calls.incrementAndGet();
                    return score.accuracy(c);
                })
                .build();
        new RefinedStrategy("ilp", new IlpStrategy(), 4, cap).search(p, CONTROL);
        return calls.get();
    }

    @Test
    void withoutAnEvaluatorItIsTheIlp() {
        for (SearchProblem p : StrategiesTest.smallProblems()) {
            SearchResult ilp = new IlpStrategy().search(p, CONTROL);
            SearchResult refined = new RefinedStrategy().search(p, CONTROL);
            assertArrayEquals(ilp.config(), refined.config());
            assertEquals(ilp.optimal(), refined.optimal());
        }
    }

    @Test
    void aPassedDeadlineKeepsAFeasibleAnswer() {
        SearchProblem plain = StrategiesTest.feasible(t -> SyntheticProblems.make(5, 6, 4, 2, t), 0.2);
        SearchProblem p = plain.toBuilder().evaluator(interacting(plain)).build();
        SearchControl expired =
                SearchControl.builder().timeLimit(Duration.ZERO).threads(2).build();
        SearchResult r = new RefinedStrategy().search(p, expired);
        assertTrue(r.feasible());
        assertTrue(r.stoppedEarly());
    }

    @Test
    void theDefaultIlpRefines() {
        assertInstanceOf(RefinedStrategy.class, SearchStrategies.byName("ilp"));
        assertInstanceOf(IlpStrategy.class, SearchStrategies.byName("ilp-predicted"));
        assertThrows(IllegalArgumentException.class, () -> new RefinedStrategy("ilp", new IlpStrategy(), 0));
        assertThrows(IllegalArgumentException.class, () -> new RefinedStrategy("ilp", new IlpStrategy(), 4, 0));
    }
}
