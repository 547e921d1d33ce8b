package org.bitbudget.experiments.report;

import java.util.ArrayList;
import java.util.List;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.pipeline.Budgets;
import org.bitbudget.pipeline.MeasuredPoint;
import org.bitbudget.pipeline.SearchPipeline;
import org.bitbudget.search.Budget;

/**
 * A run's budgets resolved to limits in each cost's unit, for the budget lines of its plots. A relative
 * budget ({@code size <= 0.4*int8}) is resolved against the run's measured uniform config of that
 * format (weights in it, and activations in it when there is such a config: the reference the search
 * resolved it against); a budget whose reference config the run did not measure has no line.
 */
final class BudgetLimits {
    private BudgetLimits() {}

    static List<Budget> of(SearchPipeline.Result result) {
        List<Budget> out = new ArrayList<>();
        for (String expression : result.budgets()) {
            try {
                out.addAll(Budgets.parse(expression, (cost, format) -> reference(result.uniform(), cost, format)));
            } catch (IllegalArgumentException | UserInputException unresolved) {
                // Its reference config was not measured (the limit came out NaN): no line for it.
            }
        }
        return List.copyOf(out);
    }

    private static double reference(List<MeasuredPoint> uniform, String cost, NumberFormat format) {
        MeasuredPoint pick = null;
        for (MeasuredPoint p : uniform) {
            Precision precision = p.config().layers().isEmpty()
                    ? p.config().defaults()
                    : p.config().layers().values().iterator().next();
            if (!precision.weights().format().name().equals(format.name())) {
                continue;
            }
            pick = p;
            if (precision.activations().format().name().equals(format.name())) {
                break;
            }
        }
        return pick == null ? Double.NaN : pick.costs().getOrDefault(cost, Double.NaN);
    }
}
