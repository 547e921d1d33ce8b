package org.bitbudget.ops.compute.depthwise;

/** The scalar twin of {@link VectorDepthwiseConv}: the reference every faster kernel must equal bit for bit. */
public final class ScalarDepthwiseConv implements DepthwiseConv {
    @Override
    public void convolve(
            float[] in, int[] taps, int k, float[] w, int wOff, float bias, float[] out, int outOff, int n) {
        for (int t = 0; t < n; t++) {
            float acc = bias;
            for (int q = 0; q < k; q++) {
                acc = Math.fma(w[wOff + q], in[taps[q] + t], acc);
            }
            out[outOff + t] = acc;
        }
    }

    /** One channel per block: the blocked layout is then the planes themselves. */
    @Override
    public int channelsPerBlock() {
        return 1;
    }

    @Override
    public void convolveBlock(
            float[] in,
            int inOff,
            int[] pixels,
            int n,
            int[] taps,
            int k,
            float[] w,
            int wOff,
            float[] bias,
            int biasOff,
            float[] out,
            int outOff) {
        int lanes = channelsPerBlock();
        for (int j = 0; j < n; j++) {
            for (int l = 0; l < lanes; l++) {
                float acc = bias[biasOff + l];
                for (int q = 0; q < k; q++) {
                    acc = Math.fma(w[wOff + q * lanes + l], in[inOff + pixels[j] + taps[q] + l], acc);
                }
                out[outOff + j * lanes + l] = acc;
            }
        }
    }
}
