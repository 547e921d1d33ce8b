package org.bitbudget.costs;

import org.bitbudget.ir.precision.Precision;

/**
 * {@code activation-memory}: the peak bytes of activations alive at once, per sample.
 *
 * <p>While a layer runs, its input, its output and every other value produced earlier and read later
 * (a residual shortcut, say) are alive. A layer's cost is those elements × its activation format's
 * bits / 8: the input is stored in that format; the output and the other live values are counted in
 * the same format, which is exact for uniform configs and an approximation for mixed ones (the
 * output's real format is the next layer's). Float activations count 4 bytes. The total is the
 * largest layer cost ({@link Total#MAX}), the peak along the graph; values alive only between layers
 * (pooling outputs) are not peaks, since a layer's input and output are at least as large.
 */
public final class ActivationMemoryCost implements CostModel {
    @Override
    public String name() {
        return "activation-memory";
    }

    @Override
    public String unit() {
        return "bytes";
    }

    @Override
    public Total total() {
        return Total.MAX;
    }

    @Override
    public double cost(LayerInfo layer, Precision precision) {
        long elements = layer.inputElements() + layer.outputElements() + layer.otherLiveElements();
        return elements * (double) precision.activations().format().bits() / 8;
    }
}
