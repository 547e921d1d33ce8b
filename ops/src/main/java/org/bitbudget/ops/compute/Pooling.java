package org.bitbudget.ops.compute;

import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.pool.MaxPool2x2;

/** Max, average and global-average pooling over 1 or 2 spatial axes. */
public final class Pooling {
    private Pooling() {}

    /**
     * The pooled tensor, in an array from {@code allocator}, and for MaxPool with {@code withIndices}
     * also the int64 indices of the maxima. Every path writes every output.
     */
    public static Tensor[] forward(Op.Pool pool, Tensor x, boolean withIndices, Allocator allocator) {
        Shape xs = x.shape();
        int spatialRank = xs.rank() - 2;
        if (spatialRank != pool.kernel().length) {
            throw new IllegalArgumentException(
                    "input " + xs + " does not have " + pool.kernel().length + " spatial axes as kernel_shape says");
        }
        int[] spatial = java.util.Arrays.copyOfRange(xs.dims(), 2, xs.rank());
        Window w = Window.resolve(
                spatial, pool.kernel(), pool.strides(), pool.pads(), pool.dilations(), pool.autoPad(), pool.ceilMode());
        int planes = xs.dim(0) * xs.dim(1);
        int[] outDims = xs.dims();
        if (spatialRank == 1) {
            outDims[2] = w.outW();
        } else {
            outDims[2] = w.outH();
            outDims[3] = w.outW();
        }
        float[] in = x.data();
        float[] out = allocator.take(planes * w.outSize());
        float[] indices = withIndices ? new float[out.length] : null;
        boolean max = pool.kind() == Op.Pool.Kind.MAX;
        if (max && !withIndices) {
            // The window's rows i in [rowFrom[oh], rowTo[oh]) and columns j in [colFrom[ow], colTo[ow])
            // fall inside the input.
            int[] rowFrom = new int[w.outH()];
            int[] rowTo = new int[w.outH()];
            for (int oh = 0; oh < w.outH(); oh++) {
                int h0 = oh * w.sH() - w.padTop();
                rowFrom[oh] = h0 >= 0 ? 0 : (-h0 + w.dH() - 1) / w.dH();
                rowTo[oh] = Math.min(w.kH(), Math.floorDiv(w.inH() - 1 - h0, w.dH()) + 1);
            }
            int[] colFrom = new int[w.outW()];
            int[] colTo = new int[w.outW()];
            for (int ow = 0; ow < w.outW(); ow++) {
                int w0 = ow * w.sW() - w.padLeft();
                colFrom[ow] = w0 >= 0 ? 0 : (-w0 + w.dW() - 1) / w.dW();
                colTo[ow] = Math.min(w.kW(), Math.floorDiv(w.inW() - 1 - w0, w.dW()) + 1);
            }
            boolean twoByTwoInside = w.kH() == 2
                    && w.kW() == 2
                    && w.dH() == 1
                    && w.dW() == 1
                    && w.padTop() == 0
                    && w.padLeft() == 0
                    && (w.outH() - 1) * w.sH() + 1 < w.inH()
                    && (w.outW() - 1) * w.sW() + 1 < w.inW();
            if (twoByTwoInside) {
                MaxPool2x2.get().pool(in, w.inH(), w.inW(), w.sH(), w.sW(), out, w.outH(), w.outW(), planes);
            } else {
                for (int plane = 0; plane < planes; plane++) {
                    maxPlane(in, plane * w.inSize(), w, rowFrom, rowTo, colFrom, colTo, out, plane * w.outSize());
                }
            }
            return new Tensor[] {Tensor.of(x.type(), Shape.of(outDims), out)};
        }
        for (int plane = 0; plane < planes; plane++) {
            int src = plane * w.inSize();
            int dst = plane * w.outSize();
            for (int oh = 0; oh < w.outH(); oh++) {
                int h0 = oh * w.sH() - w.padTop();
                for (int ow = 0; ow < w.outW(); ow++) {
                    int w0 = ow * w.sW() - w.padLeft();
                    float best = Float.NEGATIVE_INFINITY;
                    int bestIndex = -1;
                    double sum = 0;
                    for (int i = 0; i < w.kH(); i++) {
                        int ih = h0 + i * w.dH();
                        for (int j = 0; j < w.kW(); j++) {
                            int iw = w0 + j * w.dW();
                            if (ih < 0 || ih >= w.inH() || iw < 0 || iw >= w.inW()) {
                                continue;
                            }
                            float v = in[src + ih * w.inW() + iw];
                            if (v > best || Float.isNaN(v) || bestIndex < 0) {
                                best = v;
                                bestIndex = pool.storageOrder() == 0 ? ih * w.inW() + iw : iw * w.inH() + ih;
                            }
                            sum += v;
                        }
                    }
                    int count = w.averageDivisor(oh, ow, pool.countIncludePad());
                    out[dst + oh * w.outW() + ow] = max ? best : (float) (sum / count);
                    if (indices != null) {
                        indices[dst + oh * w.outW() + ow] = (float) ((long) plane * w.inSize() + bestIndex);
                    }
                }
            }
        }
        Tensor pooled = Tensor.of(x.type(), Shape.of(outDims), out);
        return indices == null
                ? new Tensor[] {pooled}
                : new Tensor[] {pooled, Tensor.of(DataType.INT64, Shape.of(outDims), indices)};
    }

    /**
     * MaxPool of one plane without indices, giving exactly what the general loop above gives. That
     * loop keeps the first of equal values and the last NaN, and branches on every comparison, which
     * the processor mispredicts on activations. Here {@link Math#max} (branch-free) takes the
     * maximum instead; it can differ from the general loop only on zeros of both signs and on NaN,
     * so a window holding -0 or NaN is redone with the general loop's rule.
     */
    private static void maxPlane(
            float[] in,
            int src,
            Window w,
            int[] rowFrom,
            int[] rowTo,
            int[] colFrom,
            int[] colTo,
            float[] out,
            int dst) {
        int inW = w.inW();
        int dH = w.dH();
        int dW = w.dW();
        int outW = w.outW();
        for (int oh = 0; oh < w.outH(); oh++) {
            int h0 = oh * w.sH() - w.padTop();
            int iFrom = rowFrom[oh];
            int iTo = rowTo[oh];
            for (int ow = 0; ow < outW; ow++) {
                int w0 = ow * w.sW() - w.padLeft();
                int jFrom = colFrom[ow];
                int jTo = colTo[ow];
                float best;
                if (iFrom >= iTo || jFrom >= jTo) {
                    best = Float.NEGATIVE_INFINITY;
                } else {
                    best = in[src + (h0 + iFrom * dH) * inW + w0 + jFrom * dW];
                    boolean negativeZero = false;
                    for (int i = iFrom; i < iTo; i++) {
                        int rowBase = src + (h0 + i * dH) * inW + w0;
                        for (int j = jFrom; j < jTo; j++) {
                            float v = in[rowBase + j * dW];
                            best = Math.max(best, v);
                            negativeZero |= isNegativeZero(v);
                        }
                    }
                    if (best != best || negativeZero) {
                        best = firstMax(in, src, inW, h0, w0, dH, dW, iFrom, iTo, jFrom, jTo);
                    }
                }
                out[dst + oh * outW + ow] = best;
            }
        }
    }

    private static boolean isNegativeZero(float v) {
        return Float.floatToRawIntBits(v) == 0x80000000;
    }

    /** The general loop's rule over a non-empty window: the first largest value, or the last NaN. */
    private static float firstMax(
            float[] in, int src, int inW, int h0, int w0, int dH, int dW, int iFrom, int iTo, int jFrom, int jTo) {
        float best = in[src + (h0 + iFrom * dH) * inW + w0 + jFrom * dW];
        for (int i = iFrom; i < iTo; i++) {
            int rowBase = src + (h0 + i * dH) * inW + w0;
            for (int j = jFrom; j < jTo; j++) {
                float v = in[rowBase + j * dW];
                if (v > best || Float.isNaN(v)) {
                    best = v;
                }
            }
        }
        return best;
    }

    public static Tensor globalAverage(Tensor x) {
        Shape xs = x.shape();
        if (xs.rank() < 3) {
            throw new IllegalArgumentException("input " + xs + " has no spatial axes");
        }
        int planes = xs.dim(0) * xs.dim(1);
        int size = xs.size(2, xs.rank());
        float[] in = x.data();
        float[] out = new float[planes];
        int p = 0;
        // Four planes at a time: each plane's sum is still one chain in order, but four chains are
        // in flight instead of one waiting on each addition.
        for (; p + 4 <= planes; p += 4) {
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            for (int i = p * size, end = i + size; i < end; i++) {
                s0 += in[i];
                s1 += in[i + size];
                s2 += in[i + 2 * size];
                s3 += in[i + 3 * size];
            }
            out[p] = (float) (s0 / size);
            out[p + 1] = (float) (s1 / size);
            out[p + 2] = (float) (s2 / size);
            out[p + 3] = (float) (s3 / size);
        }
        for (; p < planes; p++) {
            double sum = 0;
            for (int i = p * size, end = i + size; i < end; i++) {
                sum += in[i];
            }
            out[p] = (float) (sum / size);
        }
        int[] outDims = xs.dims();
        for (int i = 2; i < outDims.length; i++) {
            outDims[i] = 1;
        }
        return Tensor.of(Shape.of(outDims), out);
    }
}
