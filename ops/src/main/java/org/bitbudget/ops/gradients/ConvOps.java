package org.bitbudget.ops.gradients;

import java.util.Arrays;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ops.compute.Window;

/**
 * Grouped 1-D and 2-D convolution and its gradients, one image and group at a time, with
 * K = C/g * kH * kW rows of columns and P output pixels:
 * <ul>
 *   <li>forward: Y[g] (M/g x P) = W[g] (M/g x K) * cols (K x P) + bias;</li>
 *   <li>weight: dW[g] += dY[g] * cols^T, with cols^T (P x K) gathered straight from the input;</li>
 *   <li>input: dcols^T (P x K) = dY[g]^T * W[g], scattered back onto dX (col2im).</li>
 * </ul>
 * Both gradient products take dY as the left operand, whose many zeros (ReLU, max pooling)
 * {@link DoubleGemm} skips. Column buffers are allocated once per call and reused for every image,
 * so concurrent calls share nothing.
 */
public final class ConvOps {
    private ConvOps() {}

    /** The checked geometry of one convolution. */
    private record Geometry(int n, int c, int m, int group, int cg, int mg, int k, int p, Window win, int[] outDims) {
        int inSize() {
            return win.inH() * win.inW();
        }
    }

    private static Geometry geometry(Op.Conv conv, DTensor x, DTensor w, DTensor bias) {
        int[] xs = x.dims();
        int[] ws = w.dims();
        int spatialRank = xs.length - 2;
        if (spatialRank < 1 || spatialRank > 2) {
            throw new IllegalArgumentException("input " + Arrays.toString(xs) + " must be [N, C, W] or [N, C, H, W]");
        }
        if (ws.length != xs.length) {
            throw new IllegalArgumentException(
                    "weight " + Arrays.toString(ws) + " and input " + Arrays.toString(xs) + " differ in rank");
        }
        int c = xs[1];
        int m = ws[0];
        int group = conv.group();
        int[] kernel = Arrays.copyOfRange(ws, 2, ws.length);
        if (conv.kernel() != null && !Arrays.equals(conv.kernel(), kernel)) {
            throw new IllegalArgumentException(
                    "kernel_shape " + Arrays.toString(conv.kernel()) + " does not match weight " + Arrays.toString(ws));
        }
        if (c % group != 0 || m % group != 0 || ws[1] * group != c) {
            throw new IllegalArgumentException("input has " + c + " channels and weight " + Arrays.toString(ws)
                    + ", which does not fit group=" + group);
        }
        if (bias != null && bias.size() != m) {
            throw new IllegalArgumentException("bias " + Arrays.toString(bias.dims()) + " must have " + m + " values");
        }
        Window win = Window.resolve(
                Arrays.copyOfRange(xs, 2, xs.length),
                kernel,
                conv.strides(),
                conv.pads(),
                conv.dilations(),
                conv.autoPad(),
                false);
        int[] outDims = xs.clone();
        outDims[1] = m;
        if (spatialRank == 1) {
            outDims[2] = win.outW();
        } else {
            outDims[2] = win.outH();
            outDims[3] = win.outW();
        }
        int cg = c / group;
        return new Geometry(
                xs[0], c, m, group, cg, m / group, cg * win.kH() * win.kW(), win.outH() * win.outW(), win, outDims);
    }

    public static DTensor forward(Op.Conv conv, DTensor x, DTensor w, DTensor bias) {
        Geometry g = geometry(conv, x, w, bias);
        double[] out = new double[g.n * g.m * g.p];
        double[] xd = x.data();
        double[] wd = w.data();
        double[][] cols = new double[g.k][g.p];
        DoubleGemm.Scratch scratch = new DoubleGemm.Scratch();
        for (int img = 0; img < g.n; img++) {
            for (int grp = 0; grp < g.group; grp++) {
                int outBase = (img * g.m + grp * g.mg) * g.p;
                if (bias != null) {
                    for (int oc = 0; oc < g.mg; oc++) {
                        Arrays.fill(out, outBase + oc * g.p, outBase + (oc + 1) * g.p, bias.data()[grp * g.mg + oc]);
                    }
                }
                im2col(xd, (img * g.c + grp * g.cg) * g.inSize(), g.cg, g.win, cols);
                DoubleGemm.nn(g.mg, g.p, g.k, wd, grp * g.mg * g.k, g.k, cols, out, outBase, g.p, scratch);
            }
        }
        return DTensor.of(g.outDims, out);
    }

    /** Gradients {dX, dW, dBias}; an entry is null when not asked for (or, for dBias, without a bias). */
    public static DTensor[] backward(
            Op.Conv conv,
            DTensor x,
            DTensor w,
            DTensor bias,
            DTensor dy,
            boolean needX,
            boolean needW,
            boolean needBias) {
        Geometry g = geometry(conv, x, w, bias);
        double[] xd = x.data();
        double[] gy = dy.data();
        double[] dx = needX ? new double[xd.length] : null;
        double[] dw = needW ? new double[w.size()] : null;
        double[] db = needBias && bias != null ? new double[g.m] : null;
        double[][] cols = needW ? new double[g.k][g.p] : null;
        double[][] colsT = needW ? new double[g.p][g.k] : null;
        double[] dColsT = needX ? new double[g.p * g.k] : null;
        double[][][] wRows = new double[g.group][][];
        for (int grp = 0; needX && grp < g.group; grp++) {
            wRows[grp] = DoubleGemm.rows(w.data(), grp * g.mg * g.k, g.mg, g.k);
        }
        DoubleGemm.Scratch scratch = new DoubleGemm.Scratch();
        for (int img = 0; img < g.n; img++) {
            for (int grp = 0; grp < g.group; grp++) {
                int yBase = (img * g.m + grp * g.mg) * g.p;
                int inBase = (img * g.c + grp * g.cg) * g.inSize();
                if (db != null) {
                    for (int oc = 0; oc < g.mg; oc++) {
                        double sum = 0;
                        for (int i = yBase + oc * g.p, end = i + g.p; i < end; i++) {
                            sum += gy[i];
                        }
                        db[grp * g.mg + oc] += sum;
                    }
                }
                if (dw != null) {
                    im2colT(xd, inBase, g.cg, g.win, cols, colsT);
                    DoubleGemm.nn(g.mg, g.k, g.p, gy, yBase, g.p, colsT, dw, grp * g.mg * g.k, g.k, scratch);
                }
                if (dx != null) {
                    Arrays.fill(dColsT, 0);
                    DoubleGemm.tn(g.p, g.k, g.mg, gy, yBase, g.p, wRows[grp], dColsT, 0, g.k, scratch);
                    col2imT(dColsT, g.cg, g.win, dx, inBase);
                }
            }
        }
        return new DTensor[] {
            dx == null ? null : DTensor.of(x.dims(), dx),
            dw == null ? null : DTensor.of(w.dims(), dw),
            db == null ? null : DTensor.of(bias.dims(), db)
        };
    }

    /**
     * Writes the K x P column matrix of one image and group, one array per row: row (ch, ki, kj),
     * column (oh, ow) holds the input pixel under kernel tap (ki, kj) of output (oh, ow), or 0 in the
     * padding.
     */
    static void im2col(double[] x, int inBase, int channels, Window w, double[][] cols) {
        int inW = w.inW();
        int outW = w.outW();
        int sW = w.sW();
        int row = 0;
        for (int ch = 0; ch < channels; ch++) {
            int plane = inBase + ch * w.inH() * inW;
            for (int ki = 0; ki < w.kH(); ki++) {
                for (int kj = 0; kj < w.kW(); kj++, row++) {
                    double[] r = cols[row];
                    int iw0 = kj * w.dW() - w.padLeft();
                    // Outputs ow in [owFrom, owTo) read columns iw = iw0 + ow * sW inside [0, inW).
                    int owFrom = iw0 >= 0 ? 0 : Math.min(outW, (-iw0 + sW - 1) / sW);
                    int owTo = iw0 >= inW ? 0 : Math.min(outW, (inW - 1 - iw0) / sW + 1);
                    owTo = Math.max(owTo, owFrom);
                    for (int oh = 0; oh < w.outH(); oh++) {
                        int ih = oh * w.sH() - w.padTop() + ki * w.dH();
                        int start = oh * outW;
                        if (ih < 0 || ih >= w.inH()) {
                            Arrays.fill(r, start, start + outW, 0);
                            continue;
                        }
                        int src = plane + ih * inW + iw0;
                        Arrays.fill(r, start, start + owFrom, 0);
                        if (sW == 1) {
                            System.arraycopy(x, src + owFrom, r, start + owFrom, owTo - owFrom);
                        } else {
                            for (int ow = owFrom; ow < owTo; ow++) {
                                r[start + ow] = x[src + ow * sW];
                            }
                        }
                        Arrays.fill(r, start + owTo, start + outW, 0);
                    }
                }
            }
        }
    }

    /**
     * Writes the transpose of {@link #im2col}, P rows of K taps, one per output pixel, by
     * transposing {@code cols} (K x P, filled here) in blocks of 8 rows: each block reads 8 runs of
     * {@code cols} and writes 8 consecutive values of each row of {@code colsT}, where gathering
     * the taps pixel by pixel would run loops only a kernel width long.
     */
    static void im2colT(double[] x, int inBase, int channels, Window w, double[][] cols, double[][] colsT) {
        im2col(x, inBase, channels, w, cols);
        int k = cols.length;
        int p = colsT.length;
        int kk = 0;
        for (; kk + 8 <= k; kk += 8) {
            double[] r0 = cols[kk];
            double[] r1 = cols[kk + 1];
            double[] r2 = cols[kk + 2];
            double[] r3 = cols[kk + 3];
            double[] r4 = cols[kk + 4];
            double[] r5 = cols[kk + 5];
            double[] r6 = cols[kk + 6];
            double[] r7 = cols[kk + 7];
            for (int q = 0; q < p; q++) {
                double[] t = colsT[q];
                t[kk] = r0[q];
                t[kk + 1] = r1[q];
                t[kk + 2] = r2[q];
                t[kk + 3] = r3[q];
                t[kk + 4] = r4[q];
                t[kk + 5] = r5[q];
                t[kk + 6] = r6[q];
                t[kk + 7] = r7[q];
            }
        }
        for (; kk < k; kk++) {
            double[] r = cols[kk];
            for (int q = 0; q < p; q++) {
                colsT[q][kk] = r[q];
            }
        }
    }

    /** Adds each entry of a flat P x K matrix laid out as {@link #im2colT} onto the input pixel it came from. */
    static void col2imT(double[] colsT, int channels, Window w, double[] dx, int inBase) {
        int inW = w.inW();
        int outW = w.outW();
        int sW = w.sW();
        int k = channels * w.kH() * w.kW();
        int col = 0;
        for (int ch = 0; ch < channels; ch++) {
            int plane = inBase + ch * w.inH() * inW;
            for (int ki = 0; ki < w.kH(); ki++) {
                for (int kj = 0; kj < w.kW(); kj++, col++) {
                    int iw0 = kj * w.dW() - w.padLeft();
                    int owFrom = iw0 >= 0 ? 0 : Math.min(outW, (-iw0 + sW - 1) / sW);
                    int owTo = iw0 >= inW ? 0 : Math.min(outW, (inW - 1 - iw0) / sW + 1);
                    for (int oh = 0; oh < w.outH(); oh++) {
                        int ih = oh * w.sH() - w.padTop() + ki * w.dH();
                        if (ih < 0 || ih >= w.inH()) {
                            continue;
                        }
                        int dst = plane + ih * inW + iw0;
                        int at = oh * outW * k + col;
                        for (int ow = owFrom; ow < owTo; ow++) {
                            dx[dst + ow * sW] += colsT[at + ow * k];
                        }
                    }
                }
            }
        }
    }
}
