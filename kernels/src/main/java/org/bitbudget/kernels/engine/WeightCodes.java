package org.bitbudget.kernels.engine;

import org.bitbudget.model.quant.AccumulatorAware;
import org.bitbudget.model.quant.IntegerFormat;
import org.bitbudget.model.quant.MiniFloatFormat;
import org.bitbudget.model.quant.NumberFormat;
import org.bitbudget.model.quant.QuantizerSpec;
import org.bitbudget.model.quant.RangeSearch;

/**
 * Integer weight codes per output channel and their scales, computed with the same
 * {@link RangeSearch} rule as the fake-quant {@code WeightQuantizer}, so that
 * {@code codes[j][p] * scales[j]} is exactly the fake-quantized weight.
 *
 * <p>Minifloat weights reach the integer kernels through a lookup table: every value of a format
 * such as fp4-e2m1 ({0, ±0.5, ±1, ±1.5, ±2, ±3, ±4, ±6}) or fp6-e2m3 is an integer multiple of its
 * smallest step, so {@link #minifloatTable} maps each value to {@code value * 2^shift}, an int8
 * code, and the scale absorbs {@code 2^-shift}. Formats whose table does not fit int8 (fp6-e3m2,
 * the fp8 formats) have none.
 *
 * @param codes    n x k codes, channel j's row at {@code j * k}
 * @param scales   one scale per channel (repeated for per-tensor quantization)
 * @param channels n
 * @param k        values per channel
 */
record WeightCodes(byte[] codes, float[] scales, int channels, int k) {

    /**
     * A minifloat format's values and their int8 codes.
     *
     * @param values the format's values, ascending
     * @param codes  {@code values[i] * 2^shift}, each an integer in [-127, 127]
     * @param shift  the power of two that makes every value an integer
     */
    record MinifloatTable(float[] values, byte[] codes, int shift) {
        /** The code of a value of the format. */
        byte codeOf(float value) {
            if (value == 0f) {
                // -0.0 sorts apart from 0.0 in a binary search, and both are code 0.
                return 0;
            }
            int i = java.util.Arrays.binarySearch(values, value);
            if (i < 0) {
                throw new IllegalStateException(value + " is not a value of the format");
            }
            return codes[i];
        }
    }

    /** The lookup table of {@code format}, or null when its values do not all fit int8 codes. */
    static MinifloatTable minifloatTable(MiniFloatFormat format) {
        // The smallest step is the subnormal spacing 2^(minExponent - mantissaBits).
        int shift = format.mantissaBits() - format.minExponent();
        float[] values = format.values();
        byte[] codes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            double scaled = Math.scalb((double) values[i], shift);
            if (scaled != Math.rint(scaled) || Math.abs(scaled) > Byte.MAX_VALUE) {
                return null;
            }
            codes[i] = (byte) scaled;
        }
        return new MinifloatTable(values, codes, shift);
    }

    /**
     * The codes and scales accumulator-aware quantization chose ({@link AccumulatorAware.Result}, channel
     * j's codes at {@code j * k}), which the quantizer's rule cannot recompute from the float weights.
     */
    static WeightCodes of(AccumulatorAware.Result constrained, int channels, int k) {
        int[] codes = constrained.codes();
        if (codes.length != channels * k || constrained.scales().length != channels) {
            throw new IllegalArgumentException("accumulator-aware codes of " + codes.length + " values and "
                    + constrained.scales().length + " scales for " + channels + " channels of " + k);
        }
        byte[] bytes = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) {
            bytes[i] = (byte) codes[i];
        }
        return new WeightCodes(bytes, constrained.scales().clone(), channels, k);
    }

    /**
     * Quantizes {@code w}, whose element (channel j, value p) is at {@code j * k + p}, or at
     * {@code p * channels + j} when {@code channelsLast}; {@code spec} is a signed integer format of
     * at most 8 bits or a minifloat with a {@link #minifloatTable}, per tensor or per channel, without
     * residual (the caller checks).
     */
    static WeightCodes of(float[] w, int channels, int k, boolean channelsLast, QuantizerSpec spec) {
        NumberFormat format = spec.format();
        MinifloatTable table = format instanceof MiniFloatFormat mf ? minifloatTable(mf) : null;
        if (!(format instanceof IntegerFormat) && table == null) {
            throw new IllegalArgumentException("no int8 codes for " + format.name());
        }
        float[] scales = new float[channels];
        byte[] codes = new byte[channels * k];
        float[] group = new float[k];
        RangeSearch.Params tensor = switch (spec.granularity().kind()) {
            case PER_TENSOR -> RangeSearch.choose(w, w.length, format, spec.clipping());
            case PER_CHANNEL -> null;
            case PER_VECTOR -> throw new IllegalArgumentException("per-vector weights");
        };
        for (int j = 0; j < channels; j++) {
            for (int p = 0; p < k; p++) {
                group[p] = w[channelsLast ? p * channels + j : j * k + p];
            }
            RangeSearch.Params params = tensor != null ? tensor : RangeSearch.choose(group, k, format, spec.clipping());
            scales[j] = table == null ? params.scale() : Math.scalb(params.scale(), -table.shift());
            for (int p = 0; p < k; p++) {
                // The same float32 steps as RangeSearch.Params.apply with zero point 0.
                float q = format.quantize(group[p] / params.scale());
                codes[j * k + p] = table == null ? (byte) q : table.codeOf(q);
            }
        }
        return new WeightCodes(codes, scales, channels, k);
    }
}
