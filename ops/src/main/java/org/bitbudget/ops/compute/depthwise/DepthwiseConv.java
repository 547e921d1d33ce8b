package org.bitbudget.ops.compute.depthwise;

/**
 * Direct convolution of one channel by its own filter, as one run of outputs read from planes
 * already zero-padded (and, for strides above 1, split into phases) by the caller: output t starts
 * at {@code bias} and takes, for each tap q = 0 .. k-1 in order (the filter's taps row by
 * row), {@code acc = fma(w[wOff + q], in[taps[q] + t], acc)}.
 *
 * <p>That is the chain an im2col followed by {@link org.bitbudget.ops.compute.sgemm.Sgemm} computes for a
 * convolution with one input channel per group, so both give bit-identical outputs; every
 * implementation gives the same bits, only its speed differs. Obtain one from {@link DepthwiseConvFamily#get()}.
 */
public interface DepthwiseConv {

    /**
     * @param in     the input planes
     * @param taps   for each tap, the offset in {@code in} of the value output 0 reads
     * @param k      taps (the first k of {@code taps})
     * @param w      the filter, tap q at {@code w[wOff + q]}
     * @param out    output t at {@code out[outOff + t]}, t = 0 .. n-1; overwritten
     */
    void convolve(float[] in, int[] taps, int k, float[] w, int wOff, float bias, float[] out, int outOff, int n);

    /** The channels of a block of {@link #convolveBlock}'s layout: the lanes of the kernel's vectors. */
    int channelsPerBlock();

    /**
     * The same chain for a block of B = {@link #channelsPerBlock()} channels stored pixel by pixel,
     * the B channels of a pixel side by side (the layout ONNX Runtime calls NCHWc), so that one
     * vector holds one pixel of B channels and a small plane wastes no lanes: output j, lane l starts
     * at {@code bias[biasOff + l]} and takes, for each tap q in order, {@code acc = fma(w[wOff + q * B
     * + l], in[inOff + pixels[j] + taps[q] + l], acc)}; it goes to {@code out[outOff + j * B + l]}.
     *
     * @param pixels for each of the n outputs, the offset of the first value its window reads
     * @param taps   for each of the k taps, its offset from that first value
     */
    void convolveBlock(
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
            int outOff);

    /**
     * Copies the c planes of one image (plane ch at {@code x[xOff + ch * h * w]}, h rows of w) into
     * blocks of {@code lanes} channels, the layout {@link #convolveBlock} reads: value (ch, y, x)
     * goes to {@code in[inOff + ch / lanes * blockSize + (y * rowStride + x) * lanes + ch % lanes]};
     * the lanes of the last block past c get zero. Nothing else of {@code in} is written, so the
     * borders of a zero-padded block stay zero. An exact copy: every implementation moves the same
     * bits, only its speed differs.
     */
    void toBlocks(
            float[] x, int xOff, int c, int h, int w, int lanes, float[] in, int inOff, int blockSize, int rowStride);

    /**
     * The inverse for the outputs of {@link #convolveBlock}: output j of channel ch, at {@code
     * blocked[bOff + ch / lanes * p * lanes + j * lanes + ch % lanes]}, goes to {@code out[outOff + ch *
     * p + j]}, for the c channels and p outputs per channel.
     */
    void fromBlocks(float[] blocked, int bOff, int c, int p, int lanes, float[] out, int outOff);
}
