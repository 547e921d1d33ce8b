package org.bitbudget.ir.precision;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.ActivationLayer;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.quant.AccumulatorAware;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.quant.RangeSearch;
import org.bitbudget.ir.quant.WeightQuantizer;
import org.bitbudget.ir.tensor.Tensor;

/**
 * A graph with a precision config applied as fake quantization, and what each layer got: each
 * layer's weight initializer is replaced by its quantize-dequantize, its bias by the one
 * {@link BiasGrid} defines (on the int32 grid of input × weight scale when its input is quantized), and
 * a {@link Op.FakeQuantize}
 * node is inserted before each layer whose input activations are quantized, with the scale and zero
 * point given for it.
 *
 * <p>A layer whose precision has an accumulator below 32 bits gets accumulator-aware weights
 * ({@link AccumulatorAware}, A2Q): every output channel's integer codes satisfy
 * {@code ||q||_1 · max|input code| ≤ 2^(P−1) − 1}, so a P-bit accumulator never overflows; the
 * codes, scales, L1 norms and sparsity are in {@link LayerQuantization#accumulator}. Such a layer
 * needs signed integer weights (per tensor or per channel, no residual) and integer activations.
 * The integer engine takes those codes and scales as they are.
 *
 * <p>An activation-only layer ({@link ActivationLayer}) with a quantized activation format gets a
 * {@link Op.FakeQuantize} node before each of its two operands, named as
 * {@link ActivationQuantization#quantizerName} says, with the ranges given under
 * {@link ActivationLayer#operandKey}.
 *
 * @param graph            the graph to run
 * @param layers           one entry per layer, in graph order
 * @param activationLayers one entry per activation-only layer whose operands are quantized
 */
public record QuantizedGraph(
        Graph graph, List<LayerQuantization> layers, List<ActivationQuantization> activationLayers) {
    public QuantizedGraph {
        layers = List.copyOf(layers);
        activationLayers = List.copyOf(activationLayers);
    }

    /**
     * Applies {@code config} with the given activation ranges.
     *
     * @param inputQuant the scale and zero point of each layer whose input activations are quantized,
     *                   by layer name (the float engine's calibration measures them)
     */
    public static QuantizedGraph of(Graph graph, PrecisionConfig config, Map<String, RangeSearch.Params> inputQuant) {
        List<Layer> layers = graph.layers();
        Map<String, Tensor> initializers = new LinkedHashMap<>(graph.initializers());
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
                        acc = AccumulatorAware.constrain(
                                weight, channelAxis(layer), p.weights(), p.accumulatorBits(), maxInput(p));
                        w = new WeightQuantizer.Result(acc.tensor(), w.scales(), w.vectorScales(), w.zeroPoints());
                    }
                } catch (IllegalArgumentException e) {
                    throw new UserInputException("layer " + layer.name(), e.getMessage());
                }
                initializers.put(layer.weightName(), w.tensor());
            } else if (p.accumulatorBits() < 32) {
                throw new UserInputException(
                        "layer " + layer.name(),
                        "an accumulator of " + p.accumulatorBits()
                                + " bits needs integer weights and activations, not float weights");
            }
            BiasGrid bias = BiasGrid.of(layer, graph, p, inputQuant.get(layer.name()), acc);
            if (bias != null) {
                Tensor b = graph.initializers().get(layer.biasName());
                initializers.put(layer.biasName(), bias.values(b.shape()));
            }
            applied.add(new LayerQuantization(layer, p, w, inputQuant.get(layer.name()), acc));
        }
        Map<String, ActivationQuantization> activationOnly = activationOnly(graph, config, inputQuant);
        List<Node> nodes = new ArrayList<>();
        for (Node node : graph.nodes()) {
            RangeSearch.Params a = inputQuant.get(node.name());
            Layer layer =
                    layers.stream().filter(l -> l.node() == node).findFirst().orElse(null);
            if (a != null && layer != null) {
                QuantizerSpec spec = config.of(layer.name()).activations();
                String quantized = node.input(0) + "::quantized_for::" + node.name();
                nodes.add(new Node(
                        node.name() + "/input_quantizer",
                        new Op.FakeQuantize(spec.format(), a.scale(), a.zeroPoint()),
                        List.of(node.input(0)),
                        List.of(quantized)));
                List<String> inputs = new ArrayList<>(node.inputs());
                inputs.set(0, quantized);
                nodes.add(new Node(node.name(), node.op(), inputs, node.outputs()));
            } else if (activationOnly.containsKey(node.name())) {
                quantizeOperands(activationOnly.get(node.name()), nodes);
            } else {
                nodes.add(node);
            }
        }
        Graph out = new Graph(
                graph.name(), graph.opset(), graph.inputs(), graph.outputs(), initializers, nodes, graph.metadata());
        return new QuantizedGraph(out, applied, List.copyOf(activationOnly.values()));
    }

    /**
     * The initializers whose values this graph replaced: each quantized layer's weight, and the bias of
     * each layer with a quantized input ({@link BiasGrid}; unchanged when it keeps its float bias).
     */
    public java.util.Set<String> replacedInitializers() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (LayerQuantization lq : layers) {
            if (lq.weights() != null) {
                out.add(lq.layer().weightName());
            }
            if (lq.activations() != null && lq.layer().biasName() != null) {
                out.add(lq.layer().biasName());
            }
        }
        return out;
    }

    /**
     * The activation quantizers this graph applies, keyed as {@link PrecisionConfig#encodings}: storing
     * them in the config ({@link PrecisionConfig#withEncodings}) reproduces this graph without calibration.
     */
    public Map<String, ActivationEncoding> encodings() {
        Map<String, ActivationEncoding> out = new LinkedHashMap<>();
        for (LayerQuantization lq : layers) {
            if (lq.activations() != null) {
                out.put(
                        lq.layer().name(),
                        ActivationEncoding.of(lq.precision().activations().format(), lq.activations()));
            }
        }
        for (ActivationQuantization aq : activationLayers) {
            for (int i = 0; i < ActivationLayer.OPERANDS; i++) {
                out.put(
                        aq.layer().operandKey(i),
                        ActivationEncoding.of(
                                aq.activations().format(), aq.operands().get(i)));
            }
        }
        return out;
    }

    /**
     * The activation-only layers {@code config} quantizes, by name; an entry giving such a layer a
     * weight format of its own is refused by name.
     */
    private static Map<String, ActivationQuantization> activationOnly(
            Graph graph, PrecisionConfig config, Map<String, RangeSearch.Params> inputQuant) {
        Map<String, ActivationQuantization> out = new LinkedHashMap<>();
        for (ActivationLayer layer : graph.activationLayers()) {
            Precision entry = config.layers().get(layer.name());
            if (entry != null
                    && entry.weights().quantizes()
                    && !entry.weights().equals(config.defaults().weights())) {
                throw new UserInputException(
                        "layer " + layer.name(),
                        "a MatMul between two activations has no weights; give it only an activation format");
            }
            QuantizerSpec spec = config.activationsOf(layer.name());
            if (!spec.quantizes()) {
                continue;
            }
            List<RangeSearch.Params> operands = new ArrayList<>();
            for (int i = 0; i < ActivationLayer.OPERANDS; i++) {
                RangeSearch.Params p = inputQuant.get(layer.operandKey(i));
                if (p == null) {
                    throw new IllegalArgumentException("no activation range for " + layer.operandKey(i));
                }
                operands.add(p);
            }
            out.put(layer.name(), new ActivationQuantization(layer, spec, operands));
        }
        return out;
    }

    private static void quantizeOperands(ActivationQuantization q, List<Node> nodes) {
        Node node = q.layer().node();
        List<String> inputs = new ArrayList<>(node.inputs());
        for (int i = 0; i < ActivationLayer.OPERANDS; i++) {
            RangeSearch.Params a = q.operands().get(i);
            String name = ActivationQuantization.quantizerName(q.layer(), i);
            String quantized = node.input(i) + "::quantized_for::" + name;
            nodes.add(new Node(
                    name,
                    new Op.FakeQuantize(q.activations().format(), a.scale(), a.zeroPoint()),
                    List.of(node.input(i)),
                    List.of(quantized)));
            inputs.set(i, quantized);
        }
        nodes.add(new Node(node.name(), node.op(), inputs, node.outputs()));
    }

    /**
     * The fake-quantized weight of {@code layer} at {@code precision}, as {@link #of} gives it:
     * accumulator-aware when the precision's accumulator is below 32 bits, else the weight quantizer's.
     *
     * @throws IllegalArgumentException when the precision cannot be applied (e.g. a narrow accumulator
     *                                  with float activations)
     */
    public static Tensor quantizedWeight(Layer layer, Tensor weight, Precision precision) {
        AccumulatorAware.Result constrained = constrained(layer, weight, precision);
        if (constrained != null) {
            return constrained.tensor();
        }
        return WeightQuantizer.quantize(weight, channelAxis(layer), precision.weights())
                .tensor();
    }

    /**
     * The accumulator-aware weights of {@code layer} at {@code precision} as {@link #of} constrains them,
     * or null when its accumulator has 32 bits or more.
     *
     * @throws IllegalArgumentException as {@link #quantizedWeight}
     */
    public static AccumulatorAware.Result constrained(Layer layer, Tensor weight, Precision precision) {
        if (precision.accumulatorBits() >= 32) {
            return null;
        }
        return AccumulatorAware.constrain(
                weight, channelAxis(layer), precision.weights(), precision.accumulatorBits(), maxInput(precision));
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
        return layer.node().op().outputChannelAxis();
    }
}
