package org.bitbudget.kernels.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.precision.ActivationQuantization;
import org.bitbudget.ir.precision.LayerQuantization;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.requant.RequantizationThresholds;
import org.bitbudget.ops.FloatContext;
import org.bitbudget.ops.IntegerLowering;
import org.bitbudget.ops.Operators;
import org.bitbudget.ops.ShapeInference;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.sgemm.SgemmFamily;

/**
 * Builds the integer plan of a graph by walking back from its output. Every value lives in one of
 * two integer forms: accumulators (int32, per-channel real unit; layer outputs, Add, ReLU/Clip,
 * average pooling) or codes (int8/uint8 in a layer's input format). A layer asks for its input as
 * codes of its own format: MaxPool, Flatten, ReLU and Clip between it and the accumulators that
 * produce that input run on the codes (they commute with the monotone requantization, a ReLU or Clip
 * becoming its clamp), so the requantization touches the fewest values. Both forms are memoised, so
 * a value used by several layers or by an Add is computed once per form.
 *
 * <p>A value with no integer form (its operator has none, or an input of it has none) is a float
 * tensor: a float island, as ONNX Runtime runs a QDQ graph. Its integer inputs are dequantized
 * (accumulators times their units), its nodes run on the float engine's kernels (a layer without
 * an integer kernel with its fake-quantized weight and input), and a layer reading it quantizes it to
 * its own input format, as the fake quantizer does. Gemm and MatMul outputs of rank 3 or more keep
 * ONNX's layout, channels last; a convolution's are NHWC.
 */
final class Lowering {
    /** Accumulator magnitudes stay below 2^30, so an Add of two never overflows int32. */
    private static final double ACC_LIMIT = 0x1p30;

    /**
     * An accumulator value of the plan: its slot, per-channel units, largest magnitude, and the real
     * value per channel that a float output adds (a layer's bias finer than its unit; null for none).
     */
    record AccValue(int slot, double[] unit, double bound, String layer, double[] offset) {}

    final Graph graph;
    final QuantizedGraph quantized;
    private final GemmLowering gemm;
    final Map<String, Node> producers = new HashMap<>();
    final Map<String, Node> quantizedNodes = new HashMap<>();
    private final Map<String, Node> quantizedProducers = new HashMap<>();
    final Map<String, LayerQuantization> layerOf = new HashMap<>();
    private final Map<String, Shape> shapes;
    private final Map<String, AccValue> accs = new HashMap<>();
    private final Map<String, Integer> codes = new HashMap<>();
    private final Map<String, Integer> floats = new HashMap<>();
    private final Map<String, Boolean> integral = new HashMap<>();
    final Map<String, String> floatNodes = new LinkedHashMap<>();
    private final Map<String, LoweredLayer> lowered = new HashMap<>();
    final List<Step> steps = new ArrayList<>();
    private int slots = 1;
    private final NhwcIslands nhwc = new NhwcIslands(this);
    final boolean fuseActivations;
    private final boolean measure;

    Lowering(Graph graph, QuantizedGraph quantized, LoweringOptions options) {
        this.graph = graph;
        this.fuseActivations = options.fuseActivations();
        this.measure = options.measure();
        this.quantized = quantized;
        this.gemm = new GemmLowering(
                graph, quantized.graph(), options.bitSerial(), options.int16(), options.fma(), options.forced());
        for (Node node : graph.nodes()) {
            for (String out : node.outputs()) {
                producers.put(out, node);
            }
        }
        for (Node node : quantized.graph().nodes()) {
            quantizedNodes.put(node.name(), node);
            for (String out : node.outputs()) {
                quantizedProducers.put(out, node);
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
        int outputSlot;
        float[] scales = null;
        float[] offsets = null;
        if (integral(output) && !channelsLast(output)) {
            AccValue out = accOf(output);
            double[] unit = out.unit();
            scales = new float[unit.length];
            for (int j = 0; j < unit.length; j++) {
                scales[j] = (float) unit[j];
            }
            offsets = floats(out.offset());
            outputSlot = out.slot();
        } else {
            List<LayerQuantization> layers = quantized.layers();
            outputSlot = floatOf(
                    output, layers.isEmpty() ? output : layers.getLast().layer().name());
        }
        if (measure) {
            PathChoice.fastest(steps, slots, shape(graph.inputs().getFirst().name()), lowered);
        }
        RequantizationFusion.fuse(steps, outputSlot);
        Map<String, KernelPath> paths = new LinkedHashMap<>();
        for (LayerQuantization lq : quantized.layers()) {
            String name = lq.layer().name();
            LoweredLayer l = lowered.get(name);
            if (l != null) {
                paths.put(l.name(), l.path());
            } else if (floatNodes.containsKey(name)) {
                paths.put(name, KernelPath.FLOAT);
            }
        }
        for (ActivationQuantization aq : quantized.activationLayers()) {
            // Both operands come through their fake quantizers into the float MatMul of an island.
            if (floatNodes.containsKey(aq.layer().name())) {
                paths.put(aq.layer().name(), KernelPath.FLOAT);
            }
        }
        return new IntegerEngine(
                steps, slots, outputSlot, scales, offsets, shapes.get(output), paths, floatNodes, threads);
    }

    /** The values as floats, or null for null. */
    static float[] floats(double[] values) {
        if (values == null) {
            return null;
        }
        float[] f = new float[values.length];
        for (int j = 0; j < f.length; j++) {
            f[j] = (float) values[j];
        }
        return f;
    }

    int newSlot() {
        return slots++;
    }

    Shape shape(String value) {
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

    /**
     * Whether the value has the accumulator form: a quantized layer's output, or what Add, ReLU/Clip,
     * average pooling, identities and a free Flatten make of such outputs.
     */
    boolean integral(String value) {
        Boolean known = integral.get(value);
        if (known != null) {
            return known;
        }
        Node node = producers.get(value);
        boolean result = false;
        if (node != null && (node.outputs().size() < 2 || node.outputs().get(1).isEmpty())) {
            result = switch (integerForm(node)) {
                case IntegerLowering.Layer _ ->
                    layerOf.containsKey(node.name()) && gemm.fits(node, layerOf.get(node.name()));
                case IntegerLowering.PassThrough _, IntegerLowering.Clamp _ -> integral(node.input(0));
                case IntegerLowering.AveragePool _ -> integral(node.input(0)) && !channelsLast(node.input(0));
                case IntegerLowering.Flatten _ -> spatial(shape(node.input(0))) == 1 && integral(node.input(0));
                case IntegerLowering.Add _ ->
                    shape(node.input(0)).equals(shape(node.input(1)))
                            && integral(node.input(0))
                            && integral(node.input(1))
                            && channelsLast(node.input(0)) == channelsLast(node.input(1));
                default -> false;
            };
        }
        integral.put(value, result);
        return result;
    }

    /** Whether the accumulators of an integral value of rank 3 or more hold a Gemm or MatMul's rows, channels last. */
    boolean channelsLast(String value) {
        Node node = producers.get(value);
        if (node == null || shape(value).rank() < 3) {
            return false;
        }
        return switch (integerForm(node)) {
            case IntegerLowering.Layer _ -> !(node.op() instanceof Op.Conv);
            case IntegerLowering.PassThrough _, IntegerLowering.Clamp _, IntegerLowering.Add _ ->
                channelsLast(node.input(0));
            default -> false;
        };
    }

    /** The value as accumulators, lowering what produces it on first use. */
    AccValue accOf(String value) {
        AccValue known = accs.get(value);
        if (known != null) {
            return known;
        }
        Node node = producers.get(value);
        if (node == null || !integral(value)) {
            throw new IllegalStateException("value " + value + " has no accumulator form");
        }
        LayerQuantization lq = layerOf.get(node.name());
        AccValue result = switch (integerForm(node)) {
            case IntegerLowering.Layer _ -> layer(node, lq, node.op() instanceof Op.Conv c ? c : null);
            case IntegerLowering.Clamp c -> clamp(node, c.low(), c.high());
            case IntegerLowering.AveragePool p -> averagePool(node, p.pool());
            case IntegerLowering.Add _ -> add(node);
            default -> accOf(node.input(0));
        };
        accs.put(value, result);
        return result;
    }

    /** How the integer engine treats {@code node}, as its operator's descriptor says. */
    private IntegerLowering integerForm(Node node) {
        Op op = node.op();
        return Operators.of(op).integerLowering(op, node, graph.initializers());
    }

    private int codesFor(String value, LayerQuantization consumer, double low, double high) {
        boolean last = !(consumer.layer().node().op() instanceof Op.Conv);
        return codesFor(value, consumer, low, high, last);
    }

    /**
     * The value as codes of a layer's input format, clamped to the real range [low, high] that the
     * ReLU and Clip nodes between the value and the layer impose; {@code last} when the layer (a Gemm
     * or MatMul) reads a value of rank 3 or more with its channels last.
     */
    private int codesFor(String value, LayerQuantization consumer, double low, double high, boolean channelsLast) {
        boolean last = channelsLast && shape(value).rank() >= 3;
        String key = value + "|" + consumer.layer().name() + "|" + low + "|" + high + "|" + last;
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
            if (last) {
                slot = quantizeFloat(floatOf(value, layer), consumer, low, high, true);
            } else {
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
            }
        } else {
            slot = switch (integerForm(node)) {
                case IntegerLowering.MaxPool p
                when !last -> {
                    int from = codesFor(node.input(0), consumer, low, high, false);
                    int to = newSlot();
                    steps.add(new Step.MaxPool(layer, from, to, p.pool()));
                    yield to;
                }
                case IntegerLowering.Flatten f
                when f.axis() == 1 -> {
                    int from = codesFor(node.input(0), consumer, low, high, false);
                    if (spatial(shape(node.input(0))) == 1) {
                        yield from;
                    }
                    int to = newSlot();
                    steps.add(new Step.Flatten(layer, from, to));
                    yield to;
                }
                case IntegerLowering.Clamp c ->
                    codesFor(node.input(0), consumer, Math.max(low, c.low()), Math.min(high, c.high()), last);
                case IntegerLowering.PassThrough _ -> codesFor(node.input(0), consumer, low, high, last);
                default -> {
                    if (integral(value) && channelsLast(value) == last) {
                        yield requantize(accOf(value), consumer, low, high);
                    }
                    Activation activation = fusableActivation(node, last);
                    if (activation != null && (last || !nhwc.computed(value))) {
                        yield activationCodes(node, activation, consumer, low, high);
                    }
                    yield !last && nhwc.eligible(value)
                            ? nhwc.codes(value, consumer, codeRange(consumer, low, high))
                            : quantizeFloat(floatOf(value, layer), consumer, low, high, last);
                }
            };
        }
        codes.put(key, slot);
        return slot;
    }

    /**
     * The value as a float tensor in ONNX layout; {@code layer} is the layer whose time the steps that
     * make it count toward (the first layer that needs it).
     */
    int floatOf(String value, String layer) {
        Integer known = floats.get(value);
        if (known != null) {
            return known;
        }
        Node node = producers.containsKey(value) ? producers.get(value) : quantizedProducers.get(value);
        int slot;
        if (node == null) {
            if (!value.equals(graph.inputs().getFirst().name())) {
                throw new IllegalArgumentException("value " + value + ": no node computes it");
            }
            slot = newSlot();
            steps.add(new Step.FloatInput(layer, slot, shape(value).rank()));
        } else if (integral(value)) {
            AccValue acc = accOf(value);
            float[] units = new float[acc.unit().length];
            for (int j = 0; j < units.length; j++) {
                units[j] = (float) acc.unit()[j];
            }
            slot = newSlot();
            steps.add(new Step.Dequantize(
                    acc.layer(),
                    acc.slot(),
                    slot,
                    units,
                    floats(acc.offset()),
                    channelsLast(value),
                    shape(value).dims()));
        } else if (nhwc.averages(node)) {
            slot = nhwc.globalAverage(node, layer);
        } else {
            island(node, layer);
            slot = floats.get(value);
        }
        floats.put(value, slot);
        return slot;
    }

    /**
     * Runs {@code node} in float, as the fake-quantized graph has it: a layer with its fake-quantized
     * weight, reading its input through its input quantizer.
     */
    private void island(Node node, String layer) {
        Node run = quantizedNodes.getOrDefault(node.name(), node);
        String owner = layerOf.containsKey(node.name()) ? node.name() : layer;
        Map<String, Tensor> constants = quantized.graph().initializers();
        int[] in = new int[run.inputs().size()];
        Tensor[] fixed = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) {
            String v = run.input(i);
            in[i] = -1;
            if (constants.containsKey(v)) {
                fixed[i] = constants.get(v);
            } else if (!v.isEmpty()) {
                in[i] = floatOf(v, owner);
            }
        }
        int[] out = new int[run.outputs().size()];
        for (int o = 0; o < out.length; o++) {
            out[o] = run.outputs().get(o).isEmpty() ? -1 : newSlot();
            if (out[o] >= 0) {
                floats.put(run.outputs().get(o), out[o]);
            }
        }
        var kernel =
                Operators.of(run.op()).floatKernel(run.op(), new FloatContext(run, constants, SgemmFamily.get(), null));
        steps.add(new Step.FloatNode(owner, in, fixed, out, kernel));
        floatNodes.put(run.name(), run.op().type());
    }

    /**
     * The float activation (HardSwish) that {@code node} applies elementwise to accumulators in the
     * consumer's layout, or null: such a node can run between the dequantization and the consumer's
     * quantization in one pass, in the accumulators' NHWC order, instead of an island in ONNX's.
     */
    private Activation fusableActivation(Node node, boolean last) {
        if (!fuseActivations || node.inputs().size() != 1 || node.outputs().size() != 1) {
            return null;
        }
        String input = node.input(0);
        if (!producers.containsKey(input) || !integral(input) || channelsLast(input) != last) {
            return null;
        }
        return Operators.of(node.op()).asActivation(node.op(), node, graph.initializers());
    }

    /**
     * Codes of the consumer's input format of {@code node}'s activation of accumulators: the float
     * values an island would compute (the same dequantization, activation loop and quantization, so
     * the same codes), without its two layout changes. The node still counts as a float node.
     */
    private int activationCodes(Node node, Activation activation, LayerQuantization consumer, double low, double high) {
        AccValue acc = accOf(node.input(0));
        float[] units = new float[acc.unit().length];
        for (int j = 0; j < units.length; j++) {
            units[j] = (float) acc.unit()[j];
        }
        int[] range = codeRange(consumer, low, high);
        NumberFormat format = consumer.precision().activations().format();
        int slot = newSlot();
        steps.add(new Step.ActivationQuantize(
                consumer.layer().name(),
                acc.slot(),
                slot,
                units,
                floats(acc.offset()),
                activation,
                consumer.activations(),
                range[0],
                range[1],
                format.unsigned()));
        floatNodes.put(node.name(), node.op().type());
        return slot;
    }

    /** A float tensor as codes of the consumer's input format, as the fake quantizer rounds them. */
    private int quantizeFloat(int from, LayerQuantization consumer, double low, double high, boolean last) {
        int[] range = codeRange(consumer, low, high);
        int slot = newSlot();
        steps.add(new Step.QuantizeFloat(
                consumer.layer().name(),
                from,
                slot,
                consumer.precision().activations().format(),
                consumer.activations(),
                range[0],
                range[1],
                last));
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
        ChannelRequantization r = ChannelRequantization.of(
                name, acc.unit(), consumer.activations().scale());
        int[] range = codeRange(consumer, low, high);
        NumberFormat format = consumer.precision().activations().format();
        int slot = newSlot();
        int zeroPoint = (int) consumer.activations().zeroPoint();
        steps.add(new Step.Requantize(
                name,
                acc.slot(),
                slot,
                r.leftShifts(),
                r.multipliers(),
                r.shifts(),
                zeroPoint,
                range[0],
                range[1],
                format.unsigned(),
                RequantizationThresholds.whereFaster(
                        r.leftShifts(), r.multipliers(), r.shifts(), zeroPoint, range[0], range[1])));
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
        return new AccValue(slot, in.unit(), in.bound(), in.layer(), null);
    }

    private AccValue averagePool(Node node, Op.Pool pool) {
        AccValue in = accOf(node.input(0));
        int slot = newSlot();
        steps.add(new Step.AveragePool(in.layer(), in.slot(), slot, pool));
        return new AccValue(slot, in.unit(), in.bound() + 1, in.layer(), in.offset());
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
        int[][] left = ChannelRequantization.rescaling(a.unit(), unit);
        int[][] right = ChannelRequantization.rescaling(b.unit(), unit);
        int slot = newSlot();
        steps.add(new Step.Add(a.layer(), a.slot(), b.slot(), slot, left[0], left[1], right[0], right[1]));
        return new AccValue(slot, unit, bound, a.layer(), null);
    }

    private static double sumBound(AccValue a, AccValue b, double[] unit) {
        double bound = 0;
        for (int j = 0; j < unit.length; j++) {
            bound = Math.max(bound, a.bound() * a.unit()[j] / unit[j] + b.bound() * b.unit()[j] / unit[j] + 2);
        }
        return bound;
    }

    private AccValue layer(Node node, LayerQuantization lq, Op.Conv conv) {
        GemmLowering.check(lq);
        int in = codesFor(node.input(0), lq, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        GemmLowering.Built built = gemm.build(node, lq, conv);
        LoweredLayer layer = built.layer();
        double[] accScales = built.accScales();
        lowered.put(layer.name(), layer);
        int slot = newSlot();
        steps.add(new Step.Layer(layer.name(), in, slot, layer));
        double[] unit = new double[accScales.length];
        double[] offset = new double[accScales.length];
        for (int j = 0; j < unit.length; j++) {
            unit[j] = Math.scalb(accScales[j], -layer.exponents()[j]);
            offset[j] = layer.residuals()[j] * accScales[j];
        }
        return new AccValue(slot, unit, layer.bound(), layer.name(), offset);
    }

    private static IllegalArgumentException unsupported(Node node, String what) {
        return new IllegalArgumentException("node " + node.name() + ": " + what);
    }
}
