package org.bitbudget.model.precision;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.bitbudget.model.UserInputException;
import org.bitbudget.model.engine.FloatEngine;
import org.bitbudget.model.graph.Graph;
import org.bitbudget.model.graph.Layer;
import org.bitbudget.model.graph.Node;
import org.bitbudget.model.graph.Op;
import org.bitbudget.model.quant.AccumulatorAware;
import org.bitbudget.model.quant.QuantizerSpec;
import org.bitbudget.model.quant.RangeSearch;
import org.bitbudget.model.quant.WeightQuantizer;
import org.bitbudget.model.tensor.Shape;
import org.bitbudget.model.tensor.Tensor;

/**
 * Applies a precision config to a graph as fake quantization: each layer's weight initializer is
 * replaced by its quantize-dequantize, and a {@link Op.FakeQuantize} node is inserted before each
 * layer whose input activations are quantized, with a scale calibrated on calibration images run
 * through the float model.
 *
 * <p>A layer whose precision has an accumulator below 32 bits gets accumulator-aware weights
 * ({@link AccumulatorAware}, A2Q): every output channel's integer codes satisfy
 * {@code ||q||_1 · max|input code| ≤ 2^(P−1) − 1}, so a P-bit accumulator never overflows; the
 * codes, scales, L1 norms and sparsity are in {@link LayerQuantization#accumulator}. Such a layer
 * needs signed integer weights (per tensor or per channel, no residual) and integer activations.
 * The integer engine takes those codes and scales as they are.
 *
 * <pre>{@code
 * Tensor calibration = Calibration.sample(trainSplit, 1000, 0L, normalization);
 * QuantizedGraph q = FakeQuantization.apply(graph, config, calibration);
 * Tensor logits = FloatEngine.of(q.graph()).predict(images);
 * }</pre>
 */
public final class FakeQuantization {
    /** At most this many input values per layer are kept for calibration (a seeded uniform sample). */
    static final int MAX_CALIBRATION_VALUES = 1 << 21;
    /** Images per calibration run, to bound memory. */
    private static final int CALIBRATION_CHUNK = 100;

    private FakeQuantization() {
    }

    /**
     * What was applied to one layer.
     *
     * @param layer       the layer
     * @param precision   its precision
     * @param weights     the weight quantization (scales and zero points stored), null for float weights
     * @param activations the input's scale and zero point, null for float inputs
     * @param accumulator the accumulator-aware constraint of the weights (codes, scales, L1 norms,
     *                    sparsity), null when the accumulator has 32 bits or more
     */
    public record LayerQuantization(Layer layer, Precision precision, WeightQuantizer.Result weights,
                                    RangeSearch.Params activations, AccumulatorAware.Result accumulator) {
        /** Without accumulator-aware constraint. */
        public LayerQuantization(Layer layer, Precision precision, WeightQuantizer.Result weights,
                                 RangeSearch.Params activations) {
            this(layer, precision, weights, activations, null);
        }
    }

    /**
     * The fake-quantized graph and what each layer got.
     *
     * @param graph  the graph to run
     * @param layers one entry per layer, in graph order
     */
    public record QuantizedGraph(Graph graph, List<LayerQuantization> layers) {
    }

    /**
     * Applies {@code config}.
     *
     * @param calibration images for activation ranges (unused when no activation is quantized); may be null then
     */
    public static QuantizedGraph apply(Graph graph, PrecisionConfig config, Tensor calibration) {
        List<Layer> layers = graph.layers();
        Map<String, Tensor> initializers = new LinkedHashMap<>(graph.initializers());
        Map<String, RangeSearch.Params> inputQuant = calibrate(graph, config, layers, calibration);
        List<LayerQuantization> applied = new ArrayList<>();
        for (Layer layer : layers) {
            Precision p = config.of(layer.name());
            WeightQuantizer.Result w = null;
            AccumulatorAware.Result acc = null;
            if (p.weights().quantizes()) {
                Tensor weight = graph.initializers().get(layer.weightName());
                try {
                    w = WeightQuantizer.quantize(weight, channelAxis(layer), p.weights());
                    if (p.accumulatorBits() < 32) {
                        acc = AccumulatorAware.constrain(weight, channelAxis(layer), p.weights(), p.accumulatorBits(),
                                maxInput(p));
                        w = new WeightQuantizer.Result(acc.tensor(), w.scales(), w.vectorScales(), w.zeroPoints());
                    }
                } catch (IllegalArgumentException e) {
                    throw new UserInputException("layer " + layer.name(), e.getMessage());
                }
                initializers.put(layer.weightName(), w.tensor());
            } else if (p.accumulatorBits() < 32) {
                throw new UserInputException("layer " + layer.name(), "an accumulator of " + p.accumulatorBits()
                        + " bits needs integer weights and activations, not float weights");
            }
            applied.add(new LayerQuantization(layer, p, w, inputQuant.get(layer.name()), acc));
        }
        List<Node> nodes = new ArrayList<>();
        for (Node node : graph.nodes()) {
            RangeSearch.Params a = inputQuant.get(node.name());
            Layer layer = layers.stream().filter(l -> l.node() == node).findFirst().orElse(null);
            if (a != null && layer != null) {
                QuantizerSpec spec = config.of(layer.name()).activations();
                String quantized = node.input(0) + "::quantized_for::" + node.name();
                nodes.add(new Node(node.name() + "/input_quantizer", new Op.FakeQuantize(spec.format(), a.scale(),
                        a.zeroPoint()), List.of(node.input(0)), List.of(quantized)));
                List<String> inputs = new ArrayList<>(node.inputs());
                inputs.set(0, quantized);
                nodes.add(new Node(node.name(), node.op(), inputs, node.outputs()));
            } else {
                nodes.add(node);
            }
        }
        Graph out = new Graph(graph.name(), graph.opset(), graph.inputs(), graph.outputs(), initializers, nodes,
                graph.metadata());
        return new QuantizedGraph(out, applied);
    }

    /**
     * The fake-quantized weight of {@code layer} at {@code precision}, as {@link #apply} gives it:
     * accumulator-aware when the precision's accumulator is below 32 bits, else the weight quantizer's.
     *
     * @throws IllegalArgumentException when the precision cannot be applied (e.g. a narrow accumulator
     *                                  with float activations)
     */
    public static Tensor quantizedWeight(Layer layer, Tensor weight, Precision precision) {
        if (precision.accumulatorBits() < 32) {
            return AccumulatorAware.constrain(weight, channelAxis(layer), precision.weights(),
                    precision.accumulatorBits(), maxInput(precision)).tensor();
        }
        return WeightQuantizer.quantize(weight, channelAxis(layer), precision.weights()).tensor();
    }

    /** The largest |input code| of a layer whose accumulator is constrained (integer activations only). */
    private static long maxInput(Precision p) {
        if (!p.activations().format().isInteger()) {
            throw new IllegalArgumentException("an accumulator of " + p.accumulatorBits() + " bits needs integer "
                    + "activations, not " + p.activations().format().name());
        }
        return AccumulatorAware.maxInputMagnitude(p.activations().format());
    }

    /** Axis of a layer's weight that holds output channels. */
    public static int channelAxis(Layer layer) {
        return switch (layer.node().op()) {
            case Op.Gemm g -> g.transB() ? 0 : 1;
            case Op.MatMul m -> 1;
            default -> 0;
        };
    }

    private static Map<String, RangeSearch.Params> calibrate(Graph graph, PrecisionConfig config, List<Layer> layers,
                                                              Tensor calibration) {
        Map<String, String> inputOf = new LinkedHashMap<>();
        for (Layer l : layers) {
            if (config.of(l.name()).activations().quantizes()) {
                inputOf.put(l.name(), l.node().input(0));
            }
        }
        Map<String, RangeSearch.Params> params = new LinkedHashMap<>();
        if (inputOf.isEmpty()) {
            return params;
        }
        if (calibration == null || calibration.shape().dim(0) == 0) {
            throw new IllegalArgumentException("activation quantizers need calibration images");
        }
        Map<String, Sample> samples = new LinkedHashMap<>();
        inputOf.values().forEach(v -> samples.putIfAbsent(v, new Sample(new SplittableRandom(v.hashCode()))));
        FloatEngine engine = FloatEngine.builder(graph).threads(1).build();
        String inputName = graph.inputs().getFirst().name();
        Shape shape = calibration.shape();
        int n = shape.dim(0);
        int per = shape.size() / n;
        for (int from = 0; from < n; from += CALIBRATION_CHUNK) {
            int count = Math.min(CALIBRATION_CHUNK, n - from);
            float[] part = java.util.Arrays.copyOfRange(calibration.data(), from * per, (from + count) * per);
            Map<String, Tensor> values = engine.capture(Map.of(inputName, Tensor.of(shape.with(0, count), part)),
                    samples.keySet());
            values.forEach((name, t) -> samples.get(name).add(t.data()));
        }
        for (var e : inputOf.entrySet()) {
            QuantizerSpec spec = config.of(e.getKey()).activations();
            Sample s = samples.get(e.getValue());
            params.put(e.getKey(), RangeSearch.choose(s.values, s.size, spec.format(), spec.clipping()));
        }
        return params;
    }

    /** A seeded uniform sample (reservoir) of at most {@link #MAX_CALIBRATION_VALUES} values. */
    private static final class Sample {
        final SplittableRandom random;
        float[] values = new float[1024];
        int size;
        long seen;

        Sample(SplittableRandom random) {
            this.random = random;
        }

        void add(float[] data) {
            for (float v : data) {
                seen++;
                if (size < MAX_CALIBRATION_VALUES) {
                    if (size == values.length) {
                        values = java.util.Arrays.copyOf(values, Math.min(2 * size, MAX_CALIBRATION_VALUES));
                    }
                    values[size++] = v;
                } else {
                    long j = random.nextLong(seen);
                    if (j < MAX_CALIBRATION_VALUES) {
                        values[(int) j] = v;
                    }
                }
            }
        }
    }
}
