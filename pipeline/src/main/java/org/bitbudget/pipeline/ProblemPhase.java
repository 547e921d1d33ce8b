package org.bitbudget.pipeline;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.bitbudget.costs.CostModel;
import org.bitbudget.costs.CostTable;
import org.bitbudget.costs.LayerInfo;
import org.bitbudget.ir.graph.CouplingGroups;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.search.Budget;
import org.bitbudget.search.Coupling;
import org.bitbudget.search.Evaluator;
import org.bitbudget.search.SearchException;
import org.bitbudget.search.SearchProblem;
import org.bitbudget.search.SearchSpace;
import org.bitbudget.sensitivity.SensitivityTable;

/**
 * Phase 4, problem: the pure search problem of the run — damage and cost of every layer × candidate
 * as plain arrays, the budgets (a summed cost as a budget on its total; a peak or width, such as the
 * accumulator, as a limit on every layer's choice), the pinned ends, the graph's coupling groups
 * (whose layers take candidates of one {@link FormatCoupling} class) and, for the strategies that
 * measure accuracy, an evaluator.
 */
public final class ProblemPhase {
    private final boolean pinEnds;
    private final FormatCoupling coupling;

    /** @param pinEnds whether the first and last layer keep the most precise candidate they may take */
    public ProblemPhase(boolean pinEnds) {
        this(pinEnds, FormatCoupling.ACTIVATIONS);
    }

    /**
     * @param pinEnds  whether the first and last layer keep the most precise candidate they may take
     * @param coupling what the layers of a coupling group share
     */
    public ProblemPhase(boolean pinEnds, FormatCoupling coupling) {
        this.pinEnds = pinEnds;
        this.coupling = Objects.requireNonNull(coupling, "coupling");
    }

    /**
     * The search problem.
     *
     * @param accuracy the measured accuracy of a config (an index into the candidates per layer), or
     *                 null when the strategy does not need one
     * @throws SettingException naming the budgets when no candidate of a layer meets them
     */
    public SearchProblem run(Candidates candidates, SensitivityTable sensitivity, Costs costs, Evaluator accuracy) {
        try {
            return build(candidates, sensitivity, costs, accuracy);
        } catch (SearchException | IllegalArgumentException e) {
            throw new SettingException(
                    Setting.BUDGET,
                    "no candidate meets the per-layer budgets ("
                            + String.join(
                                    ", ",
                                    costs.budgets().stream().map(Budget::text).toList()) + "): " + e.getMessage());
        }
    }

    private SearchProblem build(Candidates candidates, SensitivityTable sensitivity, Costs costs, Evaluator accuracy) {
        List<String> names = candidates.layers();
        List<Precision> precisions = candidates.precisions();
        int layers = names.size();
        int choices = precisions.size();
        SearchProblem.Builder b = SearchProblem.builder(SearchSpace.uniform(names, candidates.labels()));
        double[][] damage = new double[layers][choices];
        for (int l = 0; l < layers; l++) {
            for (int c = 0; c < choices; c++) {
                damage[l][c] = sensitivity.score(names.get(l), candidates.precision(l, c));
            }
        }
        b.damage(damage);
        boolean[][] allowed = new boolean[layers][choices];
        for (boolean[] row : allowed) {
            Arrays.fill(row, true);
        }
        CostTable table = costs.table();
        for (CostModel model : table.models()) {
            double[][] values = new double[layers][choices];
            for (int l = 0; l < layers; l++) {
                for (int c = 0; c < choices; c++) {
                    values[l][c] = table.cost(names.get(l), precisions.get(c), model.name());
                }
            }
            // Ignored layers are not searched; they stay float and their cost is spent before the search.
            double fixed = 0;
            for (LayerInfo info : table.layers()) {
                if (!names.contains(info.name()) && model.total() == CostModel.Total.SUM) {
                    fixed += table.cost(info.name(), Precision.FLOAT, model.name());
                }
            }
            if (model.total() == CostModel.Total.SUM) {
                b.cost(model.name(), values);
            }
            for (Budget budget : costs.budgets()) {
                if (!budget.cost().equals(model.name())) {
                    continue;
                }
                // A strict bound excludes its limit: one unit in the last place below it.
                double limit = budget.strict() ? Math.nextDown(budget.limit()) : budget.limit();
                if (model.total() == CostModel.Total.SUM) {
                    b.budget(model.name(), limit - fixed);
                } else {
                    // A peak or width holds for a config exactly when it holds for every layer.
                    b.limitPerChoice(model.name(), values, limit);
                    for (int l = 0; l < layers; l++) {
                        for (int c = 0; c < choices; c++) {
                            allowed[l][c] &= values[l][c] <= limit;
                        }
                    }
                }
            }
        }
        if (pinEnds) {
            b.pin(0, mostPrecise(precisions, allowed[0], names.getFirst()));
            b.pin(layers - 1, mostPrecise(precisions, allowed[layers - 1], names.getLast()));
        }
        if (accuracy != null) {
            b.evaluator(accuracy);
        }
        if (coupling != FormatCoupling.NONE) {
            couple(b, candidates);
        }
        return b.build();
    }

    /** One {@link Coupling} per coupling group, its classes the candidates' {@link FormatCoupling#key}s. */
    private void couple(SearchProblem.Builder b, Candidates candidates) {
        List<String> keys = candidates.precisions().stream().map(coupling::key).toList();
        int[] classes = keys.stream().mapToInt(keys::indexOf).toArray();
        for (CouplingGroups.Group g : candidates.coupling().groups()) {
            // An ignored layer stays float, out of its group's coupling.
            int[] layers = g.layers().stream()
                    .mapToInt(candidates.layers()::indexOf)
                    .filter(l -> l >= 0)
                    .toArray();
            if (layers.length < 2) {
                continue;
            }
            int[][] rows = new int[layers.length][];
            Arrays.fill(rows, classes);
            b.couple(new Coupling(String.join("+", g.layers()), layers, rows));
        }
    }

    /**
     * Where ends are pinned: the allowed candidate (no per-layer limit excludes it) with the most weight
     * bits, then activation bits, then accumulator bits.
     */
    private static int mostPrecise(List<Precision> candidates, boolean[] allowed, String layer) {
        int best = -1;
        for (int c = 0; c < candidates.size(); c++) {
            if (!allowed[c]) {
                continue;
            }
            Precision p = candidates.get(c);
            if (best < 0) {
                best = c;
                continue;
            }
            Precision q = candidates.get(best);
            int by = Integer.compare(
                    p.weights().format().bits(), q.weights().format().bits());
            by = by != 0
                    ? by
                    : Integer.compare(
                            p.activations().format().bits(),
                            q.activations().format().bits());
            by = by != 0 ? by : Integer.compare(p.accumulatorBits(), q.accumulatorBits());
            if (by > 0) {
                best = c;
            }
        }
        if (best < 0) {
            throw new SettingException(
                    Setting.BUDGET, "no candidate of layer " + layer + " meets the per-layer budgets");
        }
        return best;
    }
}
