package org.bitbudget.ops.compute.blocked;

/**
 * A depthwise filter and its bias packed once for {@link BlockedDepthwiseConv}: the kH x kW taps of
 * channel c at {@code w[((c / 16) * kH * kW + tap) * 16 + c % 16]}, its bias at {@code bias[c]}, so that
 * one tap of a block of 16 channels is 16 consecutive floats, the lanes of one input pixel. The lanes of
 * channels past {@code channels} are zero, so a padded channel computes zero.
 *
 * @param w        the packed taps, {@code blocks() * kH * kW * 16} floats
 * @param bias     the bias, {@code blocks() * 16} floats (zero without a bias)
 * @param channels the channels C (one filter each)
 * @param kH       the filter's rows
 * @param kW       the filter's columns
 */
public record BlockedDepthwiseWeights(float[] w, float[] bias, int channels, int kH, int kW) {

    /**
     * Packs the filter of a depthwise convolution, ONNX layout [C][1][kH][kW] at {@code wOff} of
     * {@code w}, and its bias [C] at {@code biasOff} of {@code bias} (or null for none).
     */
    public static BlockedDepthwiseWeights pack(
            float[] w, int wOff, float[] bias, int biasOff, int channels, int kH, int kW) {
        int lanes = BlockedDepthwiseConv.BLOCK;
        int blocks = (channels + lanes - 1) / lanes;
        int k = kH * kW;
        float[] packed = new float[blocks * k * lanes];
        float[] b = new float[blocks * lanes];
        for (int c = 0; c < channels; c++) {
            int at = c / lanes * k * lanes + c % lanes;
            for (int q = 0; q < k; q++) {
                packed[at + q * lanes] = w[wOff + c * k + q];
            }
            // Without a bias today's kernel starts each chain at +0.0: so does the packed one.
            b[c] = bias == null ? 0f : bias[biasOff + c];
        }
        return new BlockedDepthwiseWeights(packed, b, channels, kH, kW);
    }

    /** The blocks of 16 channels, ceil(C / 16). */
    public int blocks() {
        return (channels + BlockedDepthwiseConv.BLOCK - 1) / BlockedDepthwiseConv.BLOCK;
    }
}
