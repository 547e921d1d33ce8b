package org.bitbudget.kernels.depthwise;

import org.bitbudget.ops.compute.Window;

/**
 * Depthwise convolution on NHWC codes into exact int32 sums, as {@link DepthwiseIntConv} defines them,
 * computed on fp32 FMA: codes minus the zero point and weight codes are small integers, exact as
 * floats, and a chain of FMAs over their products stays exact while the sum of the products'
 * magnitudes stays within 2^24 ({@link #exact}). A depthwise window has few taps (9 or 25), so any
 * int8 x uint8 layer qualifies (25 x 255 x 127 is about 2^19.6) and its whole window runs as one
 * chain: no block flushes, and fp32 FMA where the int path needs a widening, a subtract, a 32-bit
 * multiply and an add per tap. Obtain an implementation from {@link DepthwiseFmaConvFamily#get()}.
 */
public interface DepthwiseFmaConv {

    /** Sums of magnitude up to this are exact in float32. */
    int EXACT_LIMIT = 1 << 24;

    /**
     * Weight codes packed for one implementation.
     *
     * @param data   tap-major floats, {@code data[tap * stride + ch]}, channels past c zero
     * @param c      channels
     * @param taps   taps per channel (kernel rows times kernel columns)
     * @param stride floats per tap (c rounded up to the implementation's vector length)
     * @param maxL1  the largest sum of |code| over one channel's taps
     */
    record Weights(float[] data, int c, int taps, int stride, long maxL1) {}

    /** Packs the codes {@code codes[ch * taps + tap]} of c channels. */
    Weights pack(byte[] codes, int c, int taps);

    /**
     * Sums of {@code batch} images of h x w x c codes ({@code in}, bytes read as uint8 when
     * {@code unsigned}) over the window {@code win} into {@code out}, {@code batch * outH * outW * c}
     * ints from index 0, overwritten; the same ints as {@link DepthwiseIntConv#convolve}.
     *
     * @throws IllegalArgumentException when the sums are not {@link #exact} for these weights and inputs
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
            Weights weights,
            int[] out);

    /** The largest |code - zeroPoint| of the input format: uint8 codes when unsigned, else int8. */
    static int maxAbsInput(boolean unsigned, int zeroPoint) {
        return unsigned ? Math.max(Math.abs(zeroPoint), Math.abs(255 - zeroPoint)) : 128 + Math.abs(zeroPoint);
    }

    /**
     * Whether every chain of products is exact in fp32: the largest |input| times the largest L1
     * norm of a channel's weights stays within 2^24, so no partial sum can pass it.
     */
    static boolean exact(long maxAbsInput, long maxL1) {
        return maxAbsInput * maxL1 <= EXACT_LIMIT;
    }

    /** The largest sum of |code| over one channel's taps, from {@code codes[ch * taps + tap]}. */
    static long maxL1(byte[] codes, int c, int taps) {
        long max = 0;
        for (int ch = 0; ch < c; ch++) {
            long sum = 0;
            for (int t = 0; t < taps; t++) {
                sum += Math.abs(codes[ch * taps + t]);
            }
            max = Math.max(max, sum);
        }
        return max;
    }

    /** Refuses weights and inputs whose sums {@link #exact} does not guarantee. */
    static void checkExact(boolean unsigned, int zeroPoint, Weights weights) {
        if (!exact(maxAbsInput(unsigned, zeroPoint), weights.maxL1())) {
            throw new IllegalArgumentException("depthwise sums of |input| up to " + maxAbsInput(unsigned, zeroPoint)
                    + " times weights of L1 norm " + weights.maxL1() + " may pass 2^24, past exact fp32");
        }
    }
}
