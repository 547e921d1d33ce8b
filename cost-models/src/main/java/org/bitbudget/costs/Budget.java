package org.bitbudget.costs;

import java.util.Locale;

/**
 * An upper bound on a config's total of one cost, parsed by {@link Budgets#parse}: {@code size <= 64KiB}.
 *
 * @param cost   the cost model's name ({@code size}, {@code bops}, …)
 * @param strict true for {@code <}, false for {@code <=}
 * @param limit  the bound in the cost model's unit (bits, bops, MACs, bytes, pJ, bits, ms), relative
 *               budgets already resolved against their reference
 * @param text   the expression as written
 */
public record Budget(String cost, boolean strict, double limit, String text) {
    /** Relative slack for {@code <=}: totals are sums of doubles, so ties are compared to 1e-9. */
    private static final double TOLERANCE = 1e-9;

    /** True when a config whose total is {@code total} meets this budget. */
    public boolean holds(double total) {
        return strict ? total < limit : total <= limit + TOLERANCE * Math.abs(limit);
    }

    /** How far {@code total} is over the limit, in the cost's unit (≤ 0 when it holds with {@code <=}). */
    public double excess(double total) {
        return total - limit;
    }

    /** {@code total / limit}: 1.25 is 25 % over the budget. */
    public double ratio(double total) {
        return limit == 0 ? (total == 0 ? 1 : Double.POSITIVE_INFINITY) : total / limit;
    }

    /**
     * One line for users: {@code "size <= 64KiB: 70,144 bits is 7.0% over the limit 65,536 bits"}, or
     * {@code "... within the limit ..."}.
     */
    public String describe(double total, String unit) {
        String verdict = holds(total) ? "within" : String.format(Locale.ROOT, "%.1f%% over", 100 * (ratio(total) - 1));
        return String.format(Locale.ROOT, "%s: %s %s is %s the limit %s %s", text, Budgets.format(total), unit,
                verdict, Budgets.format(limit), unit);
    }

    @Override
    public String toString() {
        return text;
    }
}
