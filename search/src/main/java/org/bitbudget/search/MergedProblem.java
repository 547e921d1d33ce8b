package org.bitbudget.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * A problem with couplings as one without: every {@link Coupling} becomes one variable whose choices
 * are the combinations of its members' allowed choices that share a class (its damage and costs are
 * the members' sums), every other layer keeps its allowed choices. Any strategy then searches the
 * merged problem unchanged — the genetic strategies get one gene per group, the integer program one
 * one-hot row — and its configs are {@link #expand expanded} back; they respect every coupling by
 * construction. Every strategy of this package starts with {@link #search}.
 */
public final class MergedProblem {
    /** The most combinations one coupling may have (beyond it the search space is not worth merging). */
    public static final long MAX_COMBINATIONS = 1L << 16;

    private final SearchProblem original;
    private final SearchProblem merged;
    private final int[][] members; // merged layer -> original layers
    private final int[][][] choices; // merged layer -> merged choice -> original choice per member

    private MergedProblem(SearchProblem original) {
        this.original = original;
        int layers = original.layerCount();
        Coupling[] owner = new Coupling[layers];
        int[] position = new int[layers];
        for (Coupling c : original.couplings()) {
            int[] ls = c.layers();
            for (int i = 0; i < ls.length; i++) {
                owner[ls[i]] = c;
                position[ls[i]] = i;
            }
        }
        List<int[]> memberList = new ArrayList<>();
        List<int[][]> choiceList = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<List<String>> labels = new ArrayList<>();
        boolean[] done = new boolean[layers];
        for (int l = 0; l < layers; l++) {
            if (done[l]) {
                continue;
            }
            int[] group = new int[] {l};
            int[][] keyed = null;
            if (owner[l] != null) {
                group = sorted(owner[l].layers());
                keyed = new int[group.length][];
                for (int i = 0; i < group.length; i++) {
                    keyed[i] = owner[l].keys()[position[group[i]]];
                }
            }
            int[][] combos = combinations(original, group, keyed, owner[l]);
            List<String> comboLabels = new ArrayList<>();
            StringBuilder name = new StringBuilder();
            for (int m : group) {
                done[m] = true;
                name.append(name.isEmpty() ? "" : "+").append(original.space().layer(m));
            }
            for (int[] combo : combos) {
                StringBuilder label = new StringBuilder();
                for (int i = 0; i < group.length; i++) {
                    label.append(i == 0 ? "" : "+").append(original.space().choice(group[i], combo[i]));
                }
                comboLabels.add(label.toString());
            }
            memberList.add(group);
            choiceList.add(combos);
            names.add(name.toString());
            labels.add(comboLabels);
        }
        this.members = memberList.toArray(new int[0][]);
        this.choices = choiceList.toArray(new int[0][][]);
        SearchProblem.Builder b = SearchProblem.builder(new SearchSpace(names, labels));
        double[][] damage = new double[members.length][];
        for (int v = 0; v < members.length; v++) {
            damage[v] = new double[choices[v].length];
            for (int c = 0; c < choices[v].length; c++) {
                for (int i = 0; i < members[v].length; i++) {
                    damage[v][c] += original.damage(members[v][i], choices[v][c][i]);
                }
            }
        }
        b.damage(damage);
        for (int k = 0; k < original.costNames().size(); k++) {
            double[][] table = new double[members.length][];
            for (int v = 0; v < members.length; v++) {
                table[v] = new double[choices[v].length];
                for (int c = 0; c < choices[v].length; c++) {
                    for (int i = 0; i < members[v].length; i++) {
                        table[v][c] += original.cost(k, members[v][i], choices[v][c][i]);
                    }
                }
            }
            b.cost(original.costNames().get(k), table);
        }
        original.budgets().forEach(b::budget);
        original.evaluator().ifPresent(e -> b.evaluator(cfg -> e.accuracy(expand(cfg))));
        this.merged = b.build();
    }

    /** {@code problem} merged; the problem itself has no couplings then. */
    public static MergedProblem of(SearchProblem problem) {
        return new MergedProblem(problem);
    }

    /**
     * Runs {@code strategy} on {@code problem}'s merged form and returns its result in {@code problem}'s
     * terms: configs expanded, damage, costs and feasibility recomputed, measured accuracies kept.
     */
    public static SearchResult search(SearchStrategy strategy, SearchProblem problem, SearchControl control) {
        MergedProblem m = of(problem);
        SearchResult r = strategy.search(m.merged, control);
        List<Candidate> candidates = r.candidates().stream().map(m::expand).toList();
        return new SearchResult(
                r.strategy(),
                m.expand(r.best()),
                candidates,
                r.evaluations(),
                r.seconds(),
                r.stoppedEarly(),
                r.optimal());
    }

    /** The merged problem, without couplings. */
    public SearchProblem problem() {
        return merged;
    }

    /** The original problem's config of a merged config. */
    public int[] expand(int[] mergedConfig) {
        int[] cfg = new int[original.layerCount()];
        for (int v = 0; v < members.length; v++) {
            int[] combo = choices[v][mergedConfig[v]];
            for (int i = 0; i < members[v].length; i++) {
                cfg[members[v][i]] = combo[i];
            }
        }
        return cfg;
    }

    /** The merged config of an original config, or null when it breaks a coupling or uses a forbidden choice. */
    public int[] contract(int[] config) {
        if (!original.valid(config) || !original.respectsCouplings(config)) {
            return null;
        }
        int[] out = new int[members.length];
        for (int v = 0; v < members.length; v++) {
            out[v] = -1;
            for (int c = 0; c < choices[v].length && out[v] < 0; c++) {
                boolean same = true;
                for (int i = 0; i < members[v].length && same; i++) {
                    same = choices[v][c][i] == config[members[v][i]];
                }
                if (same) {
                    out[v] = c;
                }
            }
        }
        return out;
    }

    /** A merged problem's candidate in the original problem's terms (its measured accuracy kept). */
    public Candidate expand(Candidate c) {
        return original.candidate(expand(c.config()), c.accuracy());
    }

    private static int[] sorted(int[] layers) {
        int[] s = layers.clone();
        Arrays.sort(s);
        return s;
    }

    /**
     * The allowed combinations of {@code group}'s choices: for a single layer its allowed choices; for
     * a coupling, per class allowed in every member, the product of the members' allowed choices of
     * that class.
     */
    private static int[][] combinations(SearchProblem p, int[] group, int[][] keys, Coupling coupling) {
        if (keys == null) {
            int[] al = p.allowedChoicesUnsafe(group[0]);
            int[][] out = new int[al.length][];
            for (int c = 0; c < al.length; c++) {
                out[c] = new int[] {al[c]};
            }
            return out;
        }
        TreeSet<Integer> classes = new TreeSet<>();
        for (int c : p.allowedChoicesUnsafe(group[0])) {
            classes.add(keys[0][c]);
        }
        List<int[][]> perClass = new ArrayList<>();
        long total = 0;
        for (int k : classes) {
            int[][] options = new int[group.length][];
            long count = 1;
            for (int i = 0; i < group.length; i++) {
                int kk = k;
                int ii = i;
                options[i] = Arrays.stream(p.allowedChoicesUnsafe(group[i]))
                        .filter(c -> keys[ii][c] == kk)
                        .toArray();
                count *= Math.max(1, options[i].length);
                count = Math.min(count, MAX_COMBINATIONS + 1);
                if (options[i].length == 0) {
                    count = 0;
                }
            }
            if (count > 0) {
                perClass.add(options);
                total += count;
            }
        }
        if (total > MAX_COMBINATIONS) {
            throw new SearchException("coupling " + coupling.name() + ": more than " + MAX_COMBINATIONS
                    + " combinations of its layers' choices; couple weight formats too, or offer fewer formats");
        }
        List<int[]> out = new ArrayList<>();
        for (int[][] options : perClass) {
            int[] idx = new int[group.length];
            while (true) {
                int[] combo = new int[group.length];
                for (int i = 0; i < group.length; i++) {
                    combo[i] = options[i][idx[i]];
                }
                out.add(combo);
                int i = group.length - 1;
                while (i >= 0 && ++idx[i] == options[i].length) {
                    idx[i] = 0;
                    i--;
                }
                if (i < 0) {
                    break;
                }
            }
        }
        return out.toArray(new int[0][]);
    }
}
