package org.bitbudget.ir.quant;

import java.util.Objects;

/**
 * How one tensor is quantized: its format, which values share a scale, how the range is clipped,
 * optionally a second format for the residual {@code W − Q1(W)} (multi-tensor MMSE: the layer is
 * stored as Q1(W) + Q2(W − Q1(W))), and optionally a bias correction of the layer. A {@code float}
 * spec ignores the other fields (they are set to per-tensor, {@code max}, no residual, no bias
 * correction), so every unquantized spec equals {@link #FLOAT}.
 *
 * @param format      the storage format; {@link NumberFormat#FLOAT} means not quantized
 * @param granularity which values share a scale
 * @param clipping    how each scale's range is chosen
 * @param residual    the residual tensor's format, or null for none
 * @param biasCorrection the layer's bias correction (weights only), or null for none
 */
public record QuantizerSpec(
        NumberFormat format,
        Granularity granularity,
        Clipping clipping,
        NumberFormat residual,
        BiasCorrection biasCorrection) {
    /** Not quantized. */
    public static final QuantizerSpec FLOAT =
            new QuantizerSpec(NumberFormat.FLOAT, Granularity.PER_TENSOR, Clipping.MAX, null);

    public QuantizerSpec {
        Objects.requireNonNull(format);
        Objects.requireNonNull(granularity);
        Objects.requireNonNull(clipping);
        if (!format.quantizes()) {
            granularity = Granularity.PER_TENSOR;
            clipping = Clipping.MAX;
            residual = null;
            biasCorrection = null;
        }
    }

    /** Without bias correction. */
    public QuantizerSpec(NumberFormat format, Granularity granularity, Clipping clipping, NumberFormat residual) {
        this(format, granularity, clipping, residual, null);
    }

    /** This quantizer with clipping rule {@code rule}. */
    public QuantizerSpec withClipping(Clipping rule) {
        return new QuantizerSpec(format, granularity, rule, residual, biasCorrection);
    }

    /** This quantizer with bias correction {@code correction} (null for none). */
    public QuantizerSpec withBiasCorrection(BiasCorrection correction) {
        return new QuantizerSpec(format, granularity, clipping, residual, correction);
    }

    /**
     * True when calibration data must settle this quantizer before it can be applied: its clipping is
     * {@code auto}, or its bias correction is not measured yet.
     */
    public boolean needsCalibration() {
        return clipping.kind() == Clipping.Kind.AUTO || (biasCorrection != null && !biasCorrection.measured());
    }

    /** The default weight quantizer for {@code format}: per-channel, {@code max} clipping. */
    public static QuantizerSpec weights(NumberFormat format) {
        return new QuantizerSpec(format, Granularity.PER_CHANNEL, Clipping.MAX, null);
    }

    /** The default activation quantizer for {@code format}: per-tensor, calibrated {@code max}. */
    public static QuantizerSpec activations(NumberFormat format) {
        return new QuantizerSpec(format, Granularity.PER_TENSOR, Clipping.MAX, null);
    }

    /** True unless the format is {@code float}. */
    public boolean quantizes() {
        return format.quantizes();
    }

    /**
     * How tables and labels name this quantizer as a weight ({@code weights} true) or activation
     * quantizer: the format name when it is the role's default ({@link #weights}, {@link
     * #activations}), else the full description ({@code int4/per-vector(16)/mse+int4}).
     */
    public String label(boolean weights) {
        if (!quantizes()) {
            return "float";
        }
        return equals(weights ? weights(format) : activations(format)) ? format.name() : toString();
    }

    @Override
    public String toString() {
        if (!quantizes()) {
            return "float";
        }
        return format.name() + "/" + granularity + "/" + clipping + (residual == null ? "" : "+" + residual.name())
                + (biasCorrection == null ? "" : "/" + biasCorrection);
    }
}
