package org.bitbudget.sensitivity;

import org.bitbudget.model.quant.Clipping;
import org.bitbudget.model.quant.Granularity;
import org.bitbudget.model.quant.NumberFormat;
import org.bitbudget.model.quant.QuantizerSpec;

/**
 * The text form of a quantizer in the table's {@code weights} and {@code activations} columns: the
 * format name when the quantizer is the default for its role (weights per-channel {@code max},
 * activations per-tensor {@code max}, no residual), else
 * {@code format/granularity/clipping[+residual]}, e.g. {@code int2/per-tensor/mse+int4}.
 */
public final class Specs {
    private Specs() {
    }

    /** The text form of {@code spec} as a weight ({@code weights} true) or activation quantizer. */
    public static String text(QuantizerSpec spec, boolean weights) {
        if (!spec.quantizes()) {
            return "float";
        }
        QuantizerSpec standard = weights ? QuantizerSpec.weights(spec.format()) : QuantizerSpec.activations(spec.format());
        if (spec.equals(standard)) {
            return spec.format().name();
        }
        return spec.format().name() + "/" + spec.granularity() + "/" + spec.clipping()
                + (spec.residual() == null ? "" : "+" + spec.residual().name());
    }

    /**
     * Parses {@link #text}'s form: {@code format[/granularity[/clipping]][+residual]}; missing
     * parts take the role's defaults.
     *
     * @throws IllegalArgumentException naming the part that is wrong
     */
    public static QuantizerSpec parse(String text, boolean weights) {
        String t = text.trim();
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
        Granularity granularity = parts.length > 1 ? Granularity.parse(parts[1])
                : weights ? Granularity.PER_CHANNEL : Granularity.PER_TENSOR;
        Clipping clipping = parts.length > 2 ? Clipping.parse(parts[2]) : Clipping.MAX;
        return new QuantizerSpec(format, granularity, clipping, residual);
    }
}
