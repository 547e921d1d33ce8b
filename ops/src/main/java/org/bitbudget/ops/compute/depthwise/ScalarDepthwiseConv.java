package org.bitbudget.ops.compute.depthwise;

/** The scalar twin of {@link VectorDepthwiseConv}: the reference every faster kernel must equal bit for bit. */
public final class ScalarDepthwiseConv implements DepthwiseConv {
    @Override
    public void convolve(
            float[] in,
            int inOff,
            int inW,
            float[] w,
            int wOff,
            int kH,
            int kW,
            int dH,
            int dW,
            int sH,
            float bias,
            float[] out,
            int outOff,
            int outH,
            int outW) {
        for (int oh = 0; oh < outH; oh++) {
            for (int ow = 0; ow < outW; ow++) {
                float acc = bias;
                for (int ki = 0; ki < kH; ki++) {
                    int row = inOff + (oh * sH + ki * dH) * inW + ow;
                    for (int kj = 0; kj < kW; kj++) {
                        acc = Math.fma(w[wOff + ki * kW + kj], in[row + kj * dW], acc);
                    }
                }
                out[outOff + oh * outW + ow] = acc;
            }
        }
    }
}
