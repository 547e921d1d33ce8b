package org.bitbudget.ops.compute;

import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.depthwise.DepthwiseConv;

/**
 * A depthwise convolution (one input channel per group, one output per group) on blocks of
 * channels: the zero-padded input of one image with each pixel's channels side by side, lanes at
 * a time ({@code in}, zeroed once: only the interior is written), the filter and bias in the same
 * blocks (zero for the channels past c), and where each output pixel's window and each tap
 * start in a block.
 */
record ChannelBlocks(
        float[] in, int blockSize, int lanes, int paddedW, float[] w, float[] bias, int[] pixels, int[] taps) {

    /**
     * The blocks of a layer: {@code pixels} (outSize ints), {@code taps} (k ints) and {@code in}
     * (the padded blocks, zero) are the caller's work arrays, filled here.
     */
    static ChannelBlocks of(
            Window win, int paddedW, int lanes, float[] wd, Tensor bias, int c, int[] pixels, int[] taps, float[] in) {
        int blocks = (c + lanes - 1) / lanes;
        int k = win.kH() * win.kW();
        float[] w = new float[blocks * k * lanes];
        float[] b = new float[blocks * lanes];
        for (int ch = 0; ch < c; ch++) {
            int at = ch / lanes * k * lanes + ch % lanes;
            for (int q = 0; q < k; q++) {
                w[at + q * lanes] = wd[ch * k + q];
            }
            b[ch] = bias == null ? 0f : bias.data()[ch];
        }
        for (int oh = 0; oh < win.outH(); oh++) {
            for (int ow = 0; ow < win.outW(); ow++) {
                pixels[oh * win.outW() + ow] = (oh * win.sH() * paddedW + ow * win.sW()) * lanes;
            }
        }
        for (int ki = 0; ki < win.kH(); ki++) {
            for (int kj = 0; kj < win.kW(); kj++) {
                taps[ki * win.kW() + kj] = (ki * win.dH() * paddedW + kj * win.dW()) * lanes;
            }
        }
        int paddedH = win.inH() + win.padTop() + win.padBottom();
        int blockSize = paddedH * paddedW * lanes;
        return new ChannelBlocks(in, blockSize, lanes, paddedW, w, b, pixels, taps);
    }

    /**
     * The c output planes of one image (input at {@code inBase} of x, output at {@code outBase} of
     * out), through {@code blocked}, the blocks' outputs pixel by pixel.
     */
    void convolve(
            DepthwiseConv kernel, float[] x, int inBase, int c, Window win, float[] blocked, float[] out, int outBase) {
        int interior = (win.padTop() * paddedW + win.padLeft()) * lanes;
        kernel.toBlocks(x, inBase, c, win.inH(), win.inW(), lanes, in, interior, blockSize, paddedW);
        int p = win.outSize();
        int k = win.kH() * win.kW();
        for (int b = 0; b * lanes < c; b++) {
            kernel.convolveBlock(
                    in, b * blockSize, pixels, p, taps, k, w, b * k * lanes, bias, b * lanes, blocked, b * p * lanes);
        }
        kernel.fromBlocks(blocked, 0, c, p, lanes, out, outBase);
    }
}
