package org.bitbudget.kernels.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.bitbudget.kernels.gemm.IntGemm;
import org.bitbudget.kernels.requant.FixedPointMultiplier;
import org.bitbudget.model.graph.Graph;
import org.bitbudget.model.graph.Node;
import org.bitbudget.model.graph.Op;
import org.bitbudget.model.precision.FakeQuantization;
import org.bitbudget.model.precision.FakeQuantization.LayerQuantization;
import org.bitbudget.model.precision.FakeQuantization.QuantizedGraph;
import org.bitbudget.model.precision.PrecisionConfig;
import org.bitbudget.model.quant.Granularity;
import org.bitbudget.model.quant.IntegerFormat;
import org.bitbudget.model.quant.NumberFormat;
import org.bitbudget.model.quant.QuantizerSpec;
import org.bitbudget.model.quant.RangeSearch;
import org.bitbudget.model.tensor.Shape;
import org.bitbudget.model.tensor.Tensor;

/**
 * Runs a quantized chain-shaped CNN (Conv → Relu → MaxPool → … → Flatten → Gemm → Relu → … → Gemm,
 * as LeNet-5) with integer tensors between layers, the integer counterpart of running
 * {@link FakeQuantization}'s graph on the float engine.
 *
 * <p>The float input is quantized once with the first layer's input scale and zero point. Each
 * Conv or Gemm multiplies int8 weight codes with int8 or uint8 activation codes into int32
 * accumulators ({@link IntGemm}; convolutions through im2col, padded with the zero point), shifts
 * them left by the fraction bits their range bound leaves free and adds the bias rounded to that
 * resolution, and requantizes per output channel with a fixed-point multiplier (gemmlowp rounding)
 * to the next layer's input format; a ReLU or Clip between them becomes the clamp of that
 * requantization, and MaxPool and Flatten, which commute with a per-tensor affine quantizer, run on
 * the codes. The last layer's accumulators are scaled to float logits. Every layer must quantize its
 * weights to a signed integer format of at most 8 bits (per tensor or per channel) and its input to
 * an integer format of at most 8 bits; other configs are refused.
 *
 * <pre>{@code
 * IntegerEngine engine = IntegerEngine.of(graph, config, calibration);
 * Tensor logits = engine.predict(images); // [N, 1, 28, 28] -> [N, 10]
 * }</pre>
 */
public final class IntegerEngine {
    /** Images per task: enough rows to keep the GEMMs busy, small enough for im2col to stay in cache. */
    private static final int CHUNK = 64;
    /**
     * At most this many fraction bits for the accumulator: 2^-16 of a unit makes the bias's rounding
     * negligible, and keeps the requantization multiplier far from the 2^-31 floor of its shift.
     */
    private static final int MAX_FRACTION_BITS = 16;

    private final NumberFormat inputFormat;
    private final RangeSearch.Params inputParams;
    private final List<Step> steps;
    private final LoweredLayer last;
    private final float[] lastScales;

    private IntegerEngine(NumberFormat inputFormat, RangeSearch.Params inputParams, List<Step> steps,
                          LoweredLayer last, float[] lastScales) {
        this.inputFormat = inputFormat;
        this.inputParams = inputParams;
        this.steps = List.copyOf(steps);
        this.last = last;
        this.lastScales = lastScales;
    }

    /**
     * Quantizes {@code graph} with {@code config}, calibrating activation ranges on
     * {@code calibration}, and lowers it.
     *
     * @throws IllegalArgumentException naming the layer or node the engine cannot run
     */
    public static IntegerEngine of(Graph graph, PrecisionConfig config, Tensor calibration) {
        return of(graph, FakeQuantization.apply(graph, config, calibration));
    }

    /**
     * Lowers {@code graph} (the float model) with the scales and zero points that {@code quantized}
     * (its {@link FakeQuantization#apply}) chose, so that both run the same quantization.
     *
     * @throws IllegalArgumentException naming the layer or node the engine cannot run
     */
    public static IntegerEngine of(Graph graph, QuantizedGraph quantized) {
        return new Lowering(graph, quantized).lower();
    }

    /** Float logits [N, classes] of float images [N, C, H, W] ([N, C, L] for 1-D, [N, K] for a model starting with a Gemm). */
    public Tensor predict(Tensor images) {
        Shape shape = images.shape();
        if (shape.rank() < 2 || shape.rank() > 4) {
            throw new IllegalArgumentException("images must be [N, C, H, W], [N, C, L] or [N, K], got " + shape);
        }
        int n = shape.dim(0);
        int c = shape.dim(1);
        int h = shape.rank() == 4 ? shape.dim(2) : 1;
        int w = shape.rank() > 2 ? shape.dim(shape.rank() - 1) : 1;
        int classes = last.outChannels();
        float[] logits = new float[n * classes];
        IntStream.range(0, Math.ceilDiv(n, CHUNK)).parallel().forEach(chunk -> {
            int from = chunk * CHUNK;
            int count = Math.min(CHUNK, n - from);
            Codes codes = quantize(images.data(), from, count, c, h, w);
            for (Step step : steps) {
                codes = step.apply(codes);
            }
            int[] acc = last.accumulate(codes).values();
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < classes; j++) {
                    logits[(from + i) * classes + j] = acc[i * classes + j] * lastScales[j];
                }
            }
        });
        return Tensor.of(Shape.of(n, classes), logits);
    }

    /** Images {@code [from, from + count)} as NHWC codes, with the float32 steps of the fake quantizer. */
    private Codes quantize(float[] images, int from, int count, int c, int h, int w) {
        int per = c * h * w;
        byte[] codes = new byte[count * per];
        float scale = inputParams.scale();
        float zeroPoint = inputParams.zeroPoint();
        for (int b = 0; b < count; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < h * w; p++) {
                    float t = images[(from + b) * per + ch * h * w + p] / scale;
                    if (zeroPoint != 0f) {
                        t = (float) Math.rint(t) + zeroPoint;
                    }
                    codes[b * per + p * c + ch] = (byte) inputFormat.quantize(t);
                }
            }
        }
        return new Codes(codes, count, h, w, c, inputFormat.minValue() >= 0);
    }

    /** Walks the graph's chain of nodes once and builds the plan. */
    private static final class Lowering {
        private final Graph graph;
        private final QuantizedGraph quantized;
        private final List<Step> steps = new ArrayList<>();
        /** MaxPool and Flatten steps seen since the last layer, run after its requantization. */
        private final List<Step> codeSteps = new ArrayList<>();
        private LayerQuantization first;
        private LayerQuantization previous;
        private LoweredLayer previousLayer;
        /** The real range that ReLU and Clip nodes since the last layer clamp its output to. */
        private double low = Double.NEGATIVE_INFINITY;
        private double high = Double.POSITIVE_INFINITY;

        Lowering(Graph graph, QuantizedGraph quantized) {
            this.graph = graph;
            this.quantized = quantized;
        }

        IntegerEngine lower() {
            if (graph.inputs().size() != 1 || graph.outputs().size() != 1) {
                throw new IllegalArgumentException("graph " + graph.name() + ": the integer engine needs one input "
                        + "and one output");
            }
            String current = graph.inputs().getFirst().name();
            for (Node node : graph.nodes()) {
                if (!node.input(0).equals(current)) {
                    throw unsupported(node, "reads '" + node.input(0) + "', not the previous node's output; only "
                            + "chains are supported");
                }
                LayerQuantization lq = layer(node);
                switch (node.op()) {
                    case Op.Conv c when lq != null -> next(lq, lowerConv(node, c, lq));
                    case Op.Gemm g when lq != null -> next(lq, lowerGemm(node, g.transA(), g.transB(), g.alpha(),
                            g.beta(), lq));
                    case Op.MatMul m when lq != null -> next(lq, lowerGemm(node, false, false, 1f, 0f, lq));
                    case Op.Unary u when u.kind() == Op.Unary.Kind.RELU -> clamp(node, 0, Double.POSITIVE_INFINITY);
                    case Op.Clip c -> clamp(node, bound(node, 1, c.min()), bound(node, 2, c.max()));
                    case Op.Pool p when p.kind() == Op.Pool.Kind.MAX -> codeSteps.add(new Step.MaxPool(p));
                    case Op.Flatten f when f.axis() == 1 -> codeSteps.add(new Step.Flatten());
                    default -> throw unsupported(node, "the integer engine does not run " + node.op().type()
                            + (lq == null && isLayerOp(node.op()) ? " without a constant weight" : " here"));
                }
                if (node.outputs().size() > 1 && !node.outputs().get(1).isEmpty()) {
                    throw unsupported(node, "a second output is not supported");
                }
                current = node.outputs().getFirst();
            }
            if (previous == null) {
                throw new IllegalArgumentException("graph " + graph.name() + ": no Conv, Gemm or MatMul layer");
            }
            String name = previous.layer().name();
            if (!codeSteps.isEmpty() || low != Double.NEGATIVE_INFINITY || high != Double.POSITIVE_INFINITY
                    || !current.equals(graph.outputs().getFirst().name())) {
                throw new IllegalArgumentException("layer " + name + ": the integer engine needs the last layer's "
                        + "output to be the graph output");
            }
            if (previous.layer().node().op() instanceof Op.Conv) {
                throw new IllegalArgumentException("layer " + name + ": the last layer must be a Gemm or MatMul");
            }
            float[] scales = new float[previousLayer.outChannels()];
            double[] accScales = accumulatorScales(previous, previousLayer.weights().scales());
            for (int j = 0; j < scales.length; j++) {
                scales[j] = (float) Math.scalb(accScales[j], -previousLayer.fractionBits());
            }
            NumberFormat format = first.precision().activations().format();
            return new IntegerEngine(format, first.activations(), steps, previousLayer, scales);
        }

        private static boolean isLayerOp(Op op) {
            return op instanceof Op.Conv || op instanceof Op.Gemm || op instanceof Op.MatMul;
        }

        private LayerQuantization layer(Node node) {
            for (LayerQuantization lq : quantized.layers()) {
                if (lq.layer().name().equals(node.name())) {
                    return lq;
                }
            }
            return null;
        }

        /** Closes the previous layer with a requantization to {@code lq}'s input, then starts {@code lq}. */
        private void next(LayerQuantization lq, LoweredLayer lowered) {
            if (previous == null) {
                first = lq;
            } else {
                steps.add(requantize(lq));
            }
            steps.addAll(codeSteps);
            codeSteps.clear();
            low = Double.NEGATIVE_INFINITY;
            high = Double.POSITIVE_INFINITY;
            previous = lq;
            previousLayer = lowered;
        }

        private void clamp(Node node, double min, double max) {
            if (previous == null) {
                throw unsupported(node, "a " + node.op().type() + " before the first layer is not supported");
            }
            low = Math.max(low, min);
            high = Math.min(high, max);
        }

        /** Clip's bound from its constant input {@code index} (opset 11+), else the attribute. */
        private double bound(Node node, int index, float attribute) {
            String name = node.input(index);
            if (name.isEmpty()) {
                return attribute;
            }
            Tensor t = graph.initializers().get(name);
            if (t == null || t.shape().size() != 1) {
                throw unsupported(node, "Clip bounds must be constant scalars");
            }
            return t.data()[0];
        }

        private Step.Requantize requantize(LayerQuantization next) {
            String name = previous.layer().name();
            RangeSearch.Params out = next.activations();
            IntegerFormat format = (IntegerFormat) next.precision().activations().format();
            double[] accScales = accumulatorScales(previous, previousLayer.weights().scales());
            int n = accScales.length;
            int[] multipliers = new int[n];
            int[] shifts = new int[n];
            for (int j = 0; j < n; j++) {
                double real = Math.scalb(accScales[j], -previousLayer.fractionBits()) / out.scale();
                if (!(real > 0 && real < 1)) {
                    throw new IllegalArgumentException("layer " + name + ": requantization multiplier " + real
                            + " of channel " + j + " is not in (0, 1), which fixed-point requantization needs");
                }
                FixedPointMultiplier fpm = FixedPointMultiplier.of(real);
                multipliers[j] = fpm.multiplier();
                shifts[j] = fpm.shift();
            }
            int zeroPoint = (int) out.zeroPoint();
            // A ReLU or Clip bound maps to the code the fake quantizer gives that real value.
            int min = Double.isInfinite(low) ? format.min()
                    : Math.max(format.min(), (int) Math.rint(low / out.scale()) + zeroPoint);
            int max = Double.isInfinite(high) ? format.max()
                    : Math.min(format.max(), (int) Math.rint(high / out.scale()) + zeroPoint);
            return new Step.Requantize(previousLayer, multipliers, shifts, zeroPoint, min, max, format.min() >= 0);
        }

        /** s_a * s_w[j] (times Gemm's alpha): the real value of one raw accumulator unit, per channel. */
        private static double[] accumulatorScales(LayerQuantization lq, float[] weightScales) {
            double alpha = lq.layer().node().op() instanceof Op.Gemm g ? g.alpha() : 1;
            double[] s = new double[weightScales.length];
            for (int j = 0; j < s.length; j++) {
                s[j] = (double) lq.activations().scale() * weightScales[j] * alpha;
            }
            return s;
        }

        private LoweredLayer lowerConv(Node node, Op.Conv conv, LayerQuantization lq) {
            check(lq);
            if (conv.group() != 1) {
                throw unsupported(node, "grouped convolutions are not supported");
            }
            Tensor weight = graph.initializers().get(lq.layer().weightName());
            int[] dims = weight.shape().dims();
            int m = dims[0];
            int c = dims[1];
            int window = weight.shape().size() / (m * c);
            int k = c * window;
            WeightCodes chw = WeightCodes.of(weight.data(), m, k, false, lq.precision().weights());
            // Reorder each channel's codes from ONNX's (c, ky, kx) to NHWC im2col's (ky, kx, c).
            byte[] hwc = new byte[chw.codes().length];
            for (int j = 0; j < m; j++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int p = 0; p < window; p++) {
                        hwc[j * k + p * c + ch] = chw.codes()[j * k + ch * window + p];
                    }
                }
            }
            return layer(lq, c, conv, new WeightCodes(hwc, chw.scales(), m, k), 1f);
        }

        private LoweredLayer lowerGemm(Node node, boolean transA, boolean transB, float alpha, float beta,
                                       LayerQuantization lq) {
            check(lq);
            if (transA) {
                throw unsupported(node, "Gemm with transA is not supported");
            }
            if (!(alpha > 0)) {
                throw unsupported(node, "Gemm alpha must be positive, got " + alpha);
            }
            Tensor weight = graph.initializers().get(lq.layer().weightName());
            if (weight.shape().rank() != 2) {
                throw unsupported(node, "the weight must be a matrix, got " + weight.shape());
            }
            int n = weight.shape().dim(transB ? 0 : 1);
            int k = weight.shape().dim(transB ? 1 : 0);
            WeightCodes codes = WeightCodes.of(weight.data(), n, k, !transB, lq.precision().weights());
            return layer(lq, k, null, codes, beta);
        }

        private LoweredLayer layer(LayerQuantization lq, int inChannels, Op.Conv conv, WeightCodes codes,
                                   float biasFactor) {
            int n = codes.channels();
            int k = codes.k();
            double[] accScales = accumulatorScales(lq, codes.scales());
            double[] biasUnits = new double[n];
            if (lq.layer().biasName() != null) {
                float[] b = graph.initializers().get(lq.layer().biasName()).data();
                if (b.length != n && b.length != 1) {
                    throw new IllegalArgumentException("layer " + lq.layer().name() + ": bias of " + b.length
                            + " values for " + n + " channels");
                }
                for (int j = 0; j < n; j++) {
                    biasUnits[j] = b[b.length == 1 ? 0 : j] * (double) biasFactor / accScales[j];
                }
            }
            // The largest |accumulator + bias| any input can give: per channel, the L1 norm of the weight
            // codes times the largest |code - zero point| of the input format, plus |bias|.
            IntegerFormat in = (IntegerFormat) lq.precision().activations().format();
            int zeroPoint = (int) lq.activations().zeroPoint();
            long maxInput = Math.max(Math.abs((long) in.min() - zeroPoint), Math.abs((long) in.max() - zeroPoint));
            double bound = 0;
            for (int j = 0; j < n; j++) {
                long l1 = 0;
                for (int p = 0; p < k; p++) {
                    l1 += Math.abs(codes.codes()[j * k + p]);
                }
                bound = Math.max(bound, l1 * maxInput + Math.abs(biasUnits[j]));
            }
            int used = Math.getExponent(bound + 1) + 1;
            int fractionBits = Math.clamp(Integer.SIZE - 2 - used, 0, MAX_FRACTION_BITS);
            int[] bias = new int[n];
            for (int j = 0; j < n; j++) {
                bias[j] = (int) Math.clamp(Math.rint(Math.scalb(biasUnits[j], fractionBits)), Integer.MIN_VALUE,
                        Integer.MAX_VALUE);
            }
            int[] sums = IntGemm.weightSums(n, k, codes.codes(), 0, k);
            return new LoweredLayer(lq.layer().name(), inChannels, conv, codes, sums, bias, fractionBits, zeroPoint);
        }

        /** Refuses precisions the integer kernels cannot run exactly. */
        private static void check(LayerQuantization lq) {
            String name = lq.layer().name();
            QuantizerSpec w = lq.precision().weights();
            boolean weightsOk = w.format() instanceof IntegerFormat f && f.min() < 0 && f.bits() <= 8
                    && w.residual() == null && w.granularity().kind() != Granularity.Kind.PER_VECTOR;
            if (!weightsOk) {
                throw new IllegalArgumentException("layer " + name + ": the integer engine needs signed integer "
                        + "weights of at most 8 bits, per tensor or per channel, without residual; got " + w);
            }
            QuantizerSpec a = lq.precision().activations();
            boolean activationsOk = a.format() instanceof IntegerFormat f && !f.signOnly() && f.bits() <= 8
                    && lq.activations() != null && (f.min() >= 0 || lq.activations().zeroPoint() == 0f);
            if (!activationsOk) {
                throw new IllegalArgumentException("layer " + name + ": the integer engine needs integer input "
                        + "activations of at most 8 bits (not binary); got " + a);
            }
        }

        private static IllegalArgumentException unsupported(Node node, String what) {
            return new IllegalArgumentException("node " + node.name() + ": " + what);
        }
    }
}
