package org.bitbudget.ops.compute.blocked;

import java.util.Arrays;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.Window;

/**
 * Depthwise convolution (one input channel per group, one output per group) on the NCHWc16 layout of
 * {@link ChannelBlocked16}: an image [C][H][W] is stored as ceil(C / 16) blocks [H][W][16], the lanes of
 * channels past C zero. One tap of a block is then one 16-float multiply-add for all its channels,
 * whatever the plane's width.
 *
 * <p>Output (c, oh, ow) starts at the bias and takes, for each tap (ki, kj) row by row, {@code acc =
 * fma(w[c][ki][kj], x[c][oh * sH - padTop + ki * dH][ow * sW - padLeft + kj * dW], acc)}, a tap outside
 * the input reading 0.0: the chain of the NCHW depthwise kernel on its zero-padded planes (and of
 * im2col + SGEMM), so the results are bit-identical to {@code Convolution.forward}. The activation
 * follows as the separate operator computes it. Every implementation gives the same bits, only its
 * speed differs. Obtain one from {@link #get()}.
 */
public interface BlockedDepthwiseConv {

    /** The channels of a block: {@link ChannelBlocked16#BLOCK}. */
    int BLOCK = 16;

    /** The implementation in use in this JVM, chosen by the kernel provider ({@link BlockedDepthwiseConvFamily}). */
    static BlockedDepthwiseConv get() {
        return BlockedDepthwiseConvFamily.InUse.KERNEL;
    }

    /**
     * Convolves {@code images} consecutive blocked images of {@code in} (from {@code inOff}, each
     * {@code weights.blocks() * inH * inW * 16} floats) into as many blocked images of {@code out} (from
     * {@code outOff}, each {@code weights.blocks() * outH * outW * 16} floats), then applies {@code
     * activation} (or null for none). The lanes of padded channels are written as zero.
     *
     * @param win the geometry; pads must not be negative
     */
    default void convolve(
            float[] in,
            int inOff,
            int images,
            Window win,
            BlockedDepthwiseWeights weights,
            Activation activation,
            float[] out,
            int outOff) {
        if (win.padTop() < 0 || win.padLeft() < 0 || win.padBottom() < 0 || win.padRight() < 0) {
            throw new IllegalArgumentException("negative pads in " + win);
        }
        if (win.kH() != weights.kH() || win.kW() != weights.kW()) {
            throw new IllegalArgumentException("a " + win.kH() + "x" + win.kW() + " window for a " + weights.kH() + "x"
                    + weights.kW() + " filter");
        }
        int lanes = BLOCK;
        int blocks = weights.blocks();
        int k = win.kH() * win.kW();
        int p = win.outH() * win.outW();
        boolean padded = win.padTop() + win.padLeft() + win.padBottom() + win.padRight() > 0;
        int paddedH = win.inH() + win.padTop() + win.padBottom();
        int rowStride = padded ? win.inW() + win.padLeft() + win.padRight() : win.inW();
        int inBlock = win.inH() * win.inW() * lanes;
        int outBlock = p * lanes;
        int[] pixels = new int[p];
        for (int oh = 0; oh < win.outH(); oh++) {
            for (int ow = 0; ow < win.outW(); ow++) {
                pixels[oh * win.outW() + ow] = (oh * win.sH() * rowStride + ow * win.sW()) * lanes;
            }
        }
        int[] taps = new int[k];
        for (int ki = 0; ki < win.kH(); ki++) {
            for (int kj = 0; kj < win.kW(); kj++) {
                taps[ki * win.kW() + kj] = (ki * win.dH() * rowStride + kj * win.dW()) * lanes;
            }
        }
        // A Relu or Clip is a clamp to [lo, hi] on the accumulators before they are stored, the very
        // max and min the separate operator computes; HardSwish (this kernel's own pass) and a Clip with
        // min above max (every value becomes max) are one pass over each block's outputs while they are
        // in cache: HardSwish inside the register tile measured slower.
        float lo = Float.NEGATIVE_INFINITY;
        float hi = Float.POSITIVE_INFINITY;
        boolean clamps = false;
        if (activation instanceof Activation.Relu) {
            lo = 0f;
            clamps = true;
        } else if (activation instanceof Activation.Clip clip && !(clip.min() > clip.max())) {
            lo = clip.min();
            hi = clip.max();
            clamps = true;
        }
        boolean afterwards = activation != null && !clamps;
        // A padded channel computes 0.0; an activation that maps 0.0 elsewhere (Clip(1, 6)) would leave
        // something else in its lanes, which are reset to zero.
        int partial = weights.channels() % lanes;
        boolean resetsPadding = partial != 0 && activation != null && BlockedDepthwiseScratch.movesZero(activation);
        float[] src = in;
        float[] paddedIn = padded ? BlockedDepthwiseScratch.zeroed(paddedH * rowStride * lanes) : null;
        int interior = (win.padTop() * rowStride + win.padLeft()) * lanes;
        int rowFloats = win.inW() * lanes;
        for (int img = 0; img < images; img++) {
            for (int b = 0; b < blocks; b++) {
                int block = inOff + (img * blocks + b) * inBlock;
                int srcOff = block;
                if (padded) {
                    // Only the interior is written: the zero border stays from the zeroing above.
                    for (int ih = 0; ih < win.inH(); ih++) {
                        System.arraycopy(
                                in, block + ih * rowFloats, paddedIn, interior + ih * rowStride * lanes, rowFloats);
                    }
                    src = paddedIn;
                    srcOff = 0;
                }
                int o = outOff + (img * blocks + b) * outBlock;
                convolveBlock(
                        src,
                        srcOff,
                        pixels,
                        p,
                        taps,
                        k,
                        weights.w(),
                        b * k * lanes,
                        weights.bias(),
                        b * lanes,
                        clamps,
                        lo,
                        hi,
                        out,
                        o);
                if (activation instanceof Activation.HardSwish) {
                    hardSwish(out, o, o + outBlock);
                } else if (afterwards) {
                    activation.applyInPlace(out, o, o + outBlock);
                }
                if (resetsPadding && b == blocks - 1) {
                    for (int j = 0; j < p; j++) {
                        Arrays.fill(out, o + j * lanes + partial, o + (j + 1) * lanes, 0f);
                    }
                }
            }
        }
    }

    /**
     * One block of 16 channels: output pixel j, lane l starts at {@code bias[biasOff + l]} and takes, for
     * each tap q in order, {@code acc = fma(w[wOff + q * 16 + l], in[inOff + pixels[j] + taps[q] + l],
     * acc)}; with {@code clamps} it is then {@code min(max(acc, lo), hi)}; it goes to {@code out[outOff +
     * j * 16 + l]}.
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
            boolean clamps,
            float lo,
            float hi,
            float[] out,
            int outOff);

    /**
     * ONNX HardSwish of {@code v[from, to)} in place, as {@code Elementwise.hardSwish} computes it: {@code
     * x * max(0, min(1, fma(x, 1/6f, 0.5f)))} in float.
     */
    void hardSwish(float[] v, int from, int to);
}
