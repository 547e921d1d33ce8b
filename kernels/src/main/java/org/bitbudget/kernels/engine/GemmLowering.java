package org.bitbudget.kernels.engine;

import java.util.ArrayList;
import java.util.List;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.precision.LayerQuantization;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.Granularity;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.bitserial.BitSerialFamily;
import org.bitbudget.kernels.bitserial.Encoding;
import org.bitbudget.kernels.depthwise.DepthwiseFmaConv;
import org.bitbudget.kernels.gemm.PairedFmaIntGemm;

/**
 * Lowers one Conv, Gemm or MatMul layer with a constant weight to a {@link LoweredLayer}: weight codes
 * in NHWC im2col order, the bias at the resolution each channel's range bound leaves free
 * ({@link ChannelScaling}), and the kernel path its formats and weights allow.
 */
final class GemmLowering {
    /**
     * The shortest mean block of k for {@link KernelPath#FMA_PAIRED} when k needs more than one: each
     * block ends in splitting and storing both halves of every accumulator, about as many vector
     * operations as 32 steps of k save.
     */
    static final int MIN_PAIRED_BLOCK = 32;

    /**
     * A lowered layer and the real value of one raw accumulator unit per channel.
     *
     * @param layer     the lowered layer
     * @param accScales s_a * s_w[j] * alpha per channel
     */
    record Built(LoweredLayer layer, double[] accScales) {}

    private final Graph graph;
    private final Graph quantizedGraph;
    private final boolean bitSerial;
    private final boolean int16;
    private final boolean fma;
    private final KernelPath forced;

    /**
     * @param graph          the float model, whose weights the lowering quantizes to codes
     * @param quantizedGraph its fake quantization, whose biases are the ones the layers use
     *                       ({@link org.bitbudget.ir.precision.BiasGrid})
     * @param forced         the path every layer it is exact for runs on, or null to take the rule's
     */
    GemmLowering(Graph graph, Graph quantizedGraph, boolean bitSerial, boolean int16, boolean fma, KernelPath forced) {
        this.graph = graph;
        this.quantizedGraph = quantizedGraph;
        this.bitSerial = bitSerial;
        this.int16 = int16;
        this.fma = fma;
        this.forced = forced;
    }

    /**
     * Whether the integer kernels take the layer's geometry: a 1-D or 2-D convolution, a Gemm without
     * transA and with a positive alpha, a MatMul or Gemm whose weight is a matrix. Other layers run in
     * a float island.
     */
    boolean fits(Node node, LayerQuantization lq) {
        int rank = graph.initializers().get(lq.layer().weightName()).shape().rank();
        return switch (node.op()) {
            case Op.Conv _ -> rank == 3 || rank == 4;
            case Op.Gemm g -> !g.transA() && g.alpha() > 0 && rank == 2;
            default -> rank == 2;
        };
    }

    /**
     * The layer's weights as codes in the kernels' order, its bias, accumulator resolution and kernel.
     *
     * @param conv the convolution's attributes, or null for a Gemm or MatMul
     */
    Built build(Node node, LayerQuantization lq, Op.Conv conv) {
        Tensor weight = graph.initializers().get(lq.layer().weightName());
        LoweredLayer layer;
        double[] accScales;
        if (conv != null) {
            int[] dims = weight.shape().dims();
            int m = dims[0];
            int cg = dims[1];
            int window = weight.shape().size() / (m * cg);
            int k = cg * window;
            WeightCodes chw = lq.accumulator() != null
                    ? WeightCodes.of(lq.accumulator(), m, k)
                    : WeightCodes.of(weight.data(), m, k, false, lq.precision().weights());
            // Reorder each channel's codes from ONNX's (c, ky, kx) to NHWC im2col's (ky, kx, c).
            byte[] hwc = new byte[chw.codes().length];
            for (int j = 0; j < m; j++) {
                for (int ch = 0; ch < cg; ch++) {
                    for (int p = 0; p < window; p++) {
                        hwc[j * k + p * cg + ch] = chw.codes()[j * k + ch * window + p];
                    }
                }
            }
            WeightCodes codes = new WeightCodes(hwc, chw.scales(), m, k);
            accScales = accumulatorScales(lq, codes.scales(), 1f);
            layer = lowered(lq, cg * conv.group(), conv, codes, accScales, 1f);
        } else {
            boolean transB;
            float alpha;
            float beta;
            if (node.op() instanceof Op.Gemm g) {
                transB = g.transB();
                alpha = g.alpha();
                beta = g.beta();
            } else {
                transB = false;
                alpha = 1f;
                beta = 0f;
            }
            int n = weight.shape().dim(transB ? 0 : 1);
            int k = weight.shape().dim(transB ? 1 : 0);
            WeightCodes codes = lq.accumulator() != null
                    ? WeightCodes.of(lq.accumulator(), n, k)
                    : WeightCodes.of(
                            weight.data(), n, k, !transB, lq.precision().weights());
            accScales = accumulatorScales(lq, codes.scales(), alpha);
            layer = lowered(lq, k, null, codes, accScales, beta);
        }
        return new Built(layer, accScales);
    }

    /** s_a * s_w[j] * alpha: the real value of one raw accumulator unit, per channel. */
    private static double[] accumulatorScales(LayerQuantization lq, float[] weightScales, float alpha) {
        double[] s = new double[weightScales.length];
        for (int j = 0; j < s.length; j++) {
            s[j] = (double) lq.activations().scale() * weightScales[j] * alpha;
        }
        return s;
    }

    private LoweredLayer lowered(
            LayerQuantization lq,
            int inChannels,
            Op.Conv conv,
            WeightCodes codes,
            double[] accScales,
            float biasFactor) {
        String name = lq.layer().name();
        int n = codes.channels();
        int k = codes.k();
        double[] biasUnits = new double[n];
        Tensor biasTensor = lq.bias(quantizedGraph);
        if (biasTensor != null) {
            float[] b = biasTensor.data();
            if (b.length != n && b.length != 1) {
                throw new IllegalArgumentException(
                        "layer " + name + ": bias of " + b.length + " values for " + n + " channels");
            }
            for (int j = 0; j < n; j++) {
                biasUnits[j] = b[b.length == 1 ? 0 : j] * (double) biasFactor / accScales[j];
            }
        }
        // The largest |sum| any input can give: per channel, the L1 norm of the weight codes times the
        // largest |code - zero point| of the input format.
        NumberFormat in = lq.precision().activations().format();
        int zeroPoint = (int) lq.activations().zeroPoint();
        long maxInput = Math.max(Math.abs((long) in.minCode() - zeroPoint), Math.abs((long) in.maxCode() - zeroPoint));
        double[] sumBounds = new double[n];
        long maxL1 = 0;
        for (int j = 0; j < n; j++) {
            long l1 = 0;
            for (int p = 0; p < k; p++) {
                l1 += Math.abs(codes.codes()[j * k + p]);
            }
            if (l1 * maxInput > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("layer " + name + ": channel " + j + " sums " + k
                        + " products of up to " + l1 * maxInput + " in total, more than int32 accumulators hold");
            }
            sumBounds[j] = l1 * maxInput;
            maxL1 = Math.max(maxL1, l1);
        }
        ChannelScaling scaling = ChannelScaling.of(name, sumBounds, biasUnits);
        double bound = 0;
        for (int j = 0; j < n; j++) {
            bound = Math.max(bound, Math.scalb(sumBounds[j] + Math.abs(biasUnits[j]), scaling.exponents()[j]) + 1);
        }
        // A depthwise convolution runs on fp32 FMA through its own kernel, whose chains span the whole
        // window: exact when the input format's largest |code - zero point| times the L1 bound fits 2^24.
        boolean depthwiseFma = conv != null
                && conv.group() > 1
                && inChannels == conv.group()
                && n == conv.group()
                && DepthwiseFmaConv.exact(DepthwiseFmaConv.maxAbsInput(in.unsigned(), zeroPoint), maxL1);
        boolean blockedFma = conv != null
                && conv.group() == 1
                && (blockedPays(conv, k / inChannels)
                        || forced == KernelPath.FMA_BLOCKED
                        || forced == KernelPath.FMA_BLOCKED_IMAGE_PAIRED)
                && BlockedFmaConvolution.exact(maxL1, maxInput);
        boolean blockedPairs = blockedFma && BlockedFmaConvolution.exactPaired(maxL1, maxInput);
        List<KernelPath> eligible = eligiblePaths(
                lq,
                conv,
                in,
                maxL1,
                bitSerialPays(lq, in),
                pairable(codes, (int) maxInput),
                depthwiseFma,
                blockedFma,
                blockedPairs);
        KernelPath path = forced != null && eligible.contains(forced) ? forced : eligible.getFirst();
        Encoding inputEncoding = in.unsigned() ? Encoding.UNSIGNED : Encoding.SIGNED;
        NumberFormat wf = lq.precision().weights().format();
        Encoding weightEncoding = wf.signOnly() ? Encoding.BINARY : Encoding.SIGNED;
        return new LoweredLayer(
                name,
                inChannels,
                conv,
                codes,
                scaling,
                bound,
                zeroPoint,
                path,
                eligible,
                inputEncoding,
                in.bits(),
                weightEncoding,
                wf.isInteger() ? wf.bits() : 8,
                (int) maxInput);
    }

    /**
     * The paths in the rule's order of preference, narrowest first. A new path joins with one entry
     * here and one case in {@link #exact}.
     */
    private static final List<KernelPath> RULE_ORDER = List.of(
            KernelPath.FMA_IMAGE_PAIRED,
            KernelPath.FMA_PAIRED,
            KernelPath.BIT_SERIAL,
            KernelPath.INT16,
            KernelPath.FMA,
            KernelPath.FMA_BLOCKED,
            KernelPath.FMA_BLOCKED_IMAGE_PAIRED,
            KernelPath.INT8);

    /**
     * Every path that gives the layer's exact sums and that the builder allows, the rule's choice
     * first ({@link #rule}); int8 is always among them.
     */
    private List<KernelPath> eligiblePaths(
            LayerQuantization lq,
            Op.Conv conv,
            NumberFormat in,
            long maxL1,
            boolean bitSerialPays,
            boolean pairable,
            boolean depthwiseFma,
            boolean blockedFma,
            boolean blockedPairs) {
        List<KernelPath> exact = RULE_ORDER.stream()
                .filter(p -> exact(p, lq, conv, in, maxL1, pairable, depthwiseFma, blockedFma, blockedPairs))
                .toList();
        KernelPath rule = rule(exact, bitSerialPays, conv == null || conv.group() == 1);
        List<KernelPath> eligible = new ArrayList<>();
        eligible.add(rule);
        exact.stream().filter(p -> p != rule).forEach(eligible::add);
        return List.copyOf(eligible);
    }

    /**
     * Whether {@code path} computes the layer's sums exactly (and the builder allows it): paired fp32
     * FMA (two channels per lane) for a convolution of one group, a Gemm or a MatMul whose codes are
     * {@link #pairable}; paired fp32 FMA with two images per lane for such a convolution; bit-serial for a convolution of one group, a Gemm or a MatMul with signed weights of 2 to 4
     * bits or binary ones and inputs of 2 to 4 bits (unsigned ones of 1 to 4); int16 where the
     * weights' largest L1 norm bounds the kernel's raw sums below 2^15 (A2Q's guarantee: times the
     * largest |code| for signed inputs and unsigned ones up to 127, times 128 for uint8, which the
     * kernel flips to u - 128); fp32 FMA for a convolution of one group, a Gemm or a MatMul, and for a
     * depthwise convolution whose sums {@code depthwiseFma} finds exact ({@link DepthwiseFmaConv});
     * blocked fp32 FMA for a convolution of one group whose whole chains {@code blockedFma} finds exact
     * ({@link BlockedFmaConvolution#exact}) and that it pays to time ({@link #blockedPays}) or is forced, with two images per lane where they stay within the
     * pairing's bound ({@code blockedPairs}, {@link BlockedFmaConvolution#exactPaired}); int8 always.
     */
    private boolean exact(
            KernelPath path,
            LayerQuantization lq,
            Op.Conv conv,
            NumberFormat in,
            long maxL1,
            boolean pairable,
            boolean depthwiseFma,
            boolean blockedFma,
            boolean blockedPairs) {
        boolean oneGroup = conv == null || conv.group() == 1;
        NumberFormat w = lq.precision().weights().format();
        return switch (path) {
            case BIT_SERIAL ->
                bitSerial
                        && oneGroup
                        && w.isInteger()
                        && (w.signOnly() || (!w.unsigned() && w.bits() >= 2 && w.bits() <= 4))
                        && (in.unsigned() ? in.bits() <= 4 : in.bits() >= 2 && in.bits() <= 4);
            case INT16 -> {
                long largestCode =
                        in.maxCode() > Byte.MAX_VALUE ? 128 : Math.max(Math.abs((long) in.minCode()), in.maxCode());
                yield int16 && maxL1 * largestCode <= Short.MAX_VALUE;
            }
            case FMA_PAIRED -> fma && oneGroup && pairable;
            case FMA_IMAGE_PAIRED -> fma && conv != null && conv.group() == 1 && pairable;
            case FMA -> fma && (oneGroup || depthwiseFma);
            case FMA_BLOCKED -> fma && blockedFma;
            case FMA_BLOCKED_IMAGE_PAIRED -> fma && blockedPairs;
            case INT8 -> true;
            case FLOAT -> false;
        };
    }

    /**
     * The deterministic choice among the exact paths: the first in {@link #RULE_ORDER}, bit-serial
     * only where it pays ({@code bitSerialPays}): at most 8 plane pairs (weight bits x input bits) —
     * W4A4 (16 pairs) measured no faster than int8, W2A4 and W2A2 much faster — and output channels
     * that fill at least one vector of the bit-serial kernel (its lanes are channels; fewer run on its
     * scalar twin, slower than int8). So: image-paired FMA for a convolution (at 512 bits 1.9-2.0x
     * unpaired FMA at resnet8's 16-, 32- and 64-channel W2A2 shapes, where channel pairing gains
     * nothing at 16 channels and matches it at 64), else channel-paired FMA (on resnet8 1.3x bit-serial
     * end to end at W2A2 and 1.45x int16 at W4A4), else bit-serial, else int16, else fp32 FMA (an outer-product tile
     * where the int8 kernel reduces each output along k), else int8 (grouped convolutions). A depthwise
     * convolution whose sums are exact on FMA takes it before int16 ({@link DepthwiseFmaConv}: at
     * MobileNetV3's four depthwise shapes, forced in the engine, 0.45-0.63x the time of the int kernel,
     * which both int8 and int16 run).
     */
    private static KernelPath rule(List<KernelPath> exact, boolean bitSerialPays, boolean oneGroup) {
        if (!oneGroup && exact.contains(KernelPath.FMA)) {
            return KernelPath.FMA;
        }
        return exact.stream()
                .filter(p -> p != KernelPath.BIT_SERIAL || bitSerialPays)
                .findFirst()
                .orElse(KernelPath.INT8);
    }

    /**
     * Whether the blocked FMA paths are worth timing for a one-group convolution of {@code window} taps
     * per channel: a spatial kernel at stride 1, whose consecutive output pixels read inputs one block
     * apart (the blocked kernel's run tiles). On resnet8 those layers ran up to 1.3x faster blocked
     * (W8A8) and 1.4x (W2A2, two images per lane); strided and 1 x 1 layers ran 0.8-1x as fast, and
     * still 0.91-1.09x (3 x 3 stride 2) and 0.78-0.98x (1 x 1 stride 2) with the blocked SGEMM's
     * stride-2 run tiles, and more candidates only give the timing more chances to pick a path on
     * noise. Forcing a blocked path takes it wherever it is exact.
     */
    private static boolean blockedPays(Op.Conv conv, int window) {
        int[] strides = conv.strides();
        boolean unitStride = strides == null || java.util.Arrays.stream(strides).allMatch(s -> s == 1);
        return unitStride && window > 1;
    }

    /** Whether the bit-serial kernel pays for the layer by the rule: see {@link #rule}. */
    private boolean bitSerialPays(LayerQuantization lq, NumberFormat in) {
        NumberFormat w = lq.precision().weights().format();
        int wBits = w.signOnly() ? 1 : w.bits();
        int channels =
                graph.initializers().get(lq.layer().weightName()).shape().dim(QuantizedGraph.channelAxis(lq.layer()));
        return wBits * in.bits() <= 8 && channels >= BitSerialFamily.get().channelsPerVector();
    }

    /**
     * Whether the codes run on {@link KernelPath#FMA_PAIRED} for inputs up to {@code maxInput}: every
     * product within the pairing's bound and k in one exact block or blocks of at least
     * {@link #MIN_PAIRED_BLOCK} terms on average.
     */
    static boolean pairable(WeightCodes codes, int maxInput) {
        int k = codes.k();
        int maxAbs = 0;
        for (byte code : codes.codes()) {
            maxAbs = Math.max(maxAbs, Math.abs(code));
        }
        if ((long) maxAbs * maxInput > PairedFmaIntGemm.HALF_LIMIT) {
            return false;
        }
        int blocks = PairedFmaIntGemm.blockEnds(codes.channels(), k, codes.codes(), 0, k, maxInput).length;
        return blocks <= 1 || k >= (long) blocks * MIN_PAIRED_BLOCK;
    }

    /** Refuses precisions the integer kernels cannot run exactly. */
    static void check(LayerQuantization lq) {
        String name = lq.layer().name();
        QuantizerSpec w = lq.precision().weights();
        boolean weightsOk = w.format().fitsInt8Codes()
                && w.residual() == null
                && w.granularity().kind() != Granularity.Kind.PER_VECTOR;
        if (!weightsOk) {
            throw new IllegalArgumentException("layer " + name + ": the integer engine needs signed integer "
                    + "weights of at most 8 bits or fp4-e2m1/fp6-e2m3 minifloats, per tensor or per channel, "
                    + "without residual; got " + w);
        }
        QuantizerSpec a = lq.precision().activations();
        NumberFormat f = a.format();
        boolean activationsOk = f.isInteger()
                && !f.signOnly()
                && f.bits() <= 8
                && lq.activations() != null
                && (f.unsigned() || lq.activations().zeroPoint() == 0f);
        if (!activationsOk) {
            throw new IllegalArgumentException("layer " + name + ": the integer engine needs integer input "
                    + "activations of at most 8 bits (not binary); got " + a);
        }
    }
}
