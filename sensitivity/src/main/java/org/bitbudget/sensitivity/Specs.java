package org.bitbudget.sensitivity;

import org.bitbudget.ir.quant.BiasCorrection;
import org.bitbudget.ir.quant.Clipping;
import org.bitbudget.ir.quant.Granularity;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;

/**
 * Reads the text form of a quantizer in the table's {@code weights} and {@code activations} columns,
 * the form {@link QuantizerSpec#label} writes: the format name when the quantizer is the default for
 * its role, else {@code format/granularity/clipping[+residual][/bc]}, e.g. {@code int2/per-tensor/mse+int4}
 * ({@code /bc}: with bias correction, weights only).
 */
public final class Specs {
    private Specs() {}

    /**
     * Parses {@code format[/granularity[/clipping]][+residual][/bc]}; missing parts take the role's defaults.
     *
     * @throws IllegalArgumentException naming the part that is wrong
     */
    public static QuantizerSpec parse(String text, boolean weights) {
        String t = text.trim();
        BiasCorrection biasCorrection = null;
        if (weights && t.endsWith("/bc")) {
            biasCorrection = BiasCorrection.MEASURE;
            t = t.substring(0, t.length() - "/bc".length());
        }
        NumberFormat residual = null;
        int plus = t.indexOf('+');
        if (plus >= 0) {
            residual = NumberFormat.parse(t.substring(plus + 1));
            t = t.substring(0, plus);
        }
        String[] parts = t.split("/", -1);
        if (parts.length > 3) {
            throw new IllegalArgumentException("'" + text + "' is not format[/granularity[/clipping]][+residual]");
        }
        NumberFormat format = NumberFormat.parse(parts[0]);
        Granularity granularity = parts.length > 1
                ? Granularity.parse(parts[1])
                : weights ? Granularity.PER_CHANNEL : Granularity.PER_TENSOR;
        Clipping clipping = parts.length > 2 ? Clipping.parse(parts[2]) : Clipping.MAX;
        return new QuantizerSpec(format, granularity, clipping, residual, biasCorrection);
    }
}
