package org.bitbudget.pipeline;

import java.util.List;
import java.util.Objects;
import org.bitbudget.costs.CostTable;
import org.bitbudget.search.Budget;

/**
 * What the cost phase found: the cost of every layer × candidate in every cost model the run needs,
 * and the budgets resolved against it.
 *
 * @param table   the cost table
 * @param budgets the budgets, relative ones resolved to absolute limits in the cost model's unit
 */
public record Costs(CostTable table, List<Budget> budgets) {
    public Costs {
        Objects.requireNonNull(table, "table");
        budgets = List.copyOf(budgets);
    }
}
