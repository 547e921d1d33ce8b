package org.bitbudget.ir.precision;

import java.util.List;
import org.bitbudget.ir.graph.ActivationLayer;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.quant.RangeSearch;

/**
 * What was applied to one activation-only layer: the format of both operands and each operand's
 * calibrated scale and zero point.
 *
 * @param layer       the layer
 * @param activations the operands' format
 * @param operands    the scale and zero point of each operand, in input order
 */
public record ActivationQuantization(
        ActivationLayer layer, QuantizerSpec activations, List<RangeSearch.Params> operands) {
    public ActivationQuantization {
        operands = List.copyOf(operands);
    }

    /** The name of the quantizer node inserted before operand {@code operand}. */
    public static String quantizerName(ActivationLayer layer, int operand) {
        return layer.name() + (operand == 0 ? "/input_quantizer" : "/input_quantizer_" + operand);
    }
}
