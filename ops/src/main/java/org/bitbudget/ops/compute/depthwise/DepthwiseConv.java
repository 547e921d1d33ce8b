package org.bitbudget.ops.compute.depthwise;

/**
 * Direct convolution of one already zero-padded input plane by one kH x kW filter with unit stride
 * along the width: output (oh, ow) starts at {@code bias} and takes, for ki = 0 .. kH-1 and within it
 * kj = 0 .. kW-1 in order, {@code acc = fma(w[ki][kj], in[oh * sH + ki * dH][ow + kj * dW], acc)}.
 *
 * <p>That is the chain an im2col followed by {@link org.bitbudget.ops.compute.sgemm.Sgemm} computes for a
 * convolution with one input channel per group, so both give bit-identical outputs; every
 * implementation gives the same bits, only its speed differs. Obtain one from {@link DepthwiseConvFamily#get()}.
 */
@FunctionalInterface
public interface DepthwiseConv {

    /**
     * @param in     the padded plane, pixel (r, col) at {@code in[inOff + r * inW + col]}
     * @param inW    the padded plane's width (its row stride)
     * @param w      the filter, tap (ki, kj) at {@code w[wOff + ki * kW + kj]}
     * @param dH     dilation along the height
     * @param dW     dilation along the width
     * @param sH     stride along the height
     * @param out    the output plane, (oh, ow) at {@code out[outOff + oh * outW + ow]}; overwritten
     */
    void convolve(
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
            int outW);
}
