package org.bitbudget.costs;

import org.bitbudget.ir.precision.Precision;

/**
 * One cost of a precision: layer × precision → a number in {@link #unit()}, and how the layers'
 * costs make a config's total ({@link Total#SUM} for most, {@link Total#MAX} for peaks and widths).
 *
 * <pre>{@code
 * CostModel bops = CostModels.get("bops");
 * double b = bops.cost(layer, precision);
 * }</pre>
 */
public interface CostModel {

    /** How per-layer costs combine into a config's total. */
    enum Total {
        /** The sum over layers (size, BOPs, MACs, energy, latency). */
        SUM,
        /** The largest layer (activation-memory peak, accumulator width). */
        MAX
    }

    /** The registry name, as budgets write it: {@code size}, {@code bops}, … . */
    String name();

    /** The unit of {@link #cost}: {@code bits}, {@code bops}, {@code pJ}, {@code ms}, … . */
    String unit();

    /** The cost of {@code layer} at {@code precision}, in {@link #unit()}. */
    double cost(LayerInfo layer, Precision precision);

    /**
     * This cost model for a table over {@code layers}, for a cost that depends on the whole model as
     * well as on one layer (the average bits per weight divides by the model's weight count); {@link
     * CostTable#of} calls it. Most models do not and return themselves.
     */
    default CostModel bind(java.util.List<LayerInfo> layers) {
        return this;
    }

    /** How the layers' costs combine; {@link Total#SUM} unless overridden. */
    default Total total() {
        return Total.SUM;
    }

    /** The column and JSON field name: {@code name_unit}, e.g. {@code size_bits}, {@code latency_ms}. */
    default String key() {
        String n = name().replace('-', '_');
        String u = unit().toLowerCase(java.util.Locale.ROOT);
        return n.equals(u) || n.endsWith("_" + u) ? n : n + "_" + u;
    }
}
