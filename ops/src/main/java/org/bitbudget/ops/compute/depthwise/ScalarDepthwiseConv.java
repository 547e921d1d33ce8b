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
}
