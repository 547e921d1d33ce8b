package org.bitbudget.kernels.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.precision.LayerQuantization;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.Granularity;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.bitserial.BitSerialFamily;
import org.bitbudget.kernels.bitserial.Encoding;
import org.bitbudget.kernels.requant.FixedPointMultiplier;
import org.bitbudget.ops.IntegerLowering;
import org.bitbudget.ops.Operators;
import org.bitbudget.ops.ShapeInference;

/**
 * Builds the integer plan of a graph by walking back from its output. Every value lives in one of
 * two integer forms: accumulators (int32, per-channel real unit; layer outputs, Add, ReLU/Clip,
 * average pooling) or codes (int8/uint8 in a layer's input format). A layer asks for its input as
 * codes of its own format: MaxPool, Flatten, ReLU and Clip between it and the accumulators that
 * produce that input run on the codes (they commute with the monotone requantization, a ReLU or Clip
 * becoming its clamp), so the requantization touches the fewest values. Both forms are memoised, so
 * a value used by several layers or by an Add is computed once per form.
 */
final class Lowering {
    /**
     * At most this many fraction bits for a layer's accumulator: 2^-16 of a unit makes the bias's
     * rounding negligible, and keeps the requantization multiplier far from the 2^-31 floor of its shift.
     */
    private static final int MAX_FRACTION_BITS = 16;
    /** Accumulator magnitudes stay below 2^30, so an Add of two never overflows int32. */
    private static final double ACC_LIMIT = 0x1p30;

    /** An accumulator value of the plan: its slot, per-channel units and largest magnitude. */
    private record AccValue(int slot, double[] unit, double bound, String layer) {}

    private final Graph graph;
    private final QuantizedGraph quantized;
    private final boolean bitSerial;
    private final boolean int16;
    private final Map<String, Node> producers = new HashMap<>();
    private final Map<String, LayerQuantization> layerOf = new HashMap<>();
    private final Map<String, Shape> shapes;
    private final Map<String, AccValue> accs = new HashMap<>();
    private final Map<String, Integer> codes = new HashMap<>();
    private final Map<String, LoweredLayer> lowered = new HashMap<>();
    private final List<Step> steps = new ArrayList<>();
    private int slots = 1;

    Lowering(Graph graph, QuantizedGraph quantized, boolean bitSerial, boolean int16) {
        this.graph = graph;
        this.quantized = quantized;
        this.bitSerial = bitSerial;
        this.int16 = int16;
        for (Node node : graph.nodes()) {
            for (String out : node.outputs()) {
                producers.put(out, node);
            }
        }
        for (LayerQuantization lq : quantized.layers()) {
            layerOf.put(lq.layer().name(), lq);
        }
        this.shapes = ShapeInference.shapes(graph, 1);
    }

    IntegerEngine lower(int threads) {
        if (graph.inputs().size() != 1 || graph.outputs().size() != 1) {
            throw new IllegalArgumentException(
                    "graph " + graph.name() + ": the integer engine needs one input " + "and one output");
        }
        String output = graph.outputs().getFirst().name();
        AccValue out = accOf(output);
        double[] unit = out.unit();
        float[] scales = new float[unit.length];
        for (int j = 0; j < unit.length; j++) {
            scales[j] = (float) unit[j];
        }
        Map<String, KernelPath> paths = new java.util.LinkedHashMap<>();
        for (LayerQuantization lq : quantized.layers()) {
            LoweredLayer l = lowered.get(lq.layer().name());
            if (l != null) {
                paths.put(l.name(), l.path());
            }
        }
        return new IntegerEngine(steps, slots, out.slot(), scales, shapes.get(output), paths, threads);
    }

    private int newSlot() {
        return slots++;
    }

    private Shape shape(String value) {
        Shape s = shapes.get(value);
        if (s == null) {
            throw new IllegalArgumentException("value " + value + ": unknown shape");
        }
        return s;
    }

    private static int channels(Shape s) {
        return s.rank() >= 2 ? s.dim(1) : 1;
    }

    private static int spatial(Shape s) {
        int size = 1;
        for (int i = 2; i < s.rank(); i++) {
            size *= s.dim(i);
        }
        return size;
    }

    /** The value as accumulators, lowering what produces it on first use. */
    private AccValue accOf(String value) {
        AccValue known = accs.get(value);
        if (known != null) {
            return known;
        }
        Node node = producers.get(value);
        if (node == null) {
            throw new IllegalArgumentException("value " + value + ": the integer engine cannot use the graph input "
                    + "or a constant here; only a layer's input may be the graph input");
        }
        if (node.outputs().size() > 1 && !node.outputs().get(1).isEmpty()) {
            throw unsupported(node, "a second output is not supported");
        }
        LayerQuantization lq = layerOf.get(node.name());
        IntegerLowering form = integerForm(node);
        AccValue result = switch (form) {
            case IntegerLowering.Layer _ when lq != null -> layer(node, lq, node.op() instanceof Op.Conv c ? c : null);
            case IntegerLowering.PassThrough _ -> accOf(node.input(0));
            case IntegerLowering.Clamp c -> clamp(node, c.low(), c.high());
            case IntegerLowering.AveragePool p -> averagePool(node, p.pool());
            case IntegerLowering.Flatten _ when spatial(shape(node.input(0))) == 1 -> accOf(node.input(0));
            case IntegerLowering.Add _ -> add(node);
            default ->
                throw unsupported(
                        node,
                        "the integer engine does not run " + node.op().type()
                                + (form instanceof IntegerLowering.Layer
                                        ? " without a constant weight"
                                        : " where its output feeds an Add, an average pool or the graph output"));
        };
        accs.put(value, result);
        return result;
    }

    /** How the integer engine treats {@code node}, as its operator's descriptor says. */
    private IntegerLowering integerForm(Node node) {
        Op op = node.op();
        return Operators.of(op).integerLowering(op, node, graph.initializers());
    }

    /**
     * The value as codes of a layer's input format, clamped to the real range [low, high] that the
     * ReLU and Clip nodes between the value and the layer impose.
     */
    private int codesFor(String value, LayerQuantization consumer, double low, double high) {
        String key = value + "|" + consumer.layer().name() + "|" + low + "|" + high;
        Integer known = codes.get(key);
        if (known != null) {
            return known;
        }
        String layer = consumer.layer().name();
        Node node = producers.get(value);
        int slot;
        if (node == null) {
            if (!value.equals(graph.inputs().getFirst().name())) {
                throw new IllegalArgumentException("layer " + layer + ": its input " + value
                        + " is a constant, which the integer engine does not run");
            }
            int[] range = codeRange(consumer, low, high);
            slot = newSlot();
            steps.add(new Step.Quantize(
                    layer,
                    0,
                    slot,
                    consumer.precision().activations().format(),
                    consumer.activations(),
                    range[0],
                    range[1]));
        } else {
            slot = switch (integerForm(node)) {
                case IntegerLowering.MaxPool p -> {
                    int from = codesFor(node.input(0), consumer, low, high);
                    int to = newSlot();
                    steps.add(new Step.MaxPool(layer, from, to, p.pool()));
                    yield to;
                }
                case IntegerLowering.Flatten f
                when f.axis() == 1 -> {
                    int from = codesFor(node.input(0), consumer, low, high);
                    if (spatial(shape(node.input(0))) == 1) {
                        yield from;
                    }
                    int to = newSlot();
                    steps.add(new Step.Flatten(layer, from, to));
                    yield to;
                }
                case IntegerLowering.Clamp c ->
                    codesFor(node.input(0), consumer, Math.max(low, c.low()), Math.min(high, c.high()));
                case IntegerLowering.PassThrough _ -> codesFor(node.input(0), consumer, low, high);
                default -> requantize(accOf(value), consumer, low, high);
            };
        }
        codes.put(key, slot);
        return slot;
    }

    /** The codes of the real range [low, high] in the consumer's input format, as the fake quantizer gives them. */
    private static int[] codeRange(LayerQuantization consumer, double low, double high) {
        NumberFormat format = consumer.precision().activations().format();
        double scale = consumer.activations().scale();
        int zeroPoint = (int) consumer.activations().zeroPoint();
        int min = Double.isInfinite(low)
                ? format.minCode()
                : Math.max(format.minCode(), (int) Math.rint(low / scale) + zeroPoint);
        int max = Double.isInfinite(high)
                ? format.maxCode()
                : Math.min(format.maxCode(), (int) Math.rint(high / scale) + zeroPoint);
        return new int[] {min, max};
    }

    private int requantize(AccValue acc, LayerQuantization consumer, double low, double high) {
        String name = consumer.layer().name();
        double scale = consumer.activations().scale();
        int n = acc.unit().length;
        int[] multipliers = new int[n];
        int[] shifts = new int[n];
        for (int j = 0; j < n; j++) {
            double real = acc.unit()[j] / scale;
            if (!(real > 0 && real < 1)) {
                throw new IllegalArgumentException("layer " + name + ": requantization multiplier " + real
                        + " of channel " + j + " is not in (0, 1), which fixed-point requantization needs");
            }
            FixedPointMultiplier fpm = FixedPointMultiplier.of(real);
            multipliers[j] = fpm.multiplier();
            shifts[j] = fpm.shift();
        }
        int[] range = codeRange(consumer, low, high);
        NumberFormat format = consumer.precision().activations().format();
        int slot = newSlot();
        steps.add(new Step.Requantize(
                name,
                acc.slot(),
                slot,
                multipliers,
                shifts,
                (int) consumer.activations().zeroPoint(),
                range[0],
                range[1],
                format.unsigned()));
        return slot;
    }

    private AccValue clamp(Node node, double low, double high) {
        AccValue in = accOf(node.input(0));
        int n = in.unit().length;
        int[] lo = new int[n];
        int[] hi = new int[n];
        for (int j = 0; j < n; j++) {
            lo[j] = (int) Math.clamp(Math.rint(low / in.unit()[j]), Integer.MIN_VALUE, Integer.MAX_VALUE);
            hi[j] = (int) Math.clamp(Math.rint(high / in.unit()[j]), Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        int slot = newSlot();
        steps.add(new Step.Clamp(in.layer(), in.slot(), slot, lo, hi));
        return new AccValue(slot, in.unit(), in.bound(), in.layer());
    }

    private AccValue averagePool(Node node, Op.Pool pool) {
        AccValue in = accOf(node.input(0));
        int slot = newSlot();
        steps.add(new Step.AveragePool(in.layer(), in.slot(), slot, pool));
        return new AccValue(slot, in.unit(), in.bound() + 1, in.layer());
    }

    /**
     * A residual Add: the output unit of each channel is the coarser of the two inputs' units, doubled
     * until the sum's bound stays below 2^30; each input is rescaled to it by a multiplier below one.
     */
    private AccValue add(Node node) {
        if (!shape(node.input(0)).equals(shape(node.input(1)))) {
            throw unsupported(
                    node,
                    "Add with broadcasting is not supported (" + shape(node.input(0)) + " + " + shape(node.input(1))
                            + ")");
        }
        AccValue a = accOf(node.input(0));
        AccValue b = accOf(node.input(1));
        int n = a.unit().length;
        double[] unit = new double[n];
        for (int j = 0; j < n; j++) {
            unit[j] = Math.max(a.unit()[j], b.unit()[j]);
        }
        double bound = sumBound(a, b, unit);
        while (bound >= ACC_LIMIT) {
            for (int j = 0; j < n; j++) {
                unit[j] *= 2;
            }
            bound = sumBound(a, b, unit);
        }
        int[][] left = rescaling(a.unit(), unit);
        int[][] right = rescaling(b.unit(), unit);
        int slot = newSlot();
        steps.add(new Step.Add(a.layer(), a.slot(), b.slot(), slot, left[0], left[1], right[0], right[1]));
        return new AccValue(slot, unit, bound, a.layer());
    }

    private static double sumBound(AccValue a, AccValue b, double[] unit) {
        double bound = 0;
        for (int j = 0; j < unit.length; j++) {
            bound = Math.max(bound, a.bound() * a.unit()[j] / unit[j] + b.bound() * b.unit()[j] / unit[j] + 2);
        }
        return bound;
    }

    /** {multipliers, shifts} taking {@code from} units to {@code to} units, or {null, null} when equal. */
    private static int[][] rescaling(double[] from, double[] to) {
        if (java.util.Arrays.equals(from, to)) {
            return new int[][] {null, null};
        }
        int[] multipliers = new int[from.length];
        int[] shifts = new int[from.length];
        for (int j = 0; j < from.length; j++) {
            double ratio = from[j] / to[j];
            // A ratio of exactly one has no Q0.31 form; 1 - 2^-31 rounds every |v| < 2^30 back to v.
            FixedPointMultiplier fpm =
                    ratio >= 1 ? new FixedPointMultiplier(Integer.MAX_VALUE, 0) : FixedPointMultiplier.of(ratio);
            multipliers[j] = fpm.multiplier();
            shifts[j] = fpm.shift();
        }
        return new int[][] {multipliers, shifts};
    }

    private AccValue layer(Node node, LayerQuantization lq, Op.Conv conv) {
        check(lq);
        int in = codesFor(node.input(0), lq, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
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
                if (g.transA()) {
                    throw unsupported(node, "Gemm with transA is not supported");
                }
                if (!(g.alpha() > 0)) {
                    throw unsupported(node, "Gemm alpha must be positive, got " + g.alpha());
                }
                transB = g.transB();
                alpha = g.alpha();
                beta = g.beta();
            } else {
                transB = false;
                alpha = 1f;
                beta = 0f;
            }
            if (weight.shape().rank() != 2) {
                throw unsupported(node, "the weight must be a matrix, got " + weight.shape());
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
        lowered.put(layer.name(), layer);
        int slot = newSlot();
        steps.add(new Step.Layer(layer.name(), in, slot, layer));
        double[] unit = new double[accScales.length];
        for (int j = 0; j < unit.length; j++) {
            unit[j] = Math.scalb(accScales[j], -layer.fractionBits());
        }
        return new AccValue(slot, unit, layer.bound(), layer.name());
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
        if (lq.layer().biasName() != null) {
            float[] b = graph.initializers().get(lq.layer().biasName()).data();
            if (b.length != n && b.length != 1) {
                throw new IllegalArgumentException(
                        "layer " + name + ": bias of " + b.length + " values for " + n + " channels");
            }
            for (int j = 0; j < n; j++) {
                biasUnits[j] = b[b.length == 1 ? 0 : j] * (double) biasFactor / accScales[j];
            }
        }
        // The largest |accumulator + bias| any input can give: per channel, the L1 norm of the weight
        // codes times the largest |code - zero point| of the input format, plus |bias|.
        NumberFormat in = lq.precision().activations().format();
        int zeroPoint = (int) lq.activations().zeroPoint();
        long maxInput = Math.max(Math.abs((long) in.minCode() - zeroPoint), Math.abs((long) in.maxCode() - zeroPoint));
        double bound = 0;
        long maxL1 = 0;
        for (int j = 0; j < n; j++) {
            long l1 = 0;
            for (int p = 0; p < k; p++) {
                l1 += Math.abs(codes.codes()[j * k + p]);
            }
            bound = Math.max(bound, l1 * maxInput + Math.abs(biasUnits[j]));
            maxL1 = Math.max(maxL1, l1);
        }
        int used = Math.getExponent(bound + 1) + 1;
        int fractionBits = Math.clamp(Integer.SIZE - 2 - used, 0, MAX_FRACTION_BITS);
        int[] bias = new int[n];
        for (int j = 0; j < n; j++) {
            bias[j] = (int)
                    Math.clamp(Math.rint(Math.scalb(biasUnits[j], fractionBits)), Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        KernelPath path = choosePath(lq, conv, in, zeroPoint, maxL1);
        Encoding inputEncoding = in.unsigned() ? Encoding.UNSIGNED : Encoding.SIGNED;
        NumberFormat wf = lq.precision().weights().format();
        Encoding weightEncoding = wf.signOnly() ? Encoding.BINARY : Encoding.SIGNED;
        return new LoweredLayer(
                name,
                inChannels,
                conv,
                codes,
                bias,
                fractionBits,
                Math.scalb(bound, fractionBits) + 1,
                zeroPoint,
                path,
                inputEncoding,
                in.bits(),
                weightEncoding,
                wf.isInteger() ? wf.bits() : 8);
    }

    /**
     * Bit-serial for at most 4-bit weights and inputs whose plane pairs (weight bits x input bits) are
     * at most 8 — W4A4 (16 pairs) measured no faster than int8, W2A4 and W2A2 much faster — and whose
     * output channels fill at least one vector of the bit-serial kernel (its lanes are channels; fewer
     * run on its scalar twin, slower than int8); int16 where the weights' largest L1 norm bounds the
     * kernel's raw sums below 2^15 (A2Q's guarantee: times the largest |code| for signed inputs and
     * unsigned ones up to 127, times 128 for uint8, which the kernel flips to u - 128); int8 otherwise.
     */
    private KernelPath choosePath(LayerQuantization lq, Op.Conv conv, NumberFormat in, int zeroPoint, long maxL1) {
        int groups = conv == null ? 1 : conv.group();
        NumberFormat w = lq.precision().weights().format();
        if (bitSerial && groups == 1 && w.isInteger()) {
            int wBits = w.signOnly() ? 1 : w.bits();
            boolean weightsFit = w.signOnly() || (!w.unsigned() && wBits >= 2 && wBits <= 4);
            boolean inputFits = in.unsigned() ? in.bits() <= 4 : in.bits() >= 2 && in.bits() <= 4;
            int channels = graph.initializers()
                    .get(lq.layer().weightName())
                    .shape()
                    .dim(QuantizedGraph.channelAxis(lq.layer()));
            boolean fillsVector = channels >= BitSerialFamily.get().channelsPerVector();
            if (weightsFit && inputFits && wBits * in.bits() <= 8 && fillsVector) {
                return KernelPath.BIT_SERIAL;
            }
        }
        long largestCode = in.maxCode() > Byte.MAX_VALUE ? 128 : Math.max(Math.abs((long) in.minCode()), in.maxCode());
        if (int16 && maxL1 * largestCode <= Short.MAX_VALUE) {
            return KernelPath.INT16;
        }
        return KernelPath.INT8;
    }

    /** Refuses precisions the integer kernels cannot run exactly. */
    private static void check(LayerQuantization lq) {
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

    private static IllegalArgumentException unsupported(Node node, String what) {
        return new IllegalArgumentException("node " + node.name() + ": " + what);
    }
}
