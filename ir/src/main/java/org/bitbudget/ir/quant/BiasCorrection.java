package org.bitbudget.ir.quant;

import java.util.Arrays;

/**
 * Empirical bias correction of a quantized weight (Nagel et al. 2019, "Data-Free Quantization
 * Through Weight Equalization and Bias Correction", §4.2 empirical form): each output channel's bias
 * is shifted by the mean, over calibration data, of (float output − quantized output), so the
 * quantized layer's mean output error is zero on that data. Either a request ({@link #MEASURE}: the
 * shift is measured on calibration data before the graph is quantized) or the measured shift.
 *
 * @param shift the value added to each output channel's bias, or null while it is to be measured
 */
public record BiasCorrection(float[] shift) {
    /** Bias correction requested, its shift not measured yet. */
    public static final BiasCorrection MEASURE = new BiasCorrection(null);

    public BiasCorrection {
        shift = shift == null ? null : shift.clone();
    }

    /** The measured shift {@code shift}. */
    public static BiasCorrection of(float[] shift) {
        return new BiasCorrection(java.util.Objects.requireNonNull(shift, "shift"));
    }

    @Override
    public float[] shift() {
        return shift == null ? null : shift.clone();
    }

    /** True once the shift is known. */
    public boolean measured() {
        return shift != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BiasCorrection b && Arrays.equals(shift, b.shift);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shift);
    }

    /** {@code bc}, the suffix labels give a bias-corrected quantizer. */
    @Override
    public String toString() {
        return "bc";
    }
}
