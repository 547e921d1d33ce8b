package org.bitbudget.costs;

import org.bitbudget.ir.precision.Precision;

/** {@code macs}: multiply-accumulates per sample; the same at every precision. */
public final class MacsCost implements CostModel {
    @Override
    public String name() {
        return "macs";
    }

    @Override
    public String unit() {
        return "macs";
    }

    @Override
    public double cost(LayerInfo layer, Precision precision) {
        return layer.macs();
    }
}
