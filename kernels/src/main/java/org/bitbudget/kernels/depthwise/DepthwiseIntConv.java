package org.bitbudget.kernels.depthwise;

import org.bitbudget.ops.compute.Window;

/**
 * Depthwise convolution (one input channel per group, one output channel per input channel) on NHWC
 * codes into exact int32 sums: {@code out[b][y][x][ch] = sum over the window's taps inside the image
 * of (code - zeroPoint) * w[tap][ch]}, padded taps contributing nothing (they hold real zero). The
 * caller guarantees the sums fit int32, as the integer engine's bound does; any order of addition
 * then gives the same ints. Obtain an implementation from {@link DepthwiseIntConvFamily#get()}.
 */
public interface DepthwiseIntConv {

    /**
     * Weights as the kernel reads them: {@code w[tap * c + ch]} for tap (kernel row, kernel column) in
     * row-major order, from codes {@code codes[ch * taps + tap]}.
     */
    static int[] tapMajor(byte[] codes, int c, int taps) {
        int[] w = new int[taps * c];
        for (int ch = 0; ch < c; ch++) {
            for (int t = 0; t < taps; t++) {
                w[t * c + ch] = codes[ch * taps + t];
            }
        }
        return w;
    }

    /**
     * Sums of {@code batch} images of h x w x c codes ({@code in}, bytes read as uint8 when
     * {@code unsigned}) over the window {@code win} into {@code out}, {@code batch * outH * outW * c}
     * ints from index 0, overwritten.
     *
     * @param weights tap-major weights, see {@link #tapMajor}
     */
    void convolve(
            byte[] in,
            boolean unsigned,
            int zeroPoint,
            int batch,
            int h,
            int w,
            int c,
            Window win,
            int[] weights,
            int[] out);
}
