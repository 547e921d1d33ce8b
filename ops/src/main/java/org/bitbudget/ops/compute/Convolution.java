package org.bitbudget.ops.compute;

import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.depthwise.DepthwiseConv;
import org.bitbudget.ops.compute.depthwise.DepthwiseConvFamily;
import org.bitbudget.ops.compute.sgemm.PackedSgemm;
import org.bitbudget.ops.compute.sgemm.PackedWeights;

/**
 * Grouped 1-D and 2-D convolution as a {@link PackedSgemm} over columns, one image and group at a
 * time: output[g] = bias + weight[g] (M/g x K) * columns (K x P), with K = C/g * kH * kW and P the
 * output pixels, the weights packed once when they are constant. The kernel reads each row of the
 * column matrix at its own offset, so a 1x1 convolution with unit stride and no padding multiplies
 * the input directly, and others need no columns at all (see {@link #wideRows}): each column row
 * is one contiguous run of the (zero-padded) input, or with strides above 1 of one of its phases, at
 * the price of computing outputs for the padded width and dropping the extra ones. Where that
 * would more than double the work, or with negative pads, the columns are copied (im2col). Every kept output is the same chain of fused multiply-adds over the same values, so the
 * results are identical either way.
 *
 * <p>A convolution with one input channel per group (depthwise) and unit stride along the width runs
 * the direct {@link DepthwiseConv} kernel on the zero-padded plane instead: a SGEMM with one row of
 * A per group spends its time in building columns and in a nine-term chain per output. The kernel
 * computes the same chain, so the results are identical too. A single input channel feeding at least
 * a register tile's rows of outputs (a network's stem) is the exception: it stays a SGEMM.
 */
public final class Convolution {
    /**
     * Work arrays kept per thread between calls, so that a small batch does not pay for zeroing
     * fresh ones each time; they only grow. Callers overwrite every element they read.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * Floats past the end of the padded planes and of the wide outputs, so that the depthwise
     * kernel's masked last vector (up to 16 floats, 512-bit) lies inside the array: masked loads and
     * stores that would cross an array's end leave the compiled path for a slow one.
     */
    private static final int SLACK = 16;

    private Convolution() {}

    private static final class Scratch {
        private float[] columns = new float[0];
        private float[] wideOut = new float[0];
        private int[] rows = new int[0];
        private int[] pixels = new int[0];
        private float[] paddedIn = new float[0];

        float[] columns(int size) {
            if (columns.length < size) {
                columns = new float[size];
            }
            return columns;
        }

        int[] pixels(int size) {
            if (pixels.length < size) {
                pixels = new int[size];
            }
            return pixels;
        }

        int[] rows(int size) {
            if (rows.length < size) {
                rows = new int[size];
            }
            return rows;
        }

        float[] wideOut(int size) {
            if (wideOut.length < size + SLACK) {
                wideOut = new float[size + SLACK];
            }
            return wideOut;
        }

        /** At least {@code size} floats, the first {@code size} of them zero. */
        float[] paddedIn(int size) {
            if (paddedIn.length < size + SLACK) {
                paddedIn = new float[size + SLACK];
            } else {
                java.util.Arrays.fill(paddedIn, 0, size, 0f);
            }
            return paddedIn;
        }
    }

    /**
     * The convolution of {@code x} by {@code w} plus {@code bias} (or null), with {@code activation}
     * (or null) applied to each image's outputs as soon as they are written, in an array from
     * {@code allocator}. {@code packed} is {@link #pack} of the same weights and bias for
     * {@code gemm}, or null to pack them in this call.
     */
    public static Tensor forward(
            Op.Conv conv,
            Tensor x,
            Tensor w,
            Tensor bias,
            PackedSgemm gemm,
            PackedFilter packed,
            Activation activation,
            Allocator allocator) {
        return forward(conv, x, w, bias, gemm, packed, null, activation, allocator);
    }

    /**
     * {@link #forward(Op.Conv, Tensor, Tensor, Tensor, PackedSgemm, PackedFilter, Activation,
     * Allocator)} followed by an ONNX Add of {@code residual} (or null for none) before the
     * activation: each image's outputs get the residual added while they are still in cache, the
     * same float sum the Add node computes. A residual of another shape is broadcast as the Add
     * node would, after the whole convolution.
     */
    public static Tensor forward(
            Op.Conv conv,
            Tensor x,
            Tensor w,
            Tensor bias,
            PackedSgemm gemm,
            PackedFilter packed,
            Tensor residual,
            Activation activation,
            Allocator allocator) {
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
        if (residual != null && !residual.shape().equals(Shape.of(outDims))) {
            Tensor plain = forward(conv, x, w, bias, gemm, packed, null, null, Allocator.FRESH);
            Tensor sum = Elementwise.binary(new Op.Binary(Op.Binary.Kind.ADD, -1), plain, residual);
            if (activation != null) {
                activation.applyInPlace(sum.data(), 0, sum.data().length);
            }
            return sum;
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
        // The planes of the wide route: for strides above 1 each padded plane is split into its
        // sH x sW phases (rows y with y % sH = a, columns x with x % sW = b), in which every tap
        // reads at unit stride.
        int phaseH = (paddedH + win.sH() - 1) / win.sH();
        int phaseW = (paddedW + win.sW() - 1) / win.sW();
        int wideN = (win.outH() - 1) * phaseW + win.outW();
        boolean padded = win.padTop() != 0 || win.padLeft() != 0 || win.padBottom() != 0 || win.padRight() != 0;
        boolean unpadded = win.padTop() >= 0 && win.padLeft() >= 0 && win.padBottom() >= 0 && win.padRight() >= 0;
        boolean strided = win.sH() > 1 || win.sW() > 1;
        // Phases copy the whole input once, im2col copies k x p values: with a filter smaller than
        // its stride (a 1x1 stride-2 shortcut) im2col copies less.
        boolean phasesPay = !strided || win.inSize() < win.kH() * win.kW() * p;
        // A plane narrower than one vector leaves most lanes of the plane-wise depthwise kernel idle
        // or spends them on padding, and its copies go row by row: such a layer runs on blocks of
        // channels instead (convolveBlock), at the price of one scattered copy of input and output
        // (measured: a 14-wide plane at 16 lanes is faster plane-wise, a 7-wide one by blocks).
        DepthwiseConv channelKernel = DepthwiseConvFamily.get();
        int lanes = channelKernel.channelsPerBlock();
        int mr = gemm.rowsPerPanel();
        int vectors = gemm.rowsPerColumnPanel();
        boolean blocked = !direct && cg == 1 && mg == 1 && unpadded && win.outW() < lanes;
        // One input channel feeding at least a register tile's rows of outputs (a stem: 1 -> 16) is a
        // SGEMM with a short k rather than mg depthwise planes: the tile reads each input row once for
        // all its rows of outputs and clamps them before they are stored (measured on resnet8's stem).
        boolean oneToMany = group == 1 && mg >= mr;
        boolean depthwise = blocked || !direct && cg == 1 && !oneToMany && unpadded && phasesPay && wideN <= 2 * p;
        // The wide route copies the mg x p outputs it keeps out of its wide rows, im2col copies k x p
        // inputs into columns and the kernel stores straight into the output: with fewer taps than
        // outputs per pixel (a stem, k = 9 for 16 outputs) the columns copy less.
        boolean columnsCopyLess = k < mg;
        boolean wide = !direct && !depthwise && unpadded && phasesPay && wideN <= 2 * p && !columnsCopyLess;
        // The kernel's tile along the pixels is 2 vectors wide, along the channels MR rows; turned
        // round (multiplyColumns) it is MR pixels by 2 vectors of channels. On a small plane with
        // enough channels the turned tile computes fewer padding outputs, and it reads the (padded)
        // input where it is, at any stride, with neither phases nor columns to copy. But it copies
        // each output to C on its own, which costs about as much as half a vector's worth of
        // multiply-adds per output: with a short k the plain tile stays ahead.
        long plainWork = (long) roundUp(mg, mr) * roundUp(wide ? wideN : p, vectors) * k;
        long turnedWork = (long) roundUp(mg, vectors) * roundUp(p, mr) * (k + vectors / 2);
        boolean byColumns = !depthwise && unpadded && turnedWork < plainWork;
        direct = direct && !byColumns;
        wide = wide && !byColumns;
        PackedWeights[] weights = depthwise
                ? null
                : byColumns
                        ? (packed != null ? packed : pack(gemm, w, bias, group)).byColumns()
                        : (packed != null ? packed : pack(gemm, w, bias, group)).byRows();
        // A Relu or Clip is a clamp to [lo, hi]. The packed kernel applies it to each output before it
        // is stored; with a residual it follows the Add, in the pass that adds the residual; the
        // depthwise kernel and other activations leave it to a pass over each image's outputs.
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
        boolean inKernel = clamps && !depthwise && residual == null;
        float kernelLo = inKernel ? lo : Float.NEGATIVE_INFINITY;
        float kernelHi = inKernel ? hi : Float.POSITIVE_INFINITY;
        boolean afterwards = activation != null && !inKernel && !(clamps && residual != null);
        Scratch scratch = SCRATCH.get();
        float[] columns = direct || depthwise || wide || byColumns ? null : scratch.columns(k * p);
        int blocks = (c + lanes - 1) / lanes;
        // On the padded planes the wide route runs whole tiles past wideN: the extra columns read
        // the planes' slack (any values), their outputs land in rows of ldw floats and are dropped.
        // That spares the kernel its tail, which copies the last columns of every row of B.
        boolean padsPlanes = (wide || depthwise) && !blocked && (padded || strided);
        int ldw = wide && padsPlanes ? roundUp(wideN, vectors) : wideN;
        float[] wideOut = wide || depthwise ? scratch.wideOut(blocked ? blocks * p * lanes : mg * ldw) : null;
        int[] rows = scratch.rows(k);
        if (!direct && !depthwise && !wide && !byColumns) {
            for (int r = 0; r < k; r++) {
                rows[r] = r * p;
            }
        }
        // Zeroed once here, its borders stay zero: every image overwrites only the interior.
        float[] paddedIn =
                padsPlanes ? scratch.paddedIn(cg * win.sH() * win.sW() * phaseH * phaseW + ldw - wideN) : null;
        if (paddedIn != null) {
            // Every image and group is copied to the same planes, so their rows are the same.
            wideRows(0, cg, win, phaseH, phaseW, rows);
        }
        int rowStride = padded ? paddedW : win.inW();
        int plane = padded ? paddedH * paddedW : win.inSize();
        float[] paddedPlanes = byColumns && padded ? scratch.paddedIn(cg * plane) : null;
        int[] pixels = byColumns ? scratch.pixels(p) : null;
        if (byColumns) {
            for (int oh = 0; oh < win.outH(); oh++) {
                for (int ow = 0; ow < win.outW(); ow++) {
                    pixels[oh * win.outW() + ow] = oh * win.sH() * rowStride + ow * win.sW();
                }
            }
            if (padded) {
                tapRows(0, cg, win, rowStride, plane, rows);
            }
        }
        int inImage = c * win.inSize();
        ChannelBlocks channelBlocks = blocked
                ? ChannelBlocks.of(
                        win,
                        paddedW,
                        lanes,
                        wd,
                        bias,
                        c,
                        scratch.pixels(p),
                        scratch.rows(k),
                        scratch.paddedIn(blocks * paddedH * paddedW * lanes))
                : null;
        for (int img = 0; img < n; img++) {
            if (blocked) {
                channelBlocks.convolve(channelKernel, xd, img * inImage, c, win, wideOut, out, img * m * p);
            }
            for (int g = 0; g < group && !blocked; g++) {
                int outBase = (img * m + g * mg) * p;
                int inBase = img * inImage + g * cg * win.inSize();
                if (wide || depthwise) {
                    float[] src = xd;
                    if (paddedIn != null) {
                        if (strided) {
                            phases(xd, inBase, cg, win, phaseH, phaseW, paddedIn);
                        } else {
                            pad(xd, inBase, cg, win, paddedH, paddedW, paddedIn);
                        }
                        src = paddedIn;
                    } else {
                        wideRows(inBase, cg, win, phaseH, phaseW, rows);
                    }
                    if (depthwise) {
                        for (int oc = 0; oc < mg; oc++) {
                            int channel = g * mg + oc;
                            DepthwiseConvFamily.get()
                                    .convolve(
                                            src,
                                            rows,
                                            k,
                                            wd,
                                            channel * k,
                                            bias != null ? bias.data()[channel] : 0f,
                                            wideOut,
                                            oc * wideN,
                                            wideN);
                        }
                    } else {
                        gemm.multiply(weights[g], ldw, src, rows, wideOut, 0, ldw, kernelLo, kernelHi);
                    }
                    keepOutputs(wideOut, mg, ldw, phaseW, win, out, outBase);
                } else if (byColumns) {
                    float[] src = xd;
                    if (paddedPlanes != null) {
                        pad(xd, inBase, cg, win, paddedH, paddedW, paddedPlanes);
                        src = paddedPlanes;
                    } else {
                        tapRows(inBase, cg, win, rowStride, plane, rows);
                    }
                    gemm.multiplyColumns(weights[g], p, src, rows, pixels, out, outBase, p, kernelLo, kernelHi);
                } else if (direct) {
                    for (int r = 0; r < k; r++) {
                        rows[r] = inBase + r * p;
                    }
                    gemm.multiply(weights[g], p, xd, rows, out, outBase, p, kernelLo, kernelHi);
                } else {
                    im2col(xd, inBase, cg, win, columns);
                    gemm.multiply(weights[g], p, columns, rows, out, outBase, p, kernelLo, kernelHi);
                }
            }
            if (residual != null) {
                addClamped(out, residual.data(), img * m * p, (img + 1) * m * p, lo, hi);
            }
            if (afterwards) {
                // While the image's outputs are still in cache; one pass over them all is faster than
                // one per short output row.
                activation.applyInPlace(out, img * m * p, (img + 1) * m * p);
            }
        }
        return Tensor.of(Shape.of(outDims), out);
    }

    /**
     * Copies the outputs the caller keeps from the wide results of {@code channels} channels (row oh
     * of a channel starts at oh * phaseW of its wideN floats) to their planes at {@code outBase}.
     */
    private static void keepOutputs(
            float[] wideOut, int channels, int wideN, int phaseW, Window win, float[] out, int outBase) {
        int outW = win.outW();
        int p = win.outSize();
        for (int oc = 0; oc < channels; oc++) {
            for (int oh = 0; oh < win.outH(); oh++) {
                System.arraycopy(wideOut, oc * wideN + oh * phaseW, out, outBase + oc * p + oh * outW, outW);
            }
        }
    }

    /**
     * {@code out[i] = min(max(out[i] + r[i], lo), hi)} over {@code [from, to)}: the Add node's sum,
     * then the clamp of a fused Relu or Clip (infinite bounds: none), in one pass the JIT vectorises.
     */
    private static void addClamped(float[] out, float[] r, int from, int to, float lo, float hi) {
        for (int i = from; i < to; i++) {
            out[i] = Math.min(Math.max(out[i] + r[i], lo), hi);
        }
    }

    /**
     * A filter's weights and bias packed for both tiles of a {@link PackedSgemm}, one matrix per
     * group for each: {@code byRows} for {@link PackedSgemm#multiply}, {@code byColumns} for
     * {@link PackedSgemm#multiplyColumns}.
     */
    public record PackedFilter(PackedWeights[] byRows, PackedWeights[] byColumns) {}

    /**
     * The weights of {@code w} (and {@code bias}, or null) packed for {@code gemm}: what
     * {@link #forward} needs, made once when the weights are constant.
     */
    public static PackedFilter pack(PackedSgemm gemm, Tensor w, Tensor bias, int group) {
        int m = w.shape().dim(0);
        int mg = m / group;
        int k = w.shape().size() / m;
        PackedWeights[] byRows = new PackedWeights[group];
        PackedWeights[] byColumns = new PackedWeights[group];
        float[] b = bias == null ? null : bias.data();
        for (int g = 0; g < group; g++) {
            byRows[g] = gemm.pack(mg, k, w.data(), g * mg * k, k, b, g * mg);
            byColumns[g] = gemm.packForColumns(mg, k, w.data(), g * mg * k, k, b, g * mg);
        }
        return new PackedFilter(byRows, byColumns);
    }

    private static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    /**
     * The offset of each row (ch, ki, kj) of the column matrix of one image and group whose planes
     * start at {@code base}, {@code plane} floats apart, rows {@code rowStride} apart: column j of that
     * row is then at the offset of pixel j's window (see {@link #forward}) plus the row's.
     */
    private static void tapRows(int base, int channels, Window w, int rowStride, int plane, int[] rows) {
        int row = 0;
        for (int ch = 0; ch < channels; ch++) {
            for (int ki = 0; ki < w.kH(); ki++) {
                for (int kj = 0; kj < w.kW(); kj++, row++) {
                    rows[row] = base + ch * plane + ki * w.dH() * rowStride + kj * w.dW();
                }
            }
        }
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
     * Copies the channels of one image and group into the interior of their zero-bordered phase
     * planes: padded pixel (y, x) of channel ch goes to phase (y % sH, x % sW) of that channel, at
     * row y / sH and column x / sW of that phaseH x phaseW plane.
     */
    private static void phases(float[] x, int inBase, int channels, Window w, int phaseH, int phaseW, float[] dst) {
        int sH = w.sH();
        int sW = w.sW();
        int plane = phaseH * phaseW;
        int padLeft = w.padLeft();
        // Phase b holds the padded columns x = column * sW + b; those inside the input,
        // padLeft <= x < padLeft + inW, form one run of columns read at stride sW, the same in every
        // row: the run is worked out once per phase, the rows are the inner loop.
        for (int b = 0; b < sW; b++) {
            int first = Math.max(0, (padLeft - b + sW - 1) / sW);
            int end = (padLeft + w.inW() - b + sW - 1) / sW;
            int srcFirst = first * sW + b - padLeft;
            for (int ch = 0; ch < channels; ch++) {
                int from = inBase + ch * w.inSize() + srcFirst;
                for (int ih = 0; ih < w.inH(); ih++) {
                    int y = ih + w.padTop();
                    int to = ((ch * sH + y % sH) * sW + b) * plane + y / sH * phaseW + first;
                    int src = from + ih * w.inW();
                    for (int i = 0; i < end - first; i++) {
                        dst[to + i] = x[src + i * sW];
                    }
                }
            }
        }
    }

    /**
     * The offset of each row (ch, ki, kj) of the column matrix of one image and group, for the
     * phase planes of {@link #phases} (phaseH x phaseW, sH x sW of them per channel, starting at
     * {@code base}; with unit strides they are the padded planes themselves): column oh * phaseW + ow
     * of that row is padded pixel (oh * sH + ki * dH, ow * sW + kj * dW), which lies in one phase at
     * unit stride, so a row is one run of a plane and the planes themselves serve as B. Columns with
     * ow of outW or more are the extra outputs the caller drops.
     */
    static void wideRows(int base, int channels, Window w, int phaseH, int phaseW, int[] rows) {
        int sH = w.sH();
        int sW = w.sW();
        int plane = phaseH * phaseW;
        int row = 0;
        for (int ch = 0; ch < channels; ch++) {
            for (int ki = 0; ki < w.kH(); ki++) {
                int ti = ki * w.dH();
                for (int kj = 0; kj < w.kW(); kj++, row++) {
                    int tj = kj * w.dW();
                    rows[row] = base + ((ch * sH + ti % sH) * sW + tj % sW) * plane + ti / sH * phaseW + tj / sW;
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
