package org.bitbudget.ops.compute;

import org.bitbudget.ir.graph.Op;

/**
 * The resolved 2-D geometry of a sliding window (convolution or pooling): sizes, strides,
 * dilations, the four pads and the output size. A 1-D window is the 2-D one with height 1.
 * Public so that the training pass ({@code org.bitbudget.ops.gradients}) resolves pads and output
 * sizes by exactly these rules.
 */
public record Window(
        int inH,
        int inW,
        int kH,
        int kW,
        int sH,
        int sW,
        int dH,
        int dW,
        int padTop,
        int padLeft,
        int padBottom,
        int padRight,
        int outH,
        int outW) {

    /**
     * Resolves ONNX attributes against an input's spatial size.
     *
     * @param spatial   the input's spatial dimensions (1 or 2 of them)
     * @param kernel    kernel size per spatial axis
     * @param strides   null for all ones
     * @param pads      null for all zeros
     * @param dilations null for all ones
     */
    public static Window resolve(
            int[] spatial,
            int[] kernel,
            int[] strides,
            int[] pads,
            int[] dilations,
            Op.AutoPad autoPad,
            boolean ceilMode) {
        int rank = spatial.length;
        int[] s = strides == null ? ones(rank) : strides;
        int[] d = dilations == null ? ones(rank) : dilations;
        int[] p = new int[2 * rank];
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int effective = (kernel[i] - 1) * d[i] + 1;
            switch (autoPad) {
                case SAME_UPPER, SAME_LOWER -> {
                    out[i] = ceilDiv(spatial[i], s[i]);
                    int total = Math.max(0, (out[i] - 1) * s[i] + effective - spatial[i]);
                    int small = total / 2;
                    p[i] = autoPad == Op.AutoPad.SAME_UPPER ? small : total - small;
                    p[i + rank] = total - p[i];
                }
                case VALID -> out[i] = outputSize(spatial[i], 0, 0, effective, s[i], ceilMode);
                case NOTSET -> {
                    if (pads != null) {
                        p[i] = pads[i];
                        p[i + rank] = pads[i + rank];
                    }
                    out[i] = outputSize(spatial[i], p[i], p[i + rank], effective, s[i], ceilMode);
                }
            }
            if (out[i] < 1) {
                throw new IllegalArgumentException(
                        "the window (kernel " + kernel[i] + ", dilation " + d[i] + ") is larger than the padded input ("
                                + spatial[i] + " + " + p[i] + " + " + p[i + rank] + ")");
            }
        }
        if (rank == 1) {
            return new Window(1, spatial[0], 1, kernel[0], 1, s[0], 1, d[0], 0, p[0], 0, p[1], 1, out[0]);
        }
        return new Window(
                spatial[0],
                spatial[1],
                kernel[0],
                kernel[1],
                s[0],
                s[1],
                d[0],
                d[1],
                p[0],
                p[1],
                p[2],
                p[3],
                out[0],
                out[1]);
    }

    private static int outputSize(int in, int padBegin, int padEnd, int effective, int stride, boolean ceilMode) {
        int span = in + padBegin + padEnd - effective;
        if (span < 0) {
            return 0;
        }
        int out = (ceilMode ? ceilDiv(span, stride) : span / stride) + 1;
        // A window may not start in the end padding (the rule ONNX Runtime and PyTorch apply to ceil mode).
        if (ceilMode && (out - 1) * stride >= in + padBegin) {
            out--;
        }
        return out;
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    private static int[] ones(int n) {
        int[] v = new int[n];
        java.util.Arrays.fill(v, 1);
        return v;
    }

    /**
     * How many window positions an average over output (oh, ow) divides by: those inside the input,
     * or with {@code countIncludePad} also those in the begin and end padding (never those past the
     * end padding, which ceil mode can reach).
     */
    public int averageDivisor(int oh, int ow, boolean countIncludePad) {
        return positions(
                        oh * sH - padTop,
                        dH,
                        kH,
                        countIncludePad ? -padTop : 0,
                        inH + (countIncludePad ? padBottom : 0))
                * positions(
                        ow * sW - padLeft,
                        dW,
                        kW,
                        countIncludePad ? -padLeft : 0,
                        inW + (countIncludePad ? padRight : 0));
    }

    /** Positions start + i * step, i in [0, count), that fall in [from, to). */
    private static int positions(int start, int step, int count, int from, int to) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            int p = start + i * step;
            n += p >= from && p < to ? 1 : 0;
        }
        return n;
    }

    int outSize() {
        return outH * outW;
    }

    int inSize() {
        return inH * inW;
    }
}
