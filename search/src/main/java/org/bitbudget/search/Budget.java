package org.bitbudget.search;

import java.util.Locale;
import java.util.Objects;

/**
 * An upper bound on a total cost: the sum over layers of {@code cost[costName][layer][choice]} must
 * be at most {@code limit}. Relative budgets ({@code bops <= 0.25 x int8}) are resolved to absolute
 * limits before they reach the search.
 */
public record Budget(String cost, double limit) {
    public Budget {
        Objects.requireNonNull(cost, "cost");
        if (!Double.isFinite(limit)) throw new IllegalArgumentException("budget " + cost + ": limit " + limit + " is not finite");
    }

    @Override
    public String toString() { return cost + " <= " + format(limit); }

    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.format(Locale.ROOT, "%,d", (long) v);
        if (Math.abs(v) >= 1000 && Math.abs(v) < 1e15) return String.format(Locale.ROOT, "%,.1f", v);
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+($|e)", "$1$2").replace(".e", "e").replaceAll("\\.$", "");
    }
}
