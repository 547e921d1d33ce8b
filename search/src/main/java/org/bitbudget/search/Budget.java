package org.bitbudget.search;

import java.util.Locale;
import java.util.Objects;

/**
 * An upper bound on a config's total of one cost: the sum over layers of {@code
 * cost[costName][layer][choice]} must be below {@code limit}. Relative budgets ({@code bops <= 0.25 x
 * int8}) are resolved to absolute limits before they become a {@code Budget}.
 *
 * @param cost   the cost's name ({@code size}, {@code bops}, …)
 * @param strict true for {@code <}, false for {@code <=}
 * @param limit  the bound in the cost's unit
 * @param text   the expression as written, e.g. {@code size <= 64KiB}
 */
public record Budget(String cost, boolean strict, double limit, String text) {
    /** Relative slack for {@code <=}: totals are sums of doubles, so ties are compared to 1e-9. */
    private static final double TOLERANCE = 1e-9;

    public Budget {
        Objects.requireNonNull(cost, "cost");
        Objects.requireNonNull(text, "text");
        if (!Double.isFinite(limit)) {
            throw new IllegalArgumentException("budget " + cost + ": limit " + limit + " is not finite");
        }
    }

    /** {@code cost <= limit}, its text written from the limit. */
    public Budget(String cost, double limit) {
        this(cost, false, limit, cost + " <= " + format(limit));
    }

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
        return String.format(
                Locale.ROOT,
                "%s: %s %s is %s the limit %s %s",
                text,
                format(total),
                unit,
                verdict,
                format(limit),
                unit);
    }

    @Override
    public String toString() {
        return text;
    }

    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        if (Math.abs(v) >= 1000 && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,.1f", v);
        }
        return String.format(Locale.ROOT, "%.6g", v)
                .replaceAll("(\\.\\d*?)0+($|e)", "$1$2")
                .replace(".e", "e")
                .replaceAll("\\.$", "");
    }
}
