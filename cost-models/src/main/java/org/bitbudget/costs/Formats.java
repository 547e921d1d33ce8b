package org.bitbudget.costs;

import org.bitbudget.model.precision.Precision;
import org.bitbudget.model.quant.NumberFormat;
import org.bitbudget.model.quant.QuantizerSpec;

/** Operand facts the cost models share: widths, integer code ranges, labels. */
public final class Formats {
    private Formats() {
    }

    /**
     * Weight bits one multiply sees: the format's bits, plus the residual format's bits when a
     * residual tensor is stored (Q1(W) + Q2(W − Q1(W)) is two products per MAC).
     */
    public static int weightBits(QuantizerSpec weights) {
        return weights.format().bits() + (weights.residual() == null ? 0 : weights.residual().bits());
    }

    /**
     * The largest magnitude of a value's integer code, {@link NumberFormat#maxAbsCode()}: for integer
     * formats max(|min|, |max|) (an unsigned activation with zero point z is used as code − z, whose
     * magnitude is at most the format's maximum); for minifloats, every value is a multiple of the
     * smallest subnormal, so the code is value / 2^(1 − bias − mantissa) and its largest magnitude is
     * maxValue / that. Not defined for {@code float} (−1).
     */
    public static double maxAbsCode(NumberFormat format) {
        return format.quantizes() ? format.maxAbsCode() : -1;
    }

    /**
     * How tables name a quantizer: the format name when the quantizer is the default one for its
     * role (weights per-channel {@code max}, activations per-tensor {@code max}, no residual), else
     * the full description ({@code int4/per-vector(16)/mse+int4}).
     */
    public static String label(QuantizerSpec spec, boolean weights) {
        if (!spec.quantizes()) {
            return "float";
        }
        QuantizerSpec standard = weights ? QuantizerSpec.weights(spec.format()) : QuantizerSpec.activations(spec.format());
        return spec.equals(standard) ? spec.format().name() : spec.toString();
    }

    /**
     * A precision's short name: the weight label, then {@code /} and the activation label when the
     * activations are quantized, then {@code /accN} when the accumulator is not 32 bits:
     * {@code int8}, {@code int2/uint2}, {@code int4/uint8/acc16}.
     */
    public static String label(Precision p) {
        String s = label(p.weights(), true);
        if (p.activations().quantizes()) {
            s += "/" + label(p.activations(), false);
        }
        if (p.accumulatorBits() != 32) {
            s += "/acc" + p.accumulatorBits();
        }
        return s;
    }
}
