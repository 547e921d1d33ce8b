package org.bitbudget.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The abstract problem every strategy solves: choose one choice per layer of a {@link SearchSpace}
 * to minimise the predicted damage {@code sum_l damage[l][c_l]} (additive across layers, higher is
 * worse) subject to budgets {@code sum_l cost[name][l][c_l] <= limit}. Some choices may be
 * forbidden (pinned layers, a bound on a per-choice property such as accumulator bits); strategies
 * only ever pick allowed choices. Optionally an {@link Evaluator} measures accuracy for strategies
 * that use measured fitness.
 *
 * <p>Immutable; build it with {@link #builder(SearchSpace)}. Budget totals are compared with a
 * relative tolerance of 1e-9 of the limit's magnitude, so that sums taken in a different order agree.
 */
public final class SearchProblem {
    /** Relative tolerance of budget comparisons. */
    public static final double TOLERANCE = 1e-9;

    private final SearchSpace space;
    private final double[][] damage;
    private final List<String> costNames;
    private final double[][][] costs; // [cost][layer][choice]
    private final List<Budget> budgets;
    private final int[] budgetCost; // budget -> cost index
    private final boolean[][] allowed;
    private final int[][] allowedChoices;
    private final int[] pinned; // -1 = free
    private final Evaluator evaluator;
    private final double[] budgetScale;
    private final double[] minTotal;
    private final double[] maxTotal;
    private final List<Coupling> couplings;

    private SearchProblem(Builder b) {
        this.space = b.space;
        int layers = space.layerCount();
        if (b.damage == null) {
            throw new IllegalArgumentException("search problem: no damage table");
        }
        this.damage = copy(b.damage, "damage");
        this.costNames = List.copyOf(b.costs.keySet());
        this.costs = new double[costNames.size()][][];
        for (int i = 0; i < costNames.size(); i++) {
            costs[i] = copy(b.costs.get(costNames.get(i)), "cost " + costNames.get(i));
        }
        this.budgets = List.copyOf(b.budgets);
        this.budgetCost = new int[budgets.size()];
        for (int i = 0; i < budgets.size(); i++) {
            int ci = costNames.indexOf(budgets.get(i).cost());
            if (ci < 0) {
                throw new IllegalArgumentException("budget " + budgets.get(i) + ": unknown cost '"
                        + budgets.get(i).cost() + "', known: " + costNames);
            }
            budgetCost[i] = ci;
        }
        this.allowed = new boolean[layers][];
        for (int l = 0; l < layers; l++) {
            allowed[l] = new boolean[space.choiceCount(l)];
            Arrays.fill(allowed[l], true);
        }
        this.pinned = new int[layers];
        Arrays.fill(pinned, -1);
        for (int[] f : b.forbidden) {
            allowed[f[0]][f[1]] = false;
        }
        for (Map.Entry<Integer, Integer> p : b.pins.entrySet()) {
            int l = p.getKey(), c = p.getValue();
            if (!allowed[l][c]) {
                throw new IllegalArgumentException(
                        "layer " + space.layer(l) + ": pinned choice " + space.choice(l, c) + " is forbidden");
            }
            Arrays.fill(allowed[l], false);
            allowed[l][c] = true;
            pinned[l] = c;
        }
        this.allowedChoices = new int[layers][];
        for (int l = 0; l < layers; l++) {
            int n = 0;
            for (boolean a : allowed[l]) {
                if (a) {
                    n++;
                }
            }
            if (n == 0) {
                throw new SearchException("layer " + space.layer(l) + ": every choice is forbidden");
            }
            allowedChoices[l] = new int[n];
            for (int c = 0, k = 0; c < allowed[l].length; c++) {
                if (allowed[l][c]) {
                    allowedChoices[l][k++] = c;
                }
            }
        }
        this.evaluator = b.evaluator;
        this.couplings = effectiveCouplings(b.couplings);
        this.minTotal = new double[budgets.size()];
        this.maxTotal = new double[budgets.size()];
        this.budgetScale = new double[budgets.size()];
        for (int i = 0; i < budgets.size(); i++) {
            double[][] c = costs[budgetCost[i]];
            for (int l = 0; l < layers; l++) {
                double mn = Double.POSITIVE_INFINITY, mx = Double.NEGATIVE_INFINITY;
                for (int ch : allowedChoices[l]) {
                    mn = Math.min(mn, c[l][ch]);
                    mx = Math.max(mx, c[l][ch]);
                }
                minTotal[i] += mn;
                maxTotal[i] += mx;
            }
            budgetScale[i] =
                    Math.max(Math.max(Math.abs(budgets.get(i).limit()), maxTotal[i] - minTotal[i]), Double.MIN_NORMAL);
        }
    }

    /**
     * The couplings that constrain anything: those whose members' allowed choices span more than one
     * class. Checks that they are disjoint, fit the space and have a class every member allows.
     */
    private List<Coupling> effectiveCouplings(List<Coupling> given) {
        List<Coupling> out = new ArrayList<>();
        boolean[] coupled = new boolean[space.layerCount()];
        for (Coupling c : given) {
            int[] members = c.layers();
            Set<Integer> all = new HashSet<>();
            Set<Integer> common = null;
            for (int i = 0; i < members.length; i++) {
                int l = members[i];
                if (l < 0 || l >= space.layerCount() || coupled[l]) {
                    throw new IllegalArgumentException(
                            "coupling " + c.name() + ": layer index " + l + " is out of range or in another coupling");
                }
                coupled[l] = true;
                if (c.keys()[i].length != space.choiceCount(l)) {
                    throw new IllegalArgumentException("coupling " + c.name() + ": layer " + space.layer(l) + " has "
                            + c.keys()[i].length + " keys for " + space.choiceCount(l) + " choices");
                }
                Set<Integer> mine = new HashSet<>();
                for (int ch : allowedChoices[l]) {
                    mine.add(c.key(i, ch));
                }
                all.addAll(mine);
                if (common == null) {
                    common = mine;
                } else {
                    common.retainAll(mine);
                }
            }
            if (common.isEmpty()) {
                throw new SearchException("coupling " + c.name() + ": its layers allow no common choice class");
            }
            if (all.size() > 1) {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    private double[][] copy(double[][] table, String what) {
        Objects.requireNonNull(table, what);
        if (table.length != space.layerCount()) {
            throw new IllegalArgumentException(
                    what + " table: " + table.length + " rows for " + space.layerCount() + " layers");
        }
        double[][] out = new double[table.length][];
        for (int l = 0; l < table.length; l++) {
            if (table[l] == null || table[l].length != space.choiceCount(l)) {
                throw new IllegalArgumentException(
                        what + " table: layer " + space.layer(l) + " has " + (table[l] == null ? 0 : table[l].length)
                                + " values for " + space.choiceCount(l) + " choices");
            }
            for (int c = 0; c < table[l].length; c++) {
                if (!Double.isFinite(table[l][c])) {
                    throw new IllegalArgumentException(what + " table: layer " + space.layer(l) + ", choice "
                            + space.choice(l, c) + " is " + table[l][c]);
                }
            }
            out[l] = table[l].clone();
        }
        return out;
    }

    public static Builder builder(SearchSpace space) {
        return new Builder(space);
    }

    /** A builder preloaded with this problem's tables, budgets, forbidden choices and evaluator. */
    public Builder toBuilder() {
        Builder b = new Builder(space).damage(damage).evaluator(evaluator);
        b.couplings.addAll(couplings);
        for (int i = 0; i < costNames.size(); i++) {
            b.cost(costNames.get(i), costs[i]);
        }
        for (Budget bu : budgets) {
            b.budget(bu.cost(), bu.limit());
        }
        for (int l = 0; l < allowed.length; l++) {
            if (pinned[l] >= 0) {
                b.pin(l, pinned[l]);
                continue;
            }
            for (int c = 0; c < allowed[l].length; c++) {
                if (!allowed[l][c]) {
                    b.forbid(l, c);
                }
            }
        }
        return b;
    }

    /** This problem with its budgets replaced. */
    public SearchProblem withBudgets(List<Budget> newBudgets) {
        Builder b = toBuilder();
        b.budgets.clear();
        for (Budget bu : newBudgets) {
            b.budget(bu.cost(), bu.limit());
        }
        return b.build();
    }

    /** This problem with the budget on {@code cost} set to {@code limit} (added if absent). */
    public SearchProblem withBudget(String cost, double limit) {
        List<Budget> nb = new ArrayList<>();
        boolean replaced = false;
        for (Budget bu : budgets) {
            if (bu.cost().equals(cost)) {
                if (!replaced) {
                    nb.add(new Budget(cost, limit));
                }
                replaced = true;
            } else {
                nb.add(bu);
            }
        }
        if (!replaced) {
            nb.add(new Budget(cost, limit));
        }
        return withBudgets(nb);
    }

    public SearchSpace space() {
        return space;
    }

    public int layerCount() {
        return space.layerCount();
    }

    public List<String> costNames() {
        return costNames;
    }

    public List<Budget> budgets() {
        return budgets;
    }

    /** The couplings that constrain the choices (those every allowed choice trivially meets are dropped). */
    public List<Coupling> couplings() {
        return couplings;
    }

    /** Whether the config respects every coupling. */
    public boolean respectsCouplings(int[] config) {
        for (Coupling c : couplings) {
            if (!c.respectedBy(config)) {
                return false;
            }
        }
        return true;
    }

    public Optional<Evaluator> evaluator() {
        return Optional.ofNullable(evaluator);
    }

    public double damage(int layer, int choice) {
        return damage[layer][choice];
    }

    public double cost(int costIndex, int layer, int choice) {
        return costs[costIndex][layer][choice];
    }

    public int costIndex(String name) {
        int i = costNames.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("unknown cost '" + name + "', known: " + costNames);
        }
        return i;
    }

    /** Index into {@link #costNames()} of budget {@code b}'s cost. */
    public int budgetCost(int b) {
        return budgetCost[b];
    }

    /** Cost of choice {@code c} of layer {@code l} for budget {@code b}. */
    public double budgetCost(int b, int l, int c) {
        return costs[budgetCost[b]][l][c];
    }

    /** A scale of budget {@code b}'s totals (max of |limit| and the attainable range), for normalising. */
    public double budgetScale(int b) {
        return budgetScale[b];
    }

    /** The least attainable total of budget {@code b}'s cost: the sum of the per-layer minima. */
    public double minTotal(int b) {
        return minTotal[b];
    }

    /** Whether a choice is allowed in a layer (not forbidden by a per-choice limit or a pin). */
    public boolean isAllowed(int layer, int choice) {
        return allowed[layer][choice];
    }

    /** The allowed choice indices of a layer, ascending. Do not modify. */
    int[] allowedChoicesUnsafe(int layer) {
        return allowedChoices[layer];
    }

    public int[] allowedChoices(int layer) {
        return allowedChoices[layer].clone();
    }

    /** The pinned choice of a layer, or -1. */
    public int pinned(int layer) {
        return pinned[layer];
    }

    public double damage(int[] config) {
        double s = 0;
        for (int l = 0; l < config.length; l++) {
            s += damage[l][config[l]];
        }
        return s;
    }

    public double cost(String name, int[] config) {
        return total(costs[costIndex(name)], config);
    }

    /** Totals of every cost, in {@link #costNames()} order. */
    public double[] costs(int[] config) {
        double[] out = new double[costNames.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = total(costs[i], config);
        }
        return out;
    }

    /** Totals of every budget's cost, in {@link #budgets()} order. */
    public double[] budgetTotals(int[] config) {
        double[] out = new double[budgets.size()];
        for (int b = 0; b < out.length; b++) {
            out[b] = total(costs[budgetCost[b]], config);
        }
        return out;
    }

    private static double total(double[][] table, int[] config) {
        double s = 0;
        for (int l = 0; l < config.length; l++) {
            s += table[l][config[l]];
        }
        return s;
    }

    /** Whether a total meets budget {@code b} (with the relative {@link #TOLERANCE}). */
    public boolean meets(int b, double total) {
        double lim = budgets.get(b).limit();
        return total <= lim + TOLERANCE * Math.max(Math.abs(lim), 1e-300);
    }

    /** Whether the config uses only allowed choices, respects every coupling and meets every budget. */
    public boolean feasible(int[] config) {
        if (!valid(config) || !respectsCouplings(config)) {
            return false;
        }
        double[] t = budgetTotals(config);
        for (int b = 0; b < t.length; b++) {
            if (!meets(b, t[b])) {
                return false;
            }
        }
        return true;
    }

    /** Whether the config has one allowed choice per layer. */
    public boolean valid(int[] config) {
        if (config == null || config.length != layerCount()) {
            return false;
        }
        for (int l = 0; l < config.length; l++) {
            if (config[l] < 0 || config[l] >= allowed[l].length || !allowed[l][config[l]]) {
                return false;
            }
        }
        return true;
    }

    /** Sum over budgets of the normalised excess {@code max(0, total - limit) / scale}; 0 when feasible. */
    public double violation(int[] config) {
        double v = 0;
        double[] t = budgetTotals(config);
        for (int b = 0; b < t.length; b++) {
            if (!meets(b, t[b])) {
                v += (t[b] - budgets.get(b).limit()) / budgetScale[b];
            }
        }
        return v;
    }

    /**
     * Throws {@link InfeasibleBudgetException} when some budget is below the cheapest attainable
     * total of its cost (computed independently per budget).
     */
    public void requireAttainableBudgets() {
        for (int b = 0; b < budgets.size(); b++) {
            if (!meets(b, minTotal[b])) {
                throw new InfeasibleBudgetException(budgets.get(b), minTotal[b]);
            }
        }
    }

    /** Per layer, the allowed choice with the least damage (ties: lowest index). */
    public int[] mostPreciseConfig() {
        int[] cfg = new int[layerCount()];
        for (int l = 0; l < cfg.length; l++) {
            int best = allowedChoices[l][0];
            for (int c : allowedChoices[l]) {
                if (damage[l][c] < damage[l][best]) {
                    best = c;
                }
            }
            cfg[l] = best;
        }
        return cfg;
    }

    /** Per layer, the allowed choice with the least {@code cost} (ties: least damage, then lowest index). */
    public int[] cheapestConfig(String cost) {
        double[][] t = costs[costIndex(cost)];
        int[] cfg = new int[layerCount()];
        for (int l = 0; l < cfg.length; l++) {
            int best = allowedChoices[l][0];
            for (int c : allowedChoices[l]) {
                if (t[l][c] < t[l][best] || (t[l][c] == t[l][best] && damage[l][c] < damage[l][best])) {
                    best = c;
                }
            }
            cfg[l] = best;
        }
        return cfg;
    }

    /** The config with its predicted damage, cost totals and feasibility (accuracy not measured). */
    public Candidate candidate(int[] config) {
        return new Candidate(config, damage(config), costs(config), feasible(config), Double.NaN);
    }

    /** As {@link #candidate(int[])} with a measured accuracy. */
    public Candidate candidate(int[] config, double accuracy) {
        return new Candidate(config, damage(config), costs(config), feasible(config), accuracy);
    }

    /** Builds a validated {@link SearchProblem}. */
    public static final class Builder {
        private final SearchSpace space;
        private double[][] damage;
        private final Map<String, double[][]> costs = new LinkedHashMap<>();
        private final List<Budget> budgets = new ArrayList<>();
        private final List<int[]> forbidden = new ArrayList<>();
        private final Map<Integer, Integer> pins = new LinkedHashMap<>();
        private Evaluator evaluator;
        private final List<Coupling> couplings = new ArrayList<>();

        private Builder(SearchSpace space) {
            this.space = Objects.requireNonNull(space, "space");
        }

        /** {@code damage[layer][choice]}, higher is worse. */
        public Builder damage(double[][] damage) {
            this.damage = damage;
            return this;
        }

        /** A named additive cost table {@code cost[layer][choice]}. */
        public Builder cost(String name, double[][] table) {
            Objects.requireNonNull(name, "cost name");
            costs.put(name, table);
            return this;
        }

        /** Total of {@code cost} must be at most {@code limit}. */
        public Builder budget(String cost, double limit) {
            budgets.add(new Budget(cost, limit));
            return this;
        }

        public Builder budget(Budget budget) {
            budgets.add(budget);
            return this;
        }

        public Builder forbid(int layer, int choice) {
            check(layer, choice);
            forbidden.add(new int[] {layer, choice});
            return this;
        }

        /** Fixes a layer's choice (e.g. first and last layer at int8). */
        public Builder pin(int layer, int choice) {
            check(layer, choice);
            pins.put(layer, choice);
            return this;
        }

        /** Pins a layer to the choice with the given label. */
        public Builder pin(int layer, String label) {
            int c = space.indexOf(layer, label);
            if (c < 0) {
                throw new IllegalArgumentException(
                        "layer " + space.layer(layer) + ": no choice '" + label + "' in " + space.choices(layer));
            }
            return pin(layer, c);
        }

        /**
         * Forbids every choice whose per-choice property exceeds {@code max}, e.g. the accumulator
         * bits a choice needs against the accumulator width the hardware has.
         */
        public Builder limitPerChoice(String property, double[][] values, double max) {
            Objects.requireNonNull(values, property);
            if (values.length != space.layerCount()) {
                throw new IllegalArgumentException(
                        property + ": " + values.length + " rows for " + space.layerCount() + " layers");
            }
            for (int l = 0; l < values.length; l++) {
                if (values[l].length != space.choiceCount(l)) {
                    throw new IllegalArgumentException(property + ": layer " + space.layer(l) + " has "
                            + values[l].length + " values for " + space.choiceCount(l) + " choices");
                }
                for (int c = 0; c < values[l].length; c++) {
                    if (values[l][c] > max) {
                        forbid(l, c);
                    }
                }
            }
            return this;
        }

        /**
         * Makes the coupling's layers take choices of one class. Strategies search such a problem as
         * {@link MergedProblem}, one variable per coupling; couplings must be disjoint.
         */
        public Builder couple(Coupling coupling) {
            couplings.add(Objects.requireNonNull(coupling, "coupling"));
            return this;
        }

        public Builder evaluator(Evaluator evaluator) {
            this.evaluator = evaluator;
            return this;
        }

        private void check(int layer, int choice) {
            if (layer < 0 || layer >= space.layerCount()) {
                throw new IllegalArgumentException("layer index " + layer + " out of range");
            }
            if (choice < 0 || choice >= space.choiceCount(layer)) {
                throw new IllegalArgumentException(
                        "layer " + space.layer(layer) + ": choice index " + choice + " out of range");
            }
        }

        public SearchProblem build() {
            return new SearchProblem(this);
        }
    }
}
