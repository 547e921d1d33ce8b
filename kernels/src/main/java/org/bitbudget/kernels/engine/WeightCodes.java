package org.bitbudget.kernels.engine;

import org.bitbudget.ir.quant.AccumulatorAware;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.quant.RangeSearch;

/**
 * Integer weight codes per output channel and their scales, computed with the same
 * {@link RangeSearch} rule as the fake-quant {@code WeightQuantizer}, so that
 * {@code codes[j][p] * scales[j]} is exactly the fake-quantized weight.
 *
 * <p>Any format that {@link NumberFormat#fitsInt8Codes() fits int8 codes} reaches the integer kernels:
 * each of its values is an integer code times its {@link NumberFormat#codeStep() code step}, a power of
 * two the scale absorbs. Integer formats' codes are their values (step 1); a minifloat such as
 * fp4-e2m1 ({0, ±0.5, ±1, ±1.5, ±2, ±3, ±4, ±6}, step 1/2, codes up to ±12) or fp6-e2m3 (step 1/8,
 * codes up to ±60) is a table of int8 codes. Formats whose codes do not fit int8 (fp6-e3m2, the fp8
 * formats) have none.
 *
 * @param codes    n x k codes, channel j's row at {@code j * k}
 * @param scales   one scale per channel (repeated for per-tensor quantization)
 * @param channels n
 * @param k        values per channel
 */
record WeightCodes(byte[] codes, float[] scales, int channels, int k) {

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
     * {@code p * channels + j} when {@code channelsLast}; {@code spec}'s format fits int8 codes, per
     * tensor or per channel, without residual (the caller checks).
     */
    static WeightCodes of(float[] w, int channels, int k, boolean channelsLast, QuantizerSpec spec) {
        NumberFormat format = spec.format();
        if (!format.fitsInt8Codes()) {
            throw new IllegalArgumentException("no int8 codes for " + format.name());
        }
        int stepExponent = Math.getExponent(format.codeStep());
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
            scales[j] = Math.scalb(params.scale(), stepExponent);
            for (int p = 0; p < k; p++) {
                // The same float32 steps as RangeSearch.Params.apply with zero point 0.
                float q = format.quantize(group[p] / params.scale());
                codes[j * k + p] = (byte) Math.scalb(q, -stepExponent);
            }
        }
        return new WeightCodes(codes, scales, channels, k);
    }
}
