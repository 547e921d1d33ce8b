package org.bitbudget.ir.precision;

import java.util.Objects;
import org.bitbudget.ir.quant.QuantizerSpec;

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

    /**
     * The precision's label, the one every table, CSV and message uses: the weight label, then {@code
     * /} and the activation label when activations are quantized, then {@code /accN} when the
     * accumulator is not 32 bits: {@code int8}, {@code int2/uint2}, {@code int4/uint8/acc16}.
     */
    public String label() {
        String s = weights.label(true);
        if (activations.quantizes()) {
            s += "/" + activations.label(false);
        }
        if (accumulatorBits != 32) {
            s += "/acc" + accumulatorBits;
        }
        return s;
    }

    @Override
    public String toString() {
        return "W:" + weights + " A:" + activations + (accumulatorBits == 32 ? "" : " acc" + accumulatorBits);
    }
}
