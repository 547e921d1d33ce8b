package org.bitbudget.search;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded synthetic problems shaped like real ones: more bits cost more and damage less. */
final class SyntheticProblems {
    private SyntheticProblems() {}

    static final String[] COSTS = {"size", "bops", "latency"};

    /**
     * {@code layers} layers with {@code choices} choices each (choice c has weight bits 2 + c % 7 and
     * activation bits 2 + (c / 3) % 7, so several choices trade differently), {@code budgets} budgets
     * on the first costs at {@code tightness} of the way from the cheapest to the dearest total.
     */
    static SearchProblem make(long seed, int layers, int choices, int budgets, double tightness) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> names = new ArrayList<>();
        List<List<String>> labels = new ArrayList<>();
        double[][] dmg = new double[layers][choices];
        double[][][] cost = new double[3][layers][choices];
        for (int l = 0; l < layers; l++) {
            names.add("layer" + l);
            List<String> ls = new ArrayList<>();
            double params = 1000 + r.nextInt(100000), macs = params * (1 + r.nextInt(50)), sens = r.nextDouble() * 10;
            for (int c = 0; c < choices; c++) {
                int wb = 2 + c % 7, ab = 2 + (c / 3) % 7;
                ls.add("w" + wb + "a" + ab + "#" + c);
                dmg[l][c] = sens * (Math.pow(2, -2 * wb) + 0.5 * Math.pow(2, -2 * ab)) * (1 + 0.3 * r.nextDouble());
                cost[0][l][c] = params * wb;
                cost[1][l][c] = macs * wb * ab;
                cost[2][l][c] = macs * (0.3 + 0.1 * Math.max(wb, ab)) * (1 + 0.2 * r.nextDouble());
            }
            labels.add(ls);
        }
        SearchProblem.Builder b =
                SearchProblem.builder(new SearchSpace(names, labels)).damage(dmg);
        for (int i = 0; i < 3; i++) {
            b.cost(COSTS[i], cost[i]);
        }
        for (int i = 0; i < budgets; i++) {
            double mn = 0, mx = 0;
            for (int l = 0; l < layers; l++) {
                double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < choices; c++) {
                    lo = Math.min(lo, cost[i][l][c]);
                    hi = Math.max(hi, cost[i][l][c]);
                }
                mn += lo;
                mx += hi;
            }
            b.budget(COSTS[i], mn + (mx - mn) * tightness);
        }
        return b.build();
    }

    /**
     * A problem with uncorrelated random damage and costs (harder for heuristics), choice counts
     * varying per layer between 2 and {@code maxChoices}.
     */
    static SearchProblem random(long seed, int layers, int maxChoices, int budgets, double tightness) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> names = new ArrayList<>();
        List<List<String>> labels = new ArrayList<>();
        double[][] dmg = new double[layers][];
        double[][][] cost = new double[budgets][layers][];
        for (int l = 0; l < layers; l++) {
            names.add("L" + l);
            int n = 2 + r.nextInt(maxChoices - 1);
            List<String> ls = new ArrayList<>();
            dmg[l] = new double[n];
            for (int b = 0; b < budgets; b++) {
                cost[b][l] = new double[n];
            }
            for (int c = 0; c < n; c++) {
                ls.add("f" + c);
                dmg[l][c] = r.nextDouble();
                for (int b = 0; b < budgets; b++) {
                    cost[b][l][c] = r.nextInt(1, 1000);
                }
            }
            labels.add(ls);
        }
        SearchProblem.Builder b =
                SearchProblem.builder(new SearchSpace(names, labels)).damage(dmg);
        for (int i = 0; i < budgets; i++) {
            b.cost("c" + i, cost[i]);
            double mn = 0, mx = 0;
            for (int l = 0; l < layers; l++) {
                mn += java.util.Arrays.stream(cost[i][l]).min().orElseThrow();
                mx += java.util.Arrays.stream(cost[i][l]).max().orElseThrow();
            }
            b.budget("c" + i, Math.floor(mn + (mx - mn) * tightness) + 0.5);
        }
        return b.build();
    }
}
