package org.bitbudget.ops.compute;

import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.depthwise.DepthwiseConv;
import org.bitbudget.ops.compute.depthwise.DepthwiseConvFamily;
import org.bitbudget.ops.compute.sgemm.Sgemm;

/**
 * Grouped 1-D and 2-D convolution as im2col followed by SGEMM, one image and group at a time:
 * output[g] = weight[g] (M/g x K) * columns (K x P) + bias, with K = C/g * kH * kW and P the output
 * pixels. A 1x1 convolution with unit stride and no padding multiplies the input directly.
 *
 * <p>A convolution with unit strides uses wide columns instead (see {@link #wideColumns}): each
 * column row is one contiguous run of the (zero-padded) input, at the price of computing outputs
 * for the padded width and dropping the extra ones. Every kept output is the same chain of
 * fused multiply-adds over the same values as with im2col, so the results are identical.
 *
 * <p>A convolution with one input channel per group (depthwise) and unit stride along the width runs
 * the direct {@link DepthwiseConv} kernel on the zero-padded plane instead: a SGEMM with one row of
 * A per group spends its time in building columns and in a nine-term chain per output. The kernel
 * computes the same chain, so the results are identical too.
 */
public final class Convolution {
    /**
     * Work arrays kept per thread between calls, so that a small batch does not pay for zeroing
     * fresh ones each time; they only grow. Callers overwrite every element they read.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    /**
     * The wide column matrix has a multiple of this many columns, so that the SGEMM's vectors (up to
     * 16 floats) cover it without a masked tail; the extra columns hold zeros and their outputs are
     * dropped. A column's outputs depend on that column alone, so the extra ones change nothing.
     */
    private static final int WIDTH_MULTIPLE = 16;

    private Convolution() {}

    private static final class Scratch {
        private float[] columns = new float[0];
        private float[] wideOut = new float[0];
        private float[] paddedIn = new float[0];

        float[] columns(int size) {
            if (columns.length < size) {
                columns = new float[size];
            }
            return columns;
        }

        float[] wideOut(int size) {
            if (wideOut.length < size) {
                wideOut = new float[size];
            }
            return wideOut;
        }

        /** At least {@code size} floats, the first {@code size} of them zero. */
        float[] paddedIn(int size) {
            if (paddedIn.length < size) {
                paddedIn = new float[size];
            } else {
                java.util.Arrays.fill(paddedIn, 0, size, 0f);
            }
            return paddedIn;
        }
    }

    /**
     * The convolution of {@code x} by {@code w} plus {@code bias} (or null), with {@code activation}
     * (or null) applied to each image's outputs as soon as they are written, in an array from
     * {@code allocator}.
     */
    public static Tensor forward(
            Op.Conv conv, Tensor x, Tensor w, Tensor bias, Sgemm sgemm, Activation activation, Allocator allocator) {
        Shape xs = x.shape();
        Shape ws = w.shape();
        int spatialRank = xs.rank() - 2;
        if (spatialRank < 1 || spatialRank > 2) {
            throw new IllegalArgumentException("input " + xs + " must be [N, C, W] or [N, C, H, W]");
        }
        if (ws.rank() != xs.rank()) {
            throw new IllegalArgumentException("weight " + ws + " and input " + xs + " differ in rank");
        }
        int n = xs.dim(0);
        int c = xs.dim(1);
        int m = ws.dim(0);
        int group = conv.group();
        int[] kernel = java.util.Arrays.copyOfRange(ws.dims(), 2, ws.rank());
        if (conv.kernel() != null && !java.util.Arrays.equals(conv.kernel(), kernel)) {
            throw new IllegalArgumentException(
                    "kernel_shape " + java.util.Arrays.toString(conv.kernel()) + " does not match weight " + ws);
        }
        if (c % group != 0 || m % group != 0 || ws.dim(1) * group != c) {
            throw new IllegalArgumentException(
                    "input has " + c + " channels and weight " + ws + ", which does not " + "fit group=" + group);
        }
        if (bias != null && bias.shape().size() != m) {
            throw new IllegalArgumentException("bias " + bias.shape() + " must have " + m + " values");
        }
        int[] spatial = java.util.Arrays.copyOfRange(xs.dims(), 2, xs.rank());
        Window win =
                Window.resolve(spatial, kernel, conv.strides(), conv.pads(), conv.dilations(), conv.autoPad(), false);
        int cg = c / group;
        int mg = m / group;
        int k = cg * win.kH() * win.kW();
        int p = win.outSize();
        int[] outDims = xs.dims();
        outDims[1] = m;
        if (spatialRank == 1) {
            outDims[2] = win.outW();
        } else {
            outDims[2] = win.outH();
            outDims[3] = win.outW();
        }
        float[] out = allocator.take(n * m * p);
        float[] xd = x.data();
        float[] wd = w.data();
        boolean direct = win.kH() == 1
                && win.kW() == 1
                && win.sH() == 1
                && win.sW() == 1
                && win.padTop() == 0
                && win.padLeft() == 0
                && win.padBottom() == 0
                && win.padRight() == 0;
        int paddedH = win.inH() + win.padTop() + win.padBottom();
        int paddedW = win.inW() + win.padLeft() + win.padRight();
        int wideN = (win.outH() - 1) * paddedW + win.outW();
        boolean padded = win.padTop() != 0 || win.padLeft() != 0 || win.padBottom() != 0 || win.padRight() != 0;
        boolean depthwise = !direct
                && cg == 1
                && win.sW() == 1
                && win.padTop() >= 0
                && win.padLeft() >= 0
                && win.padBottom() >= 0
                && win.padRight() >= 0;
        boolean wide = !direct
                && !depthwise
                && win.sH() == 1
                && win.sW() == 1
                && win.padTop() >= 0
                && win.padLeft() >= 0
                && win.padBottom() >= 0
                && win.padRight() >= 0
                && wideN <= 2 * p;
        int width = (wideN + WIDTH_MULTIPLE - 1) / WIDTH_MULTIPLE * WIDTH_MULTIPLE;
        Scratch scratch = SCRATCH.get();
        float[] columns = direct || depthwise ? null : scratch.columns(k * (wide ? width : p));
        float[] wideOut = wide ? scratch.wideOut(mg * width) : null;
        // Zeroed once here, its borders stay zero: every image overwrites only the interior.
        float[] paddedIn = (wide || depthwise) && padded ? scratch.paddedIn(cg * paddedH * paddedW) : null;
        int inImage = c * win.inSize();
        for (int img = 0; img < n; img++) {
            for (int g = 0; g < group; g++) {
                int outBase = (img * m + g * mg) * p;
                if (depthwise) {
                    int inBase = img * inImage + g * win.inSize();
                    float[] src = xd;
                    int srcBase = inBase;
                    if (paddedIn != null) {
                        pad(xd, inBase, 1, win, paddedH, paddedW, paddedIn);
                        src = paddedIn;
                        srcBase = 0;
                    }
                    for (int oc = 0; oc < mg; oc++) {
                        int channel = g * mg + oc;
                        DepthwiseConvFamily.get()
                                .convolve(
                                        src,
                                        srcBase,
                                        paddedW,
                                        wd,
                                        channel * k,
                                        win.kH(),
                                        win.kW(),
                                        win.dH(),
                                        win.dW(),
                                        win.sH(),
                                        bias != null ? bias.data()[channel] : 0f,
                                        out,
                                        outBase + oc * p,
                                        win.outH(),
                                        win.outW());
                    }
                    continue;
                }
                if (wide) {
                    int inBase = img * inImage + g * cg * win.inSize();
                    float[] src = xd;
                    int srcBase = inBase;
                    if (paddedIn != null) {
                        pad(xd, inBase, cg, win, paddedH, paddedW, paddedIn);
                        src = paddedIn;
                        srcBase = 0;
                    }
                    for (int oc = 0; oc < mg; oc++) {
                        java.util.Arrays.fill(
                                wideOut, oc * width, (oc + 1) * width, bias != null ? bias.data()[g * mg + oc] : 0f);
                    }
                    wideColumns(src, srcBase, cg, win, paddedH, paddedW, wideN, width, columns);
                    sgemm.multiplyAdd(mg, width, k, wd, g * mg * k, k, columns, 0, width, wideOut, 0, width);
                    for (int oc = 0; oc < mg; oc++) {
                        for (int oh = 0; oh < win.outH(); oh++) {
                            System.arraycopy(
                                    wideOut,
                                    oc * width + oh * paddedW,
                                    out,
                                    outBase + oc * p + oh * win.outW(),
                                    win.outW());
                        }
                    }
                    continue;
                }
                // The allocator's array may hold anything: start every output at its bias or zero.
                for (int oc = 0; oc < mg; oc++) {
                    java.util.Arrays.fill(
                            out,
                            outBase + oc * p,
                            outBase + (oc + 1) * p,
                            bias != null ? bias.data()[g * mg + oc] : 0f);
                }
                int inBase = img * inImage + g * cg * win.inSize();
                if (direct) {
                    sgemm.multiplyAdd(mg, p, k, wd, g * mg * k, k, xd, inBase, p, out, outBase, p);
                } else {
                    im2col(xd, inBase, cg, win, columns);
                    sgemm.multiplyAdd(mg, p, k, wd, g * mg * k, k, columns, 0, p, out, outBase, p);
                }
            }
            if (activation != null) {
                // While the image's outputs are still in cache; one pass over them all is faster than
                // one per short output row.
                activation.applyInPlace(out, img * m * p, (img + 1) * m * p);
            }
        }
        return Tensor.of(Shape.of(outDims), out);
    }

    /** Copies the channels of one image and group into the interior of the zero-bordered planes. */
    private static void pad(float[] x, int inBase, int channels, Window w, int paddedH, int paddedW, float[] paddedIn) {
        for (int ch = 0; ch < channels; ch++) {
            int from = inBase + ch * w.inSize();
            int to = ch * paddedH * paddedW + w.padTop() * paddedW + w.padLeft();
            for (int ih = 0; ih < w.inH(); ih++) {
                System.arraycopy(x, from + ih * w.inW(), paddedIn, to + ih * paddedW, w.inW());
            }
        }
    }

    /**
     * Writes the K x width column matrix of one image and group for a unit-stride window over planes
     * of paddedH x paddedW already padded: row (ch, ki, kj), column oh * paddedW + ow holds padded
     * pixel (oh + ki * dH, ow + kj * dW), so a row is one run of the plane. Columns with ow of
     * outW or more are the extra outputs the caller drops; so are those from wideN to width (the
     * rounding of the width), which hold zeros.
     */
    static void wideColumns(
            float[] x,
            int base,
            int channels,
            Window w,
            int paddedH,
            int paddedW,
            int wideN,
            int width,
            float[] columns) {
        int row = 0;
        for (int ch = 0; ch < channels; ch++) {
            int plane = base + ch * paddedH * paddedW;
            for (int ki = 0; ki < w.kH(); ki++) {
                for (int kj = 0; kj < w.kW(); kj++, row++) {
                    System.arraycopy(x, plane + ki * w.dH() * paddedW + kj * w.dW(), columns, row * width, wideN);
                    java.util.Arrays.fill(columns, row * width + wideN, (row + 1) * width, 0f);
                }
            }
        }
    }

    /**
     * Writes the K x P column matrix of one image and group. Each output row splits into a left
     * padding run, the pixels inside the input (one array copy when the stride along the width is
     * 1) and a right padding run.
     */
    static void im2col(float[] x, int inBase, int channels, Window w, float[] columns) {
        int inH = w.inH();
        int inW = w.inW();
        int outH = w.outH();
        int outW = w.outW();
        int sH = w.sH();
        int sW = w.sW();
        int p = w.outSize();
        int row = 0;
        for (int ch = 0; ch < channels; ch++) {
            int plane = inBase + ch * w.inSize();
            for (int ki = 0; ki < w.kH(); ki++) {
                for (int kj = 0; kj < w.kW(); kj++, row++) {
                    int dst = row * p;
                    int iw0 = kj * w.dW() - w.padLeft();
                    // Outputs ow in [owFrom, owTo) read columns iw = iw0 + ow * sW inside [0, inW).
                    int owFrom = iw0 >= 0 ? 0 : Math.min(outW, (-iw0 + sW - 1) / sW);
                    int owTo = iw0 >= inW ? 0 : Math.min(outW, (inW - 1 - iw0) / sW + 1);
                    owTo = Math.max(owTo, owFrom);
                    for (int oh = 0; oh < outH; oh++) {
                        int ih = oh * sH - w.padTop() + ki * w.dH();
                        int rowStart = dst + oh * outW;
                        if (ih < 0 || ih >= inH) {
                            java.util.Arrays.fill(columns, rowStart, rowStart + outW, 0f);
                            continue;
                        }
                        int src = plane + ih * inW + iw0;
                        if (owFrom > 0) {
                            java.util.Arrays.fill(columns, rowStart, rowStart + owFrom, 0f);
                        }
                        if (sW == 1) {
                            if (owTo > owFrom) {
                                System.arraycopy(x, src + owFrom, columns, rowStart + owFrom, owTo - owFrom);
                            }
                        } else {
                            for (int ow = owFrom; ow < owTo; ow++) {
                                columns[rowStart + ow] = x[src + ow * sW];
                            }
                        }
                        if (owTo < outW) {
                            java.util.Arrays.fill(columns, rowStart + owTo, rowStart + outW, 0f);
                        }
                    }
                }
            }
        }
    }
}
