package org.bitbudget.ir.precision;

import java.util.Objects;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.RangeSearch;

/**
 * A calibrated activation quantizer as a config stores it: the format it was calibrated for and the
 * scale and zero point calibration chose. A config that carries these runs, evaluates and exports
 * without calibrating again, so every tool sees the quantizer the search measured.
 *
 * @param format    the activation format the range was chosen for
 * @param scale     the quantizer's scale (positive, finite)
 * @param zeroPoint its zero point, a whole number (0 for signed formats)
 */
public record ActivationEncoding(NumberFormat format, float scale, float zeroPoint) {
    public ActivationEncoding {
        Objects.requireNonNull(format);
        if (!(scale > 0) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite, got " + scale);
        }
        if (zeroPoint != Math.rint(zeroPoint) || !Float.isFinite(zeroPoint)) {
            throw new IllegalArgumentException("zero point must be a whole number, got " + zeroPoint);
        }
    }

    /** The encoding of {@code params}, chosen for {@code format}. */
    public static ActivationEncoding of(NumberFormat format, RangeSearch.Params params) {
        return new ActivationEncoding(format, params.scale(), params.zeroPoint());
    }

    /** The scale and zero point, as the quantizers take them. */
    public RangeSearch.Params params() {
        return new RangeSearch.Params(scale, zeroPoint);
    }
}
