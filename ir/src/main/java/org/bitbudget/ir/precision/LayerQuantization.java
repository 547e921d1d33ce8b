package org.bitbudget.ir.precision;

import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.quant.AccumulatorAware;
import org.bitbudget.ir.quant.RangeSearch;
import org.bitbudget.ir.quant.WeightQuantizer;

/**
 * What was applied to one layer.
 *
 * @param layer       the layer
 * @param precision   its precision
 * @param weights     the weight quantization (scales and zero points stored), null for float weights
 * @param activations the input's scale and zero point, null for float inputs
 * @param accumulator the accumulator-aware constraint of the weights (codes, scales, L1 norms,
 *                    sparsity), null when the accumulator has 32 bits or more
 */
public record LayerQuantization(
        Layer layer,
        Precision precision,
        WeightQuantizer.Result weights,
        RangeSearch.Params activations,
        AccumulatorAware.Result accumulator) {
    /** Without accumulator-aware constraint. */
    public LayerQuantization(
            Layer layer, Precision precision, WeightQuantizer.Result weights, RangeSearch.Params activations) {
        this(layer, precision, weights, activations, null);
    }
}
