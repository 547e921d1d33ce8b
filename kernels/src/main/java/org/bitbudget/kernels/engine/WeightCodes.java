package org.bitbudget.kernels.engine;

import org.bitbudget.model.quant.NumberFormat;
import org.bitbudget.model.quant.QuantizerSpec;
import org.bitbudget.model.quant.RangeSearch;

/**
 * Integer weight codes per output channel and their scales, computed with the same
 * {@link RangeSearch} rule as the fake-quant {@code WeightQuantizer}, so that
 * {@code codes[j][p] * scales[j]} is exactly the fake-quantized weight.
 *
 * @param codes    n x k codes, channel j's row at {@code j * k}
 * @param scales   one scale per channel (repeated for per-tensor quantization)
 * @param channels n
 * @param k        values per channel
 */
record WeightCodes(byte[] codes, float[] scales, int channels, int k) {

    /**
     * Quantizes {@code w}, whose element (channel j, value p) is at {@code j * k + p}, or at
     * {@code p * channels + j} when {@code channelsLast}; {@code spec} is a signed integer format of
     * at most 8 bits, per tensor or per channel, without residual (the caller checks).
     */
    static WeightCodes of(float[] w, int channels, int k, boolean channelsLast, QuantizerSpec spec) {
        NumberFormat format = spec.format();
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
            scales[j] = params.scale();
            for (int p = 0; p < k; p++) {
                // The same float32 steps as RangeSearch.Params.apply with zero point 0.
                codes[j * k + p] = (byte) format.quantize(group[p] / params.scale());
            }
        }
        return new WeightCodes(codes, scales, channels, k);
    }
}
