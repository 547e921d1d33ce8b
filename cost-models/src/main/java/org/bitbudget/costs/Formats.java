package org.bitbudget.costs;

import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;

/** Operand facts the cost models share: widths and integer code ranges. */
public final class Formats {
    private Formats() {}

    /**
     * Weight bits one multiply sees: the format's bits, plus the residual format's bits when a
     * residual tensor is stored (Q1(W) + Q2(W − Q1(W)) is two products per MAC).
     */
    public static int weightBits(QuantizerSpec weights) {
        return weights.format().bits()
                + (weights.residual() == null ? 0 : weights.residual().bits());
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
}
