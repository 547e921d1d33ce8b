package org.bitbudget.ops.compute.blocked;

import java.util.Arrays;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.Allocator;
import org.bitbudget.ops.compute.Convolution;
import org.bitbudget.ops.compute.Window;
import org.bitbudget.ops.compute.sgemm.BlockedSgemm;
import org.bitbudget.ops.compute.sgemm.PackedSgemmFamily;
import org.bitbudget.ops.compute.sgemm.PackedWeights;

/**
 * A 2-D convolution of one group computed in 16-channel blocks by {@link BlockedSgemm}: the input, the
 * output and a fused residual may each be NCHW or blocked ({@link ChannelBlocked16}). A blocked tensor
 * travels as a {@link Tensor} of shape [N, 16 * ceil(C / 16), H, W] holding the blocked floats; its
 * true channel count is the filter's. The input is read in place when it has no padding (the offset
 * of tap (c, kh, kw) of output pixel (oh, ow) separates into a row part for the tap and a column part
 * for the pixel, in either layout); padded, each image is first copied into the interior of
 * zero-bordered planes of its own layout, whole rows of W (W * 16) floats at a time.
 *
 * <p>Every output is the chain of {@link Convolution#forward}: the bias, the fused multiply-adds over
 * (c, kh, kw) in order, then the clamp of a Relu or Clip, or with a residual the sum and then the
 * clamp; so the results are the same bits as the NCHW convolution's, reordered.
 */
public final class BlockedConvolution {
    private static final int BLOCK = ChannelBlocked16.BLOCK;

    /** Work arrays kept per thread; they only grow. Callers overwrite every element they read. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private BlockedConvolution() {}

    private static final class Scratch {
        private float[] padded = new float[0];
        private float[] image = new float[0];
        private int[] rows = new int[0];
        private int[] columns = new int[0];
        private int[] paddedFor = new int[0];

        /**
         * The zero-bordered planes of the geometry {@code key}: zeroed whenever the geometry changes,
         * their borders stay zero while it does not (each image overwrites only the interior).
         */
        float[] padded(int size, int[] key) {
            if (padded.length < size) {
                padded = new float[size];
            } else if (!Arrays.equals(paddedFor, key)) {
                Arrays.fill(padded, 0, size, 0f);
            }
            paddedFor = key;
            return padded;
        }
    }

    /** The filter of {@code w} (M x C x kH x kW) and {@code bias} (or null) packed for {@code gemm}. */
    public static PackedWeights pack(BlockedSgemm gemm, Tensor w, Tensor bias) {
        int m = w.shape().dim(0);
        int k = w.shape().size() / m;
        return gemm.pack(m, k, w.data(), 0, k, bias == null ? null : bias.data(), 0);
    }

    /**
     * The clamp bounds {lo, hi} of {@code activation} applied to each result before it is stored, or
     * null when it is an activation the blocked convolution cannot fuse. No activation: no bounds.
     */
    public static float[] bounds(Activation activation) {
        if (activation == null) {
            return new float[] {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        }
        if (activation instanceof Activation.Relu) {
            return new float[] {0f, Float.POSITIVE_INFINITY};
        }
        if (activation instanceof Activation.Clip clip && !(clip.min() > clip.max())) {
            return new float[] {clip.min(), clip.max()};
        }
        return null;
    }

    /** Whether {@link #forward} computes {@code conv} in blocks: one group over 2-D images. */
    public static boolean supports(Op.Conv conv, Tensor w) {
        return conv.group() == 1 && w.shape().rank() == 4;
    }

    /**
     * The convolution of {@code x} by the packed filter, with {@code bias} and {@code activation}
     * (null, Relu or Clip; see {@link #bounds}) and a residual added before the activation (or null).
     *
     * @param xBlocked        whether {@code x} is blocked (its true channels are {@code w}'s second dimension)
     * @param residualBlocked whether {@code residual} is blocked
     * @param outBlocked      whether to return the output blocked
     */
    public static Tensor forward(
            Op.Conv conv,
            Tensor x,
            boolean xBlocked,
            Tensor w,
            Tensor bias,
            BlockedSgemm gemm,
            PackedWeights packed,
            Tensor residual,
            boolean residualBlocked,
            Activation activation,
            boolean outBlocked,
            Allocator allocator) {
        Shape xs = x.shape();
        int n = xs.dim(0);
        int c = w.shape().dim(1);
        int m = w.shape().dim(0);
        int[] kernel = Arrays.copyOfRange(w.shape().dims(), 2, 4);
        Window win = Window.resolve(
                new int[] {xs.dim(2), xs.dim(3)},
                kernel,
                conv.strides(),
                conv.pads(),
                conv.dilations(),
                conv.autoPad(),
                false);
        int p = (win.outH() * win.outW());
        Shape outShape = Shape.of(n, m, win.outH(), win.outW());
        boolean residualFits =
                residual == null || residual.shape().equals(residualBlocked ? blockedShape(outShape) : outShape);
        boolean unpadded = win.padTop() >= 0 && win.padLeft() >= 0 && win.padBottom() >= 0 && win.padRight() >= 0;
        float[] bounds = bounds(activation);
        if (!residualFits || !unpadded || bounds == null || xs.dim(1) != (xBlocked ? roundUp(c) : c)) {
            return viaPlanar(conv, x, xBlocked, w, bias, residual, residualBlocked, activation, outBlocked, allocator);
        }
        float lo = bounds[0];
        float hi = bounds[1];
        boolean padded = win.padTop() != 0 || win.padLeft() != 0 || win.padBottom() != 0 || win.padRight() != 0;
        int paddedH = win.inH() + win.padTop() + win.padBottom();
        int paddedW = win.inW() + win.padLeft() + win.padRight();
        int rowStride = padded ? paddedW : win.inW();
        int plane = padded ? paddedH * paddedW : (win.inH() * win.inW());
        int lanes = xBlocked ? BLOCK : 1;
        int inImage = (xBlocked ? roundUp(c) : c) * (win.inH() * win.inW());
        int k = c * win.kH() * win.kW();
        int outImage = ChannelBlocked16.imageSize(m, p);
        Scratch scratch = SCRATCH.get();
        if (scratch.rows.length < k) {
            scratch.rows = new int[k];
        }
        if (scratch.columns.length < p) {
            scratch.columns = new int[p];
        }
        int[] rows = scratch.rows;
        int[] columns = scratch.columns;
        for (int oh = 0; oh < win.outH(); oh++) {
            for (int ow = 0; ow < win.outW(); ow++) {
                columns[oh * win.outW() + ow] = (oh * win.sH() * rowStride + ow * win.sW()) * lanes;
            }
        }
        int paddedSize = (xBlocked ? roundUp(c) : c) * plane;
        float[] src = padded
                ? scratch.padded(paddedSize, new int[] {paddedSize, paddedW, lanes, win.padTop(), win.padLeft()})
                : x.data();
        if (padded) {
            taps(0, c, win, rowStride, plane, xBlocked, rows);
        }
        float[] out = allocator.take(outBlocked ? n * outImage : n * m * p);
        float[] image = null;
        if (!outBlocked) {
            if (scratch.image.length < outImage) {
                scratch.image = new float[outImage];
            }
            image = scratch.image;
        }
        // A blocked residual is added by the kernel as it stores each vector; an NCHW one afterwards.
        boolean inKernel = residual == null || residualBlocked;
        for (int img = 0; img < n; img++) {
            if (padded) {
                copyInterior(
                        x.data(),
                        img * inImage,
                        xBlocked ? ChannelBlocked16.blocks(c) : c,
                        win,
                        lanes,
                        paddedH,
                        paddedW,
                        src);
            } else {
                taps(img * inImage, c, win, rowStride, plane, xBlocked, rows);
            }
            float[] dst = outBlocked ? out : image;
            int at = outBlocked ? img * outImage : 0;
            gemm.multiply(
                    packed,
                    p,
                    src,
                    rows,
                    columns,
                    dst,
                    at,
                    p * BLOCK,
                    residual != null && residualBlocked ? residual.data() : null,
                    img * outImage,
                    inKernel ? lo : Float.NEGATIVE_INFINITY,
                    inKernel ? hi : Float.POSITIVE_INFINITY);
            if (!inKernel) {
                addResidual(dst, at, m, p, residual.data(), img, lo, hi);
            }
            if (!outBlocked) {
                ChannelBlocked16.toPlanar(image, 0, 1, m, p, out, img * m * p);
            }
        }
        return Tensor.of(outBlocked ? blockedShape(outShape) : outShape, out);
    }

    /** The shape a blocked tensor of NCHW shape {@code planar} travels as. */
    public static Shape blockedShape(Shape planar) {
        return planar.with(1, roundUp(planar.dim(1)));
    }

    private static int roundUp(int channels) {
        return ChannelBlocked16.blocks(channels) * BLOCK;
    }

    /**
     * The offset of each tap (ch, ki, kj) of the input whose first plane starts at {@code base}:
     * channel ch's plane (or block and lane), then the tap's row and column within it.
     */
    private static void taps(int base, int channels, Window w, int rowStride, int plane, boolean blocked, int[] rows) {
        int row = 0;
        for (int ch = 0; ch < channels; ch++) {
            int start = blocked ? base + ch / BLOCK * plane * BLOCK + ch % BLOCK : base + ch * plane;
            int lanes = blocked ? BLOCK : 1;
            for (int ki = 0; ki < w.kH(); ki++) {
                for (int kj = 0; kj < w.kW(); kj++, row++) {
                    rows[row] = start + (ki * w.dH() * rowStride + kj * w.dW()) * lanes;
                }
            }
        }
    }

    /** Copies {@code planes} planes (blocks when lanes = 16) of one image into the zero-bordered ones. */
    private static void copyInterior(
            float[] x, int base, int planes, Window w, int lanes, int paddedH, int paddedW, float[] dst) {
        int run = w.inW() * lanes;
        for (int pl = 0; pl < planes; pl++) {
            int from = base + pl * (w.inH() * w.inW()) * lanes;
            int to = (pl * paddedH * paddedW + w.padTop() * paddedW + w.padLeft()) * lanes;
            for (int ih = 0; ih < w.inH(); ih++) {
                System.arraycopy(x, from + ih * run, dst, to + ih * paddedW * lanes, run);
            }
        }
    }

    /**
     * Adds image {@code img} of the NCHW residual to the blocked outputs at {@code at} and clamps each
     * sum: the Add node's float sum, then the Relu's or Clip's clamp, as {@link Convolution#forward} does.
     */
    private static void addResidual(float[] dst, int at, int m, int p, float[] r, int img, float lo, float hi) {
        for (int ch = 0; ch < m; ch++) {
            int to = at + ch / BLOCK * p * BLOCK + ch % BLOCK;
            int from = (img * m + ch) * p;
            for (int px = 0; px < p; px++) {
                dst[to + px * BLOCK] = Math.min(Math.max(dst[to + px * BLOCK] + r[from + px], lo), hi);
            }
        }
    }

    /** The shapes the blocked path does not cover (a broadcast residual, negative pads): through NCHW. */
    private static Tensor viaPlanar(
            Op.Conv conv,
            Tensor x,
            boolean xBlocked,
            Tensor w,
            Tensor bias,
            Tensor residual,
            boolean residualBlocked,
            Activation activation,
            boolean outBlocked,
            Allocator allocator) {
        Tensor planarX = xBlocked ? planar(x, w.shape().dim(1)) : x;
        Tensor planarResidual =
                residual != null && residualBlocked ? planar(residual, w.shape().dim(0)) : residual;
        Tensor result = Convolution.forward(
                conv,
                planarX,
                w,
                bias,
                PackedSgemmFamily.get(),
                null,
                planarResidual,
                activation,
                outBlocked ? Allocator.FRESH : allocator);
        if (!outBlocked) {
            return result;
        }
        Shape s = result.shape();
        int pixels = s.size() / (s.dim(0) * s.dim(1));
        Shape blocked = blockedShape(s);
        float[] out = allocator.take(blocked.size());
        ChannelBlocked16.fromPlanar(result.data(), 0, s.dim(0), s.dim(1), pixels, out, 0);
        return Tensor.of(blocked, out);
    }

    /** The NCHW form of a blocked tensor whose true channel count is {@code channels}. */
    public static Tensor planar(Tensor blocked, int channels) {
        Shape s = blocked.shape();
        int pixels = s.size() / (s.dim(0) * s.dim(1));
        float[] out = new float[s.dim(0) * channels * pixels];
        ChannelBlocked16.toPlanar(blocked.data(), 0, s.dim(0), channels, pixels, out, 0);
        return Tensor.of(s.with(1, channels), out);
    }
}
