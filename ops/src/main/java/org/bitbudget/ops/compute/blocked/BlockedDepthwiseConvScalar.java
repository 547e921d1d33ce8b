package org.bitbudget.ops.compute.blocked;

import org.bitbudget.ops.compute.Elementwise;

/** The scalar twin of {@link BlockedDepthwiseConvVector}: the reference every faster kernel must equal bit for bit. */
public final class BlockedDepthwiseConvScalar implements BlockedDepthwiseConv {
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
            boolean clamps,
            float lo,
            float hi,
            float[] out,
            int outOff) {
        for (int j = 0; j < n; j++) {
            int pixel = inOff + pixels[j];
            for (int l = 0; l < BLOCK; l++) {
                float acc = bias[biasOff + l];
                for (int q = 0; q < k; q++) {
                    acc = Math.fma(w[wOff + q * BLOCK + l], in[pixel + taps[q] + l], acc);
                }
                out[outOff + j * BLOCK + l] = clamps ? Math.min(Math.max(acc, lo), hi) : acc;
            }
        }
    }

    @Override
    public void hardSwish(float[] v, int from, int to) {
        for (int i = from; i < to; i++) {
            v[i] = Elementwise.hardSwish(v[i]);
        }
    }
}
