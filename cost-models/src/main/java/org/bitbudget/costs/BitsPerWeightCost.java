package org.bitbudget.costs;

import java.util.List;
import org.bitbudget.ir.precision.Precision;

/**
 * {@code bpw}: the average effective bits per weight of a config — llama.cpp's target bits per weight,
 * Model-Optimizer's effective bits: the bits every layer stores for its weights, their scales and zero
 * points ({@link SizeCost}'s count without the biases, which are not weights), summed over the layers
 * and divided by the model's total number of weights. A layer's cost is its share of that average, so
 * the config's total is the average and a budget {@code bpw <= 4.5} bounds it. Per-channel int4
 * stores 4 bits per weight plus one 32-bit scale per output channel: a little over 4. Float weights
 * count 32 bits each.
 *
 * <p>The denominator is the model's weight count, which a single layer does not know: {@link
 * #bind(List)} (called by {@link CostTable#of}) fixes it from the table's layers.
 */
public final class BitsPerWeightCost implements CostModel {
    private final long totalWeights;

    /** Unbound: {@link #cost} needs {@link #bind(List)} first. */
    public BitsPerWeightCost() {
        this(0);
    }

    private BitsPerWeightCost(long totalWeights) {
        this.totalWeights = totalWeights;
    }

    @Override
    public String name() {
        return "bpw";
    }

    @Override
    public String unit() {
        return "bpw";
    }

    /** This cost over {@code layers}: the average is taken over their weights. */
    @Override
    public CostModel bind(List<LayerInfo> layers) {
        return new BitsPerWeightCost(
                layers.stream().mapToLong(LayerInfo::weightParams).sum());
    }

    @Override
    public double cost(LayerInfo layer, Precision precision) {
        if (totalWeights <= 0) {
            throw new IllegalStateException("bpw: the model's weight count is unknown; bind the cost to its layers");
        }
        return storedBits(layer, precision) / (double) totalWeights;
    }

    /** The bits {@code layer} stores for its weights, scales and zero points (no bias). */
    public static long storedBits(LayerInfo layer, Precision precision) {
        return SizeCost.bits(layer, precision.weights()) - layer.biasParams() * SizeCost.BIAS_BITS;
    }
}
