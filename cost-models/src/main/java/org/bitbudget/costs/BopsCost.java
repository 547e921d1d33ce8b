package org.bitbudget.costs;

import org.bitbudget.ir.precision.Precision;

/**
 * {@code bops}: bit operations, MACs × weight bits × activation bits (DESIGN.md). Float operands
 * count 32 bits (so weight-only configs, whose activations stay float, pay 32 activation bits);
 * minifloats count their total bits; a residual weight tensor adds its bits to the weight bits
 * (two products per MAC).
 */
public final class BopsCost implements CostModel {
    @Override
    public String name() {
        return "bops";
    }

    @Override
    public String unit() {
        return "bops";
    }

    @Override
    public double cost(LayerInfo layer, Precision precision) {
        return (double) layer.macs()
                * Formats.weightBits(precision.weights())
                * precision.activations().format().bits();
    }
}
