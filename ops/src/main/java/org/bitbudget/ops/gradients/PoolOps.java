package org.bitbudget.ops.gradients;

import java.util.Arrays;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ops.compute.Window;

/**
 * Max, average and global-average pooling over 1 or 2 spatial axes, and their gradients. MaxPool
 * sends each output's gradient to the input element the forward picked (the first largest, or the
 * last NaN, as the float engine picks); AveragePool spreads it evenly over the window's elements
 * inside the input, divided by the forward's count.
 */
public final class PoolOps {
    private PoolOps() {}

    /**
     * A pooling result.
     *
     * @param output  the pooled values
     * @param indices MaxPool's optional second output (flat indices as ONNX defines them), or null
     * @param argmax  for MaxPool, the index into the input's data of each output's maximum (-1 for a
     *                window entirely in the padding); null for AveragePool
     */
    public record Pooled(DTensor output, DTensor indices, int[] argmax) {}

    private static Window window(Op.Pool pool, int[] xs) {
        if (xs.length - 2 != pool.kernel().length) {
            throw new IllegalArgumentException("input " + Arrays.toString(xs) + " does not have " + pool.kernel().length
                    + " spatial axes as kernel_shape says");
        }
        return Window.resolve(
                Arrays.copyOfRange(xs, 2, xs.length),
                pool.kernel(),
                pool.strides(),
                pool.pads(),
                pool.dilations(),
                pool.autoPad(),
                pool.ceilMode());
    }

    private static int[] outDims(int[] xs, Window w) {
        int[] out = xs.clone();
        if (xs.length == 3) {
            out[2] = w.outW();
        } else {
            out[2] = w.outH();
            out[3] = w.outW();
        }
        return out;
    }

    public static Pooled forward(Op.Pool pool, DTensor x, boolean withIndices) {
        int[] xs = x.dims();
        Window w = window(pool, xs);
        int planes = xs[0] * xs[1];
        int inSize = w.inH() * w.inW();
        int outSize = w.outH() * w.outW();
        double[] in = x.data();
        double[] out = new double[planes * outSize];
        boolean max = pool.kind() == Op.Pool.Kind.MAX;
        int[] argmax = max ? new int[out.length] : null;
        double[] indices = max && withIndices ? new double[out.length] : null;
        for (int plane = 0; plane < planes; plane++) {
            int src = plane * inSize;
            for (int oh = 0; oh < w.outH(); oh++) {
                int h0 = oh * w.sH() - w.padTop();
                for (int ow = 0; ow < w.outW(); ow++) {
                    int w0 = ow * w.sW() - w.padLeft();
                    double best = Double.NEGATIVE_INFINITY;
                    int bestAt = -1;
                    double sum = 0;
                    for (int i = 0; i < w.kH(); i++) {
                        int ih = h0 + i * w.dH();
                        for (int j = 0; j < w.kW(); j++) {
                            int iw = w0 + j * w.dW();
                            if (ih < 0 || ih >= w.inH() || iw < 0 || iw >= w.inW()) {
                                continue;
                            }
                            int at = src + ih * w.inW() + iw;
                            double v = in[at];
                            if (v > best || Double.isNaN(v) || bestAt < 0) {
                                best = v;
                                bestAt = at;
                            }
                            sum += v;
                        }
                    }
                    int o = plane * outSize + oh * w.outW() + ow;
                    if (max) {
                        out[o] = best;
                        argmax[o] = bestAt;
                        if (indices != null) {
                            indices[o] = onnxIndex(pool, w, plane, bestAt - src);
                        }
                    } else {
                        out[o] = sum / w.averageDivisor(oh, ow, pool.countIncludePad());
                    }
                }
            }
        }
        int[] dims = outDims(xs, w);
        return new Pooled(DTensor.of(dims, out), indices == null ? null : DTensor.of(dims, indices), argmax);
    }

    /** MaxPool's Indices output: the flat index over the whole tensor, in the plane's storage order. */
    private static double onnxIndex(Op.Pool pool, Window w, int plane, int inPlane) {
        if (inPlane < 0) {
            return (double) plane * w.inH() * w.inW() - 1;
        }
        int ih = inPlane / w.inW();
        int iw = inPlane % w.inW();
        int local = pool.storageOrder() == 0 ? inPlane : iw * w.inH() + ih;
        return (double) plane * w.inH() * w.inW() + local;
    }

    public static DTensor backward(Op.Pool pool, DTensor x, int[] argmax, DTensor dy) {
        double[] dx = new double[x.size()];
        double[] g = dy.data();
        if (argmax != null) {
            for (int o = 0; o < g.length; o++) {
                if (argmax[o] >= 0) {
                    dx[argmax[o]] += g[o];
                }
            }
            return DTensor.of(x.dims(), dx);
        }
        int[] xs = x.dims();
        Window w = window(pool, xs);
        int planes = xs[0] * xs[1];
        int inSize = w.inH() * w.inW();
        int outSize = w.outH() * w.outW();
        for (int plane = 0; plane < planes; plane++) {
            int src = plane * inSize;
            for (int oh = 0; oh < w.outH(); oh++) {
                int h0 = oh * w.sH() - w.padTop();
                for (int ow = 0; ow < w.outW(); ow++) {
                    int w0 = ow * w.sW() - w.padLeft();
                    double share =
                            g[plane * outSize + oh * w.outW() + ow] / w.averageDivisor(oh, ow, pool.countIncludePad());
                    for (int i = 0; i < w.kH(); i++) {
                        int ih = h0 + i * w.dH();
                        if (ih < 0 || ih >= w.inH()) {
                            continue;
                        }
                        for (int j = 0; j < w.kW(); j++) {
                            int iw = w0 + j * w.dW();
                            if (iw >= 0 && iw < w.inW()) {
                                dx[src + ih * w.inW() + iw] += share;
                            }
                        }
                    }
                }
            }
        }
        return DTensor.of(xs, dx);
    }

    public static DTensor globalAverage(DTensor x) {
        int[] xs = x.dims();
        if (xs.length < 3) {
            throw new IllegalArgumentException("input " + Arrays.toString(xs) + " has no spatial axes");
        }
        int planes = xs[0] * xs[1];
        int size = x.size(2, xs.length);
        double[] in = x.data();
        double[] out = new double[planes];
        for (int p = 0; p < planes; p++) {
            double sum = 0;
            for (int i = p * size, end = i + size; i < end; i++) {
                sum += in[i];
            }
            out[p] = sum / size;
        }
        int[] outDims = xs.clone();
        Arrays.fill(outDims, 2, outDims.length, 1);
        return DTensor.of(outDims, out);
    }

    public static DTensor globalAverageBackward(DTensor x, DTensor dy) {
        int size = x.size(2, x.rank());
        double[] g = dy.data();
        double[] dx = new double[x.size()];
        for (int p = 0; p < g.length; p++) {
            Arrays.fill(dx, p * size, (p + 1) * size, g[p] / size);
        }
        return DTensor.of(x.dims(), dx);
    }
}
