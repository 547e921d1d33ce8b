package org.bitbudget.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Couplings on synthetic problems whose choice c has activation class c / 3 (as {@link
 * SyntheticProblems#make} labels them): every strategy returns configs that respect them, and the exact
 * ones find the optimum over coupled configs that brute force finds.
 */
class CouplingTest {
    private static final SearchControl CONTROL =
            SearchControl.builder().seed(3).threads(2).build();

    private static int[][] activationClasses(int members, int choices) {
        int[][] keys = new int[members][choices];
        for (int[] row : keys) {
            for (int c = 0; c < choices; c++) {
                row[c] = c / 3;
            }
        }
        return keys;
    }

    /** 7 layers × 6 choices, two budgets; layers {0, 1, 2} and {4, 5} share their activation class. */
    private static SearchProblem coupled(long seed) {
        SearchProblem plain = SyntheticProblems.make(seed, 7, 6, 2, 0.45);
        SearchProblem.Builder b = plain.toBuilder()
                .couple(new Coupling("a", new int[] {0, 1, 2}, activationClasses(3, 6)))
                .couple(new Coupling("b", new int[] {5, 4}, activationClasses(2, 6)));
        SearchProblem withoutEvaluator = b.build();
        return b.evaluator(cfg -> -withoutEvaluator.damage(cfg)).build();
    }

    /** The least damage over feasible configs that respect the couplings, by enumeration. */
    private static double bruteForce(SearchProblem p) {
        int[] cfg = new int[p.layerCount()];
        double best = Double.POSITIVE_INFINITY;
        while (true) {
            if (p.feasible(cfg)) {
                best = Math.min(best, p.damage(cfg));
            }
            int l = 0;
            while (l < cfg.length && ++cfg[l] == p.space().choiceCount(l)) {
                cfg[l++] = 0;
            }
            if (l == cfg.length) {
                return best;
            }
        }
    }

    @Test
    void everyStrategyRespectsTheCouplingsAndTheExactOnesFindTheCoupledOptimum() {
        for (long seed = 1; seed <= 3; seed++) {
            SearchProblem p = coupled(seed);
            assertEquals(2, p.couplings().size());
            double optimum = bruteForce(p);
            List<SearchStrategy> strategies = new java.util.ArrayList<>(SearchStrategies.entries().stream()
                    .map(e -> e.factory().get())
                    .toList());
            strategies.add(GeneticStrategy.builder()
                    .fitness(GeneticStrategy.Fitness.MEASURED)
                    .build());
            strategies.add(Nsga2Strategy.builder()
                    .fitness(GeneticStrategy.Fitness.MEASURED)
                    .build());
            for (SearchStrategy s : strategies) {
                SearchResult r = s.search(p, CONTROL);
                String what = s.name() + " seed " + seed;
                assertTrue(r.feasible(), what);
                assertTrue(
                        p.respectsCouplings(r.config()), what + ": " + p.space().describe(r.config()));
                assertEquals(p.damage(r.config()), r.damage(), 1e-12, what);
                for (Candidate c : r.candidates()) {
                    assertTrue(p.respectsCouplings(c.config()), what + " candidate " + c);
                }
                if (List.of("ilp", "ilp-predicted", "exhaustive").contains(s.name())) {
                    assertEquals(optimum, r.damage(), 1e-9, what);
                }
                assertTrue(r.damage() >= optimum - 1e-9, what);
            }
        }
    }

    @Test
    void withoutTheCouplingsTheOptimumBreaksThem() {
        // The check above is not vacuous: the unconstrained optimum of these problems mixes classes.
        SearchProblem p = coupled(1);
        SearchProblem plain = SyntheticProblems.make(1, 7, 6, 2, 0.45);
        int[] best = new ExhaustiveStrategy().search(plain, CONTROL).config();
        assertFalse(p.respectsCouplings(best), p.space().describe(best));
        assertTrue(plain.damage(best) < bruteForce(p));
    }

    @Test
    void theParetoSweepRespectsTheCouplings() {
        SearchProblem p = coupled(2);
        List<ParetoSweep.Point> points = ParetoSweep.run(p, "size", 6, null, CONTROL);
        assertFalse(points.isEmpty());
        for (ParetoSweep.Point pt : points) {
            assertTrue(p.respectsCouplings(pt.candidate().config()), pt.toString());
        }
    }

    @Test
    void aMergedProblemHasOneVariablePerGroupAndExpandsBack() {
        SearchProblem p = coupled(1);
        MergedProblem m = MergedProblem.of(p);
        // {0,1,2}: two classes of 3 choices each, 3^3 per class; {4,5}: 2 x 3^2; layers 3 and 6 alone.
        assertEquals(
                List.of("layer0+layer1+layer2", "layer3", "layer4+layer5", "layer6"),
                m.problem().space().layers());
        assertEquals(54, m.problem().space().choiceCount(0));
        assertEquals(18, m.problem().space().choiceCount(2));
        assertTrue(m.problem().couplings().isEmpty());
        int[] cfg = {0, 2, 1, 5, 3, 4, 0};
        assertTrue(p.respectsCouplings(cfg));
        int[] merged = m.contract(cfg);
        assertArrayEquals(cfg, m.expand(merged));
        assertEquals(p.damage(cfg), m.problem().damage(merged), 1e-12);
        assertArrayEquals(p.costs(cfg), m.problem().costs(merged), 1e-6);
        assertNull(m.contract(new int[] {0, 3, 1, 5, 3, 4, 0}));
    }

    @Test
    void aCouplingWithoutACommonClassOrWithTooManyCombinationsIsRefused() {
        SearchProblem plain = SyntheticProblems.make(4, 7, 6, 1, 0.5);
        SearchProblem.Builder noCommon = plain.toBuilder()
                .forbid(0, 0)
                .forbid(0, 1)
                .forbid(0, 2)
                .forbid(1, 3)
                .forbid(1, 4)
                .forbid(1, 5)
                .couple(new Coupling("x", new int[] {0, 1}, activationClasses(2, 6)));
        SearchException e = assertThrows(SearchException.class, noCommon::build);
        assertEquals("coupling x: its layers allow no common choice class", e.getMessage());

        int[][] oneClass = new int[7][6];
        SearchProblem huge = plain.toBuilder()
                .couple(new Coupling("all", new int[] {0, 1, 2, 3, 4, 5, 6}, oneClass))
                .build();
        // One class for every choice constrains nothing: the coupling is dropped.
        assertTrue(huge.couplings().isEmpty());
        // 12 choices in two classes of 6: 2 x 6^7 combinations.
        int[][] halves = new int[7][12];
        for (int[] row : halves) {
            java.util.Arrays.fill(row, 6, 12, 1);
        }
        SearchProblem tooMany = SyntheticProblems.make(4, 7, 12, 1, 0.5).toBuilder()
                .couple(new Coupling("all", new int[] {0, 1, 2, 3, 4, 5, 6}, halves))
                .build();
        SearchException big = assertThrows(SearchException.class, () -> new IlpStrategy().search(tooMany, CONTROL));
        assertTrue(big.getMessage().startsWith("coupling all: more than 65536 combinations"), big.getMessage());
    }
}
