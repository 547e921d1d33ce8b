package org.bitbudget.kernels.engine;

import java.util.Arrays;
import java.util.List;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.kernels.bitserial.BitPlanes;
import org.bitbudget.kernels.bitserial.BitSerialFamily;
import org.bitbudget.kernels.bitserial.Encoding;
import org.bitbudget.kernels.depthwise.DepthwiseFmaConv;
import org.bitbudget.kernels.depthwise.DepthwiseFmaConvFamily;
import org.bitbudget.kernels.depthwise.DepthwiseIntConv;
import org.bitbudget.kernels.depthwise.DepthwiseIntConvFamily;
import org.bitbudget.kernels.gemm.FmaIntGemm;
import org.bitbudget.kernels.gemm.FmaIntGemmFamily;
import org.bitbudget.kernels.gemm.IntGemm;
import org.bitbudget.kernels.gemm.IntGemmFamily;
import org.bitbudget.kernels.gemm.PairedFmaIntGemm;
import org.bitbudget.kernels.gemm.PairedFmaIntGemmFamily;
import org.bitbudget.ops.compute.Window;

/**
 * A Conv, Gemm or MatMul layer lowered to integer GEMMs, one per convolution group: a Gemm is a 1 x 1
 * convolution of an input with h = w = 1. Weights are n x k int8 codes with k ordered (kernel row,
 * kernel column, input channel of the group) to match NHWC im2col rows. {@link #accumulate} returns
 * the int32 accumulators plus the bias at each channel's resolution ({@link ChannelScaling}): a
 * bias rounded to whole accumulator units (s_a * s_w, coarse at 4 bits) would move many requantized
 * codes across a rounding boundary, so the lowering gives each channel the fraction bits its range
 * bound leaves free, and a channel whose bias alone passes the int32 range a coarser unit. On the
 * int8 and int16 paths a convolution's rows are padded to a multiple of
 * the vector kernels' step with zero weights, so no product is left to their scalar tail. A
 * depthwise convolution (one input and one output channel per group) on the int8 or int16 path runs
 * the direct {@link DepthwiseIntConv} instead of one GEMM per channel, with the same int32 sums; on
 * the FMA path the direct {@link DepthwiseFmaConv}.
 */
final class LoweredLayer {
    private final String name;
    private final int inChannels;
    private final Op.Conv conv;
    private final int groups;
    private final WeightCodes weights;
    private final int[] weightSums;
    private final ChannelScaling scaling;
    private final double bound;
    private final int inZeroPoint;
    private final KernelPath path;
    /** Every path that gives this layer's exact sums, the rule's choice first. */
    private final List<KernelPath> eligible;

    private final BitPlanes weightPlanes;
    private final Encoding inputEncoding;
    private final int inputBits;
    private final Encoding weightEncoding;
    private final int weightBits;
    /** Row length of the im2col matrix and of the weights the GEMM reads: k padded for the vector kernels. */
    private final int rowLength;

    private final byte[] paddedWeights;
    private final FmaIntGemm.Panels panels;
    private final PairedFmaIntGemm.Panels pairedPanels;
    /** The convolution on the float engine's blocked tiles, on {@link KernelPath#FMA_BLOCKED}; else null. */
    private final BlockedFmaConvolution blocked;

    private final int maxAbsInput;
    /** Tap-major weights of a depthwise convolution ({@link DepthwiseIntConv#tapMajor}), or null. */
    private final int[] depthwiseWeights;
    /** Packed weights of a depthwise convolution on the FMA path ({@link DepthwiseFmaConv#pack}), or null. */
    private final DepthwiseFmaConv.Weights depthwiseFloats;

    /**
     * This thread's buffers for this layer, reused chunk after chunk: a fresh 1.8 MB padded image and
     * accumulator array per chunk cost zeroing, garbage collection and cache misses, doubled with two
     * threads. A chunk runs start to end on one thread, so no buffer is ever shared between threads.
     */
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** Floats of A per block of rows on the FMA path: the block stays in the L2 cache while the panels pass over it. */
    private static final int FMA_BLOCK_FLOATS = 1 << 15;

    /**
     * @param name          the layer name, for error messages
     * @param inChannels    input channels the weights expect
     * @param conv          the convolution's attributes, or null for a Gemm or MatMul
     * @param weights       n x k weight codes (k per group)
     * @param scaling       per-channel resolution and bias of the accumulators
     * @param bound         the largest |accumulator + bias| any input gives, after the shift
     * @param inZeroPoint   the input's zero point (0 for signed inputs)
     * @param path          the kernel to run
     * @param eligible      every kernel that gives the layer's exact sums, {@code path} among them
     * @param inputEncoding the input codes' bit-plane encoding, for {@link KernelPath#BIT_SERIAL}
     * @param inputBits     the input codes' width
     * @param weightEncoding the weights' bit-plane encoding, for {@link KernelPath#BIT_SERIAL}
     * @param weightBits    the weights' width, for {@link KernelPath#BIT_SERIAL}
     * @param maxAbsInput   the largest |input code - zero point|, for the FMA paths
     */
    LoweredLayer(
            String name,
            int inChannels,
            Op.Conv conv,
            WeightCodes weights,
            ChannelScaling scaling,
            double bound,
            int inZeroPoint,
            KernelPath path,
            List<KernelPath> eligible,
            Encoding inputEncoding,
            int inputBits,
            Encoding weightEncoding,
            int weightBits,
            int maxAbsInput) {
        this.name = name;
        this.inChannels = inChannels;
        this.conv = conv;
        this.groups = conv == null ? 1 : conv.group();
        this.weights = weights;
        this.weightSums = IntGemm.weightSums(weights.channels(), weights.k(), weights.codes(), 0, weights.k());
        this.scaling = scaling;
        this.bound = bound;
        this.inZeroPoint = inZeroPoint;
        if (!eligible.contains(path)) {
            throw new IllegalArgumentException("layer " + name + ": " + path + " is not among " + eligible);
        }
        this.path = path;
        this.eligible = List.copyOf(eligible);
        this.inputEncoding = inputEncoding;
        this.inputBits = inputBits;
        this.weightEncoding = weightEncoding;
        this.weightBits = weightBits;
        this.maxAbsInput = maxAbsInput;
        boolean pad = conv != null && (path == KernelPath.INT8 || path == KernelPath.INT16);
        int multiple = pad ? IntGemmFamily.get().rowMultiple() : 1;
        this.rowLength = Math.ceilDiv(weights.k(), multiple) * multiple;
        this.paddedWeights = new byte[weights.channels() * rowLength];
        for (int j = 0; j < weights.channels(); j++) {
            System.arraycopy(weights.codes(), j * weights.k(), paddedWeights, j * rowLength, weights.k());
        }
        this.panels = path == KernelPath.FMA && groups == 1
                ? FmaIntGemmFamily.get().pack(weights.channels(), weights.k(), weights.codes(), 0, weights.k())
                : null;
        this.pairedPanels = switch (path) {
            case FMA_PAIRED ->
                PairedFmaIntGemmFamily.get()
                        .pack(weights.channels(), weights.k(), weights.codes(), 0, weights.k(), maxAbsInput);
            case FMA_IMAGE_PAIRED ->
                PairedFmaIntGemmFamily.get()
                        .packRowPairs(weights.channels(), weights.k(), weights.codes(), 0, weights.k(), maxAbsInput);
            default -> null;
        };
        this.blocked = path == KernelPath.FMA_BLOCKED || path == KernelPath.FMA_BLOCKED_IMAGE_PAIRED
                ? new BlockedFmaConvolution(weights, path == KernelPath.FMA_BLOCKED_IMAGE_PAIRED)
                : null;
        boolean depthwise = conv != null && groups > 1 && groups == inChannels && weights.channels() == groups;
        this.depthwiseWeights = depthwise && (path == KernelPath.INT8 || path == KernelPath.INT16)
                ? DepthwiseIntConv.tapMajor(weights.codes(), weights.channels(), weights.k())
                : null;
        this.depthwiseFloats = depthwise && path == KernelPath.FMA
                ? DepthwiseFmaConvFamily.get().pack(weights.codes(), weights.channels(), weights.k())
                : null;
        this.weightPlanes = path == KernelPath.BIT_SERIAL
                ? BitPlanes.pack(weights.codes(), 0, weights.channels(), weights.k(), weightEncoding, weightBits)
                : null;
    }

    String name() {
        return name;
    }

    int outChannels() {
        return weights.channels();
    }

    /** Per-channel exponents e: channel j's accumulator unit is its sum's unit times 2^-e[j]. */
    int[] exponents() {
        return scaling.exponents();
    }

    /** Per channel, the bias (in sum units) finer than the channel's unit, which a float output adds back. */
    double[] residuals() {
        return scaling.residuals();
    }

    double bound() {
        return bound;
    }

    KernelPath path() {
        return path;
    }

    /** Every path that gives this layer's exact sums, the rule's choice first. */
    List<KernelPath> eligible() {
        return eligible;
    }

    /** The same layer on another of its {@link #eligible} paths: the same accumulators, bit for bit. */
    LoweredLayer withPath(KernelPath other) {
        return new LoweredLayer(
                name,
                inChannels,
                conv,
                weights,
                scaling,
                bound,
                inZeroPoint,
                other,
                eligible,
                inputEncoding,
                inputBits,
                weightEncoding,
                weightBits,
                maxAbsInput);
    }

    /** How the sums become accumulators: per-channel shifts and bias, for a step that takes the sums. */
    ChannelScaling scaling() {
        return scaling;
    }

    /** Accumulators (sums at each channel's resolution plus bias) of a batch of input codes. */
    Acc accumulate(Codes in) {
        Acc sums = sums(in);
        scaling.apply(sums.values(), sums.values().length / sums.c(), sums.c());
        return sums;
    }

    /** The exact int32 sums of a batch of input codes, before {@link #scaling}. */
    Acc sums(Codes in) {
        if (in.c() != inChannels) {
            throw new IllegalArgumentException("layer " + name + ": expects " + inChannels + " input channels, got c="
                    + in.c() + ", h=" + in.h() + ", w=" + in.w());
        }
        Window win = conv == null
                ? null
                : in.window(conv.kernel(), conv.strides(), conv.pads(), conv.dilations(), conv.autoPad(), false);
        // A Gemm or MatMul multiplies every row: one per image, or one per position of a wider input.
        int oh = win == null ? in.h() : win.outH();
        int ow = win == null ? in.w() : win.outW();
        int k = rowLength;
        int n = outChannels();
        int m = in.batch() * oh * ow;
        boolean fma = path == KernelPath.FMA
                || path == KernelPath.FMA_PAIRED
                || path == KernelPath.FMA_IMAGE_PAIRED
                || path == KernelPath.FMA_BLOCKED
                || path == KernelPath.FMA_BLOCKED_IMAGE_PAIRED;
        // The FMA kernels write every accumulator (no +=), so a reused array needs no zeroing.
        int[] acc = fma ? scratch.get().acc(m * n) : new int[m * n];
        if (depthwiseWeights != null) {
            DepthwiseIntConvFamily.get()
                    .convolve(
                            in.data(),
                            in.unsigned(),
                            inZeroPoint,
                            in.batch(),
                            in.h(),
                            in.w(),
                            in.c(),
                            win,
                            depthwiseWeights,
                            acc);
            return new Acc(acc, in.batch(), oh, ow, n);
        }
        if (depthwiseFloats != null) {
            DepthwiseFmaConvFamily.get()
                    .convolve(
                            in.data(),
                            in.unsigned(),
                            inZeroPoint,
                            in.batch(),
                            in.h(),
                            in.w(),
                            in.c(),
                            win,
                            depthwiseFloats,
                            acc);
            return new Acc(acc, in.batch(), oh, ow, n);
        }
        if (fma) {
            multiplyFloats(in, win, m, acc);
            return new Acc(acc, in.batch(), oh, ow, n);
        }
        int groupIn = inChannels / groups;
        int groupOut = n / groups;
        for (int g = 0; g < groups; g++) {
            byte[] a = win == null ? in.data() : im2col(in, win, g * groupIn, groupIn);
            multiply(m, g * groupOut, groupOut, k, a, in.unsigned(), acc, n);
        }
        return new Acc(acc, in.batch(), oh, ow, n);
    }

    /**
     * The FMA paths: a Gemm's or MatMul's rows in blocks converted to float codes minus the zero point,
     * each multiplied by every panel; a convolution through {@link #convolveIndirect}, two images
     * per lane {@link #convolveImagePairs}, or on the blocked tiles ({@link BlockedFmaConvolution}).
     */
    private void multiplyFloats(Codes in, Window win, int m, int[] acc) {
        if (win != null && path == KernelPath.FMA_IMAGE_PAIRED) {
            convolveImagePairs(in, win, acc);
            return;
        }
        if (win != null && blocked != null) {
            blocked.convolve(in, PaddedWindows.of(in, win), inZeroPoint, acc);
            return;
        }
        if (win != null) {
            convolveIndirect(in, win, acc);
            return;
        }
        int k = rowLength;
        int n = outChannels();
        int rows = Math.max(4, FMA_BLOCK_FLOATS / Math.max(1, k) / 4 * 4);
        float[] a = scratch.get().block(Math.min(m, rows) * k);
        for (int r0 = 0; r0 < m; r0 += rows) {
            int count = Math.min(rows, m - r0);
            toFloats(in.data(), r0 * k, a, 0, count * k, in.unsigned());
            if (pairedPanels != null) {
                PairedFmaIntGemmFamily.get().multiply(count, a, 0, k, pairedPanels, acc, r0 * n, n);
            } else {
                FmaIntGemmFamily.get().multiply(count, a, 0, k, maxAbsInput, panels, acc, r0 * n, n);
            }
        }
    }

    /**
     * The FMA path of a one-group convolution, with no im2col: the input's codes minus the zero point
     * go once into a zero-padded NHWC float image, in which output position (y, x)'s window starts at
     * ((y sH) wp + x sW) c and consists of runs of kW c floats, one per kernel row, dH wp c apart (runs
     * of c floats, one per tap, with column dilation); {@link FmaIntGemm#multiplyIndirect} reads every
     * window in place through those offsets, all of k in one tile.
     */
    private void convolveIndirect(Codes in, Window win, int[] acc) {
        PaddedWindows windows = PaddedWindows.of(in, win);
        Scratch own = scratch.get();
        float[] padded = own.padded(in.batch(), windows.hp(), windows.wp(), in.c());
        int length = in.w() * in.c();
        for (int b = 0; b < in.batch(); b++) {
            for (int iy = 0; iy < in.h(); iy++) {
                toFloats(in.data(), (b * in.h() + iy) * length, padded, windows.interior(b, iy), length, in.unsigned());
            }
        }
        int[] rows = windows.rows(in.batch(), own.rows(in.batch() * win.outH() * win.outW()));
        if (pairedPanels != null) {
            PairedFmaIntGemmFamily.get()
                    .multiplyIndirect(
                            rows.length,
                            padded,
                            rows,
                            windows.segments(),
                            windows.segment(),
                            pairedPanels,
                            acc,
                            0,
                            outChannels());
        } else {
            FmaIntGemmFamily.get()
                    .multiplyIndirect(
                            rows.length,
                            padded,
                            rows,
                            windows.segments(),
                            windows.segment(),
                            maxAbsInput,
                            panels,
                            acc,
                            0,
                            outChannels());
        }
    }

    /**
     * {@link KernelPath#FMA_IMAGE_PAIRED}, a one-group convolution as {@link #convolveIndirect} reads
     * it, over a padded image of half the batch whose floats pair image b with image b + half
     * ({@code x_b + 2^12 x_(b + half)}, the middle image of an odd batch with zeros): each window's sums
     * come back for both images, image b's into its own rows of the accumulators and image b + half's
     * half * oh * ow rows on (for an odd batch through a buffer with room for the zeros' row).
     */
    private void convolveImagePairs(Codes in, Window win, int[] acc) {
        PaddedWindows windows = PaddedWindows.of(in, win);
        Scratch own = scratch.get();
        int half = Math.ceilDiv(in.batch(), 2);
        int length = in.w() * in.c();
        float[] padded = own.padded(half, windows.hp(), windows.wp(), in.c());
        float[] high = own.block(length);
        for (int b = 0; b < in.batch(); b++) {
            for (int iy = 0; iy < in.h(); iy++) {
                int from = (b * in.h() + iy) * length;
                int to = windows.interior(b % half, iy);
                if (b < half) {
                    toFloats(in.data(), from, padded, to, length, in.unsigned());
                } else {
                    toFloats(in.data(), from, high, 0, length, in.unsigned());
                    PairedFmaIntGemmFamily.get().pairRows(padded, to, high, 0, length);
                }
            }
        }
        int[] rows = windows.rows(half, own.rows(half * win.outH() * win.outW()));
        int n = outChannels();
        int hiOff = rows.length * n;
        int[] out = in.batch() % 2 == 0 ? acc : new int[2 * hiOff];
        PairedFmaIntGemmFamily.get()
                .multiplyRowPairsIndirect(
                        rows.length,
                        padded,
                        rows,
                        windows.segments(),
                        windows.segment(),
                        pairedPanels,
                        out,
                        0,
                        n,
                        hiOff);
        if (out != acc) {
            System.arraycopy(out, 0, acc, 0, acc.length);
        }
    }

    /**
     * One thread's reusable buffers of one layer. The padded image keeps its shape from chunk to
     * chunk, and every chunk overwrites only its interior, so its zero border is written once, at
     * allocation; a chunk of fewer images uses a prefix of it, image by image the same layout.
     */
    private static final class Scratch {
        private float[] padded = new float[0];
        private int paddedHeight = -1;
        private int paddedWidth = -1;
        private int paddedChannels = -1;
        private int[] rows = new int[0];
        private int[] acc = new int[0];
        private float[] block = new float[0];

        /** A zero-bordered image buffer for at least {@code batch} images of hp x wp x c floats. */
        float[] padded(int batch, int hp, int wp, int c) {
            if (hp != paddedHeight || wp != paddedWidth || c != paddedChannels || padded.length < batch * hp * wp * c) {
                padded = new float[batch * hp * wp * c];
                paddedHeight = hp;
                paddedWidth = wp;
                paddedChannels = c;
            }
            return padded;
        }

        /** A row offset table of exactly {@code length} entries, its contents stale. */
        int[] rows(int length) {
            if (rows.length != length) {
                rows = new int[length];
            }
            return rows;
        }

        /** An accumulator array of exactly {@code length} entries, its contents stale. */
        int[] acc(int length) {
            if (acc.length != length) {
                acc = new int[length];
            }
            return acc;
        }

        /** A block of at least {@code length} floats, its contents stale. */
        float[] block(int length) {
            if (block.length < length) {
                block = new float[length];
            }
            return block;
        }
    }

    /** {@code length} codes minus the zero point, as floats. */
    private void toFloats(byte[] src, int from, float[] dst, int to, int length, boolean unsigned) {
        FmaIntGemmFamily.get().toFloats(src, from, dst, to, length, unsigned, inZeroPoint);
    }

    /** Channels {@code [j0, j0 + count)} of all m rows into {@code acc} (row stride n). */
    private void multiply(int m, int j0, int count, int k, byte[] a, boolean unsigned, int[] acc, int n) {
        byte[] w = paddedWeights;
        switch (path) {
            case FMA, FMA_PAIRED, FMA_IMAGE_PAIRED, FMA_BLOCKED, FMA_BLOCKED_IMAGE_PAIRED, FLOAT ->
                throw new IllegalStateException("layer " + name + ": no int8 kernel for " + path);
            case BIT_SERIAL -> {
                BitSerialFamily.get()
                        .multiply(BitPlanes.pack(a, 0, m, k, inputEncoding, inputBits), weightPlanes, acc, 0, n);
                subtractZeroPoint(m, 0, n, acc, n);
            }
            case INT16 -> {
                if (unsigned && inputBits == 8) {
                    IntGemmFamily.get()
                            .gemmU8Int16(
                                    m,
                                    count,
                                    k,
                                    a,
                                    0,
                                    k,
                                    inZeroPoint,
                                    w,
                                    j0 * k,
                                    k,
                                    Arrays.copyOfRange(weightSums, j0, j0 + count),
                                    acc,
                                    j0,
                                    n);
                } else {
                    // Signed codes, or unsigned ones below 128, which are the same bytes read as signed.
                    IntGemmFamily.get().gemmS8Int16(m, count, k, a, 0, k, w, j0 * k, k, acc, j0, n);
                    subtractZeroPoint(m, j0, count, acc, n);
                }
            }
            case INT8 -> {
                if (unsigned) {
                    IntGemmFamily.get()
                            .gemmU8(
                                    m,
                                    count,
                                    k,
                                    a,
                                    0,
                                    k,
                                    inZeroPoint,
                                    w,
                                    j0 * k,
                                    k,
                                    Arrays.copyOfRange(weightSums, j0, j0 + count),
                                    acc,
                                    j0,
                                    n);
                } else {
                    IntGemmFamily.get().gemmS8(m, count, k, a, 0, k, w, j0 * k, k, acc, j0, n);
                }
            }
        }
    }

    /** System.arraycopy, whose call costs more than a plain loop for the few bytes of a thin layer's run. */
    private static void copy(byte[] src, int from, byte[] dst, int to, int length) {
        if (length >= 32) {
            System.arraycopy(src, from, dst, to, length);
        } else {
            for (int i = 0; i < length; i++) {
                dst[to + i] = src[from + i];
            }
        }
    }

    /** {@code acc[i][j] -= zeroPoint * weightSums[j]} for channels {@code [j0, j0 + count)}. */
    private void subtractZeroPoint(int m, int j0, int count, int[] acc, int n) {
        if (inZeroPoint == 0) {
            return;
        }
        for (int i = 0; i < m; i++) {
            for (int j = j0; j < j0 + count; j++) {
                acc[i * n + j] -= inZeroPoint * weightSums[j];
            }
        }
    }

    /**
     * One row per output position, (kernel row, kernel column, channel) along it, for the channels
     * {@code [c0, c0 + cg)} of one group; padding holds the zero point's byte, the code of real zero,
     * so that it contributes nothing to the sum.
     */
    private byte[] im2col(Codes in, Window win, int c0, int cg) {
        int c = in.c();
        int k = rowLength;
        byte[] src = in.data();
        byte[] a = new byte[in.batch() * win.outH() * win.outW() * k];
        byte pad = (byte) inZeroPoint;
        if (pad != 0 && k != win.kH() * win.kW() * cg) {
            // The row padding meets zero weights; any code in range would do, the zero point's is one.
            Arrays.fill(a, pad);
        }
        boolean wholePixels = cg == c;
        int row = 0;
        for (int b = 0; b < in.batch(); b++) {
            int image = b * in.h() * in.w() * c;
            for (int y = 0; y < win.outH(); y++) {
                for (int x = 0; x < win.outW(); x++, row++) {
                    int dst = row * k;
                    int x0 = x * win.sW() - win.padLeft();
                    // Without column dilation a kernel row inside the image is one contiguous NHWC run.
                    boolean runs = wholePixels && win.dW() == 1 && x0 >= 0 && x0 + win.kW() <= in.w();
                    for (int ky = 0; ky < win.kH(); ky++) {
                        int iy = y * win.sH() - win.padTop() + ky * win.dH();
                        if (runs && iy >= 0 && iy < in.h()) {
                            copy(src, image + (iy * in.w() + x0) * c, a, dst, win.kW() * c);
                            dst += win.kW() * c;
                        } else {
                            for (int kx = 0; kx < win.kW(); kx++, dst += cg) {
                                int ix = x0 + kx * win.dW();
                                if (iy < 0 || iy >= in.h() || ix < 0 || ix >= in.w()) {
                                    Arrays.fill(a, dst, dst + cg, pad);
                                } else {
                                    copy(src, image + (iy * in.w() + ix) * c + c0, a, dst, cg);
                                }
                            }
                        }
                    }
                }
            }
        }
        return a;
    }
}
