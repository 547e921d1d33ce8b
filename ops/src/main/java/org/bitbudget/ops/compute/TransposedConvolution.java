package org.bitbudget.ops.compute;

/**
 * ONNX ConvTranspose over any number of spatial axes, as a scatter: each input value times each
 * kernel tap is added at output position {@code i * stride + k * dilation - padBegin}. The same loop
 * gives the gradients of the input, the weight and the bias. Computed in double for the float engine
 * and the training pass alike; a faster col2im form can replace it without changing the results.
 */
public final class TransposedConvolution {
    private TransposedConvolution() {}

    /**
     * The resolved window of one node.
     *
     * @param batch     N
     * @param inChannels C (the weight's first axis)
     * @param outChannels M (the weight's second axis times the group count)
     * @param group     the group count
     * @param in        the input's spatial dimensions
     * @param kernel    the kernel's spatial dimensions
     * @param strides   the strides
     * @param dilations the dilations
     * @param padBegin  the begin pads (negative when output_shape asks for more than the natural size)
     * @param out       the output's spatial dimensions
     */
    public record Geometry(
            int batch,
            int inChannels,
            int outChannels,
            int group,
            int[] in,
            int[] kernel,
            int[] strides,
            int[] dilations,
            int[] padBegin,
            int[] out) {}

    /** Y from X, W and the bias {@code b} (null when omitted), laid out [N, C, in...], [C, M/group, k...], [M]. */
    public static double[] forward(Geometry g, double[] x, double[] w, double[] b) {
        int outSize = size(g.out());
        double[] y = new double[g.batch() * g.outChannels() * outSize];
        if (b != null) {
            for (int n = 0; n < g.batch(); n++) {
                for (int m = 0; m < g.outChannels(); m++) {
                    java.util.Arrays.fill(
                            y, (n * g.outChannels() + m) * outSize, (n * g.outChannels() + m + 1) * outSize, b[m]);
                }
            }
        }
        scatter(g, x, w, y, null, null, null);
        return y;
    }

    /**
     * Accumulates the gradients of X, W and B from the output's gradient {@code dy}; each of
     * {@code dx}, {@code dw}, {@code db} may be null when not wanted.
     */
    public static void backward(
            Geometry g, double[] x, double[] w, double[] dy, double[] dx, double[] dw, double[] db) {
        if (db != null) {
            int outSize = size(g.out());
            for (int n = 0; n < g.batch(); n++) {
                for (int m = 0; m < g.outChannels(); m++) {
                    int base = (n * g.outChannels() + m) * outSize;
                    for (int o = 0; o < outSize; o++) {
                        db[m] += dy[base + o];
                    }
                }
            }
        }
        if (dx != null || dw != null) {
            scatter(g, x, w, null, dy, dx, dw);
        }
    }

    /**
     * The one loop: forward when {@code y} is given, else the gradients of X and W from {@code dy}.
     * Taps that land outside the output are dropped.
     */
    private static void scatter(Geometry g, double[] x, double[] w, double[] y, double[] dy, double[] dx, double[] dw) {
        int rank = g.in().length;
        int inSize = size(g.in());
        int kSize = size(g.kernel());
        int outSize = size(g.out());
        int cg = g.inChannels() / g.group();
        int mg = g.outChannels() / g.group();
        // target[i * kSize + k]: the output position input position i reaches through tap k, or -1.
        int[] target = new int[inSize * kSize];
        int[] ic = new int[rank];
        for (int i = 0; i < inSize; i++) {
            unflatten(i, g.in(), ic);
            int[] kc = new int[rank];
            for (int k = 0; k < kSize; k++) {
                unflatten(k, g.kernel(), kc);
                int flat = 0;
                for (int a = 0; a < rank; a++) {
                    int o = ic[a] * g.strides()[a] + kc[a] * g.dilations()[a] - g.padBegin()[a];
                    if (o < 0 || o >= g.out()[a]) {
                        flat = -1;
                        break;
                    }
                    flat = flat * g.out()[a] + o;
                }
                target[i * kSize + k] = flat;
            }
        }
        for (int n = 0; n < g.batch(); n++) {
            for (int c = 0; c < g.inChannels(); c++) {
                int grp = c / cg;
                int xBase = (n * g.inChannels() + c) * inSize;
                for (int m = 0; m < mg; m++) {
                    int wBase = (c * mg + m) * kSize;
                    int yBase = (n * g.outChannels() + grp * mg + m) * outSize;
                    for (int i = 0; i < inSize; i++) {
                        double xv = x[xBase + i];
                        for (int k = 0; k < kSize; k++) {
                            int o = target[i * kSize + k];
                            if (o < 0) {
                                continue;
                            }
                            if (y != null) {
                                y[yBase + o] += xv * w[wBase + k];
                            } else {
                                double d = dy[yBase + o];
                                if (dx != null) {
                                    dx[xBase + i] += w[wBase + k] * d;
                                }
                                if (dw != null) {
                                    dw[wBase + k] += xv * d;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static void unflatten(int flat, int[] dims, int[] coords) {
        for (int a = dims.length - 1; a >= 0; a--) {
            coords[a] = flat % dims[a];
            flat /= dims[a];
        }
    }

    private static int size(int[] dims) {
        int s = 1;
        for (int d : dims) {
            s *= d;
        }
        return s;
    }
}
