package org.bitbudget.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.bitbudget.costs.CostModel;
import org.bitbudget.costs.CostModels;
import org.bitbudget.costs.CostTable;
import org.bitbudget.costs.EnergyTable;
import org.bitbudget.costs.LayerInfo;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.search.Budget;

/**
 * Phase 3, costs: the cost table of size, BOPs, energy, accumulator width and every cost a budget
 * names (latency measured on this machine's kernels), and the budgets parsed against it.
 */
public final class CostPhase {
    private final List<String> budgets;
    private final boolean measureLatency;

    /**
     * @param budgets        budget expressions ({@link Budgets}); all must hold (none: only an accuracy
     *                       target constrains the run)
     * @param measureLatency whether latency joins the table even when no budget names it
     */
    public CostPhase(List<String> budgets, boolean measureLatency) {
        this.budgets = List.copyOf(budgets);
        this.measureLatency = measureLatency;
    }

    /**
     * Checks the budgets' syntax against the analytic costs, before any expensive phase runs; relative
     * latency budgets need the measured table and are resolved by {@link #run}.
     *
     * @throws org.bitbudget.ir.UserInputException naming the budget and where it is wrong
     */
    public void check(Graph graph, Candidates candidates) {
        CostTable analytic = analytic(LayerInfo.of(graph), candidates);
        try {
            Budgets.parseAll(budgets, analytic::reference);
        } catch (IllegalArgumentException needsMeasuredLatency) {
            // Resolved against the measured latency table in run().
        }
    }

    /** The cost table and the budgets resolved against it. */
    public Costs run(Graph graph, Candidates candidates) {
        List<LayerInfo> infos = LayerInfo.of(graph);
        List<Budget> parsed = Budgets.parseAll(budgets, analytic(infos, candidates)::reference);
        List<String> names = new ArrayList<>(List.of("size", "bpw", "bops", "energy", "accumulator"));
        for (Budget b : parsed) {
            if (!names.contains(b.cost())) {
                names.add(b.cost());
            }
        }
        if (measureLatency && !names.contains("latency")) {
            names.add("latency");
        }
        List<CostModel> models = new ArrayList<>();
        for (String name : names) {
            models.add(CostModels.create(name, graph, EnergyTable.defaults()));
        }
        CostTable table = CostTable.of(infos, candidates.precisions(), models);
        if (parsed.stream().anyMatch(b -> b.cost().equals("latency"))) {
            // Relative latency budgets refer to the measured table, so parse them again against it.
            parsed = Budgets.parseAll(budgets, table::reference);
        }
        return new Costs(table, parsed);
    }

    private static CostTable analytic(List<LayerInfo> layers, Candidates candidates) {
        return CostTable.of(layers, candidates.precisions(), CostModels.analytic(EnergyTable.defaults()));
    }
}
