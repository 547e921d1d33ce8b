package org.bitbudget.search;

import java.util.List;
import java.util.Locale;

/**
 * No config meets the budgets. When a single budget is out of reach, {@link #budget()} names it,
 * {@link #cheapest()} is the least total that cost can have (the sum of the per-layer minima over the
 * allowed choices) and the message reads e.g. {@code budget size <= 1,000: the cheapest config needs
 * 1,234 (23% over)}. When each budget alone is attainable but not all together, {@link #budget()} is
 * null and the message names every budget.
 */
public final class InfeasibleBudgetException extends SearchException {
    private static final long serialVersionUID = 1L;
    private final transient Budget budget;
    private final double cheapest;

    InfeasibleBudgetException(Budget budget, double cheapest) {
        super(message(budget, cheapest));
        this.budget = budget;
        this.cheapest = cheapest;
    }

    InfeasibleBudgetException(List<Budget> budgets) {
        super("budgets "
                + String.join(" and ", budgets.stream().map(Budget::toString).toList())
                + ": each can be met alone but no config meets them all together");
        this.budget = null;
        this.cheapest = Double.NaN;
    }

    private static String message(Budget b, double cheapest) {
        double over = b.limit() > 0 ? (cheapest - b.limit()) / b.limit() * 100 : Double.POSITIVE_INFINITY;
        String pct = Double.isInfinite(over)
                ? ""
                : String.format(
                        Locale.ROOT,
                        " (%s%% over)",
                        over >= 10
                                ? String.format(Locale.ROOT, "%.0f", over)
                                : String.format(Locale.ROOT, "%.2g", over));
        return "budget " + b + ": the cheapest config needs " + Budget.format(cheapest) + pct;
    }

    /** The budget out of reach, or null when only the combination of budgets is. */
    public Budget budget() {
        return budget;
    }

    /** The least attainable total of {@code budget().cost()}, or NaN. */
    public double cheapest() {
        return cheapest;
    }

    /** How far the cheapest config is over the limit, in the cost's unit (NaN for combinations). */
    public double gap() {
        return budget == null ? Double.NaN : cheapest - budget.limit();
    }
}
