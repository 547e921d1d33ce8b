package org.bitbudget.model.precision;

import java.util.Objects;
import org.bitbudget.model.quant.QuantizerSpec;

/**
 * The precision of one layer: its weight quantizer, the quantizer of its input activations, and
 * the accumulator width of its dot products.
 *
 * @param weights         how the weight is stored
 * @param activations     how the layer's input is quantized (per-tensor)
 * @param accumulatorBits bits of the accumulator (default 32)
 */
public record Precision(QuantizerSpec weights, QuantizerSpec activations, int accumulatorBits) {
    /** Float weights and activations, 32-bit accumulator. */
    public static final Precision FLOAT = new Precision(QuantizerSpec.FLOAT, QuantizerSpec.FLOAT, 32);

    public Precision {
        Objects.requireNonNull(weights);
        Objects.requireNonNull(activations);
        if (accumulatorBits < 2 || accumulatorBits > 64) {
            throw new IllegalArgumentException("accumulator bits must be 2..64, got " + accumulatorBits);
        }
    }

    @Override
    public String toString() {
        return "W:" + weights + " A:" + activations + (accumulatorBits == 32 ? "" : " acc" + accumulatorBits);
    }
}
