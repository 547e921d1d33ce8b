package org.bitbudget.ir.precision;

import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.quant.AccumulatorAware;
import org.bitbudget.ir.quant.RangeSearch;
import org.bitbudget.ir.quant.WeightQuantizer;
import org.bitbudget.ir.tensor.Tensor;

/**
 * What was applied to one layer.
 *
 * @param layer       the layer
 * @param precision   its precision
 * @param weights     the weight quantization (scales and zero points stored), null for float weights
 * @param activations the input's scale and zero point, null for float inputs
 * @param accumulator the accumulator-aware constraint of the weights (codes, scales, L1 norms,
 *                    sparsity), null when the accumulator has 32 bits or more
 * @param correctedBias the bias after bias correction (the quantized graph's initializer
 *                    {@link QuantizedGraph#correctedBiasName}), null when the layer keeps its own
 */
public record LayerQuantization(
        Layer layer,
        Precision precision,
        WeightQuantizer.Result weights,
        RangeSearch.Params activations,
        AccumulatorAware.Result accumulator,
        Tensor correctedBias) {
    /** Without bias correction. */
    public LayerQuantization(
            Layer layer,
            Precision precision,
            WeightQuantizer.Result weights,
            RangeSearch.Params activations,
            AccumulatorAware.Result accumulator) {
        this(layer, precision, weights, activations, accumulator, null);
    }

    /** Without accumulator-aware constraint. */
    public LayerQuantization(
            Layer layer, Precision precision, WeightQuantizer.Result weights, RangeSearch.Params activations) {
        this(layer, precision, weights, activations, null, null);
    }

    /**
     * The bias the quantized layer adds: the corrected one, else the one {@code graph} holds (the
     * quantized graph holds it on its {@link BiasGrid}), or null.
     */
    public Tensor bias(Graph graph) {
        if (correctedBias != null) {
            return correctedBias;
        }
        return layer.biasName() == null ? null : graph.initializers().get(layer.biasName());
    }
}
