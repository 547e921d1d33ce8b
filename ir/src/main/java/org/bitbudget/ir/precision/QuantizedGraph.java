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
import org.bitbudget.ir.quant.BiasCorrection;
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
 * <p>A layer whose weight quantizer carries a measured {@link BiasCorrection} adds the shift to its
 * bias (and the corrected bias goes on the grid as any other, {@link BiasGrid}): the corrected bias is a
 * new initializer ({@link #correctedBiasName}) that the layer's node
 * reads, so a layer without a bias gets one (Conv, ConvTranspose and Gemm have an optional bias
 * input; ONNX MatMul has none, so a MatMul layer cannot be bias-corrected). A quantizer that still
 * needs calibration data ({@link QuantizerSpec#needsCalibration()}: {@code auto} clipping, a bias
 * correction not yet measured) is refused: the engine's {@code WeightCalibration} settles it first.
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
            Tensor bias = null;
            if (p.weights().needsCalibration()) {
                throw new UserInputException(
                        "layer " + layer.name(),
                        "weights " + p.weights() + " are settled on calibration data (clipping auto, bias "
                                + "correction), and none was given");
            }
            if (p.weights().quantizes()) {
                Tensor weight = graph.initializers().get(layer.weightName());
                try {
                    w = WeightQuantizer.quantize(weight, channelAxis(layer), p.weights());
                    if (p.accumulatorBits() < 32) {
                        acc = AccumulatorAware.constrain(
                                weight, channelAxis(layer), p.weights(), p.accumulatorBits(), maxInput(p));
                        w = new WeightQuantizer.Result(acc.tensor(), w.scales(), w.vectorScales(), w.zeroPoints());
                    }
                    bias = correctedBias(layer, graph, p.weights());
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
            RangeSearch.Params input = inputQuant.get(layer.name());
            bias = placeBias(layer, graph, bias, p, input, acc, initializers);
            applied.add(new LayerQuantization(layer, p, w, input, acc, bias));
        }
        Map<String, ActivationQuantization> activationOnly = activationOnly(graph, config, inputQuant);
        List<Node> nodes = new ArrayList<>();
        for (Node node : graph.nodes()) {
            RangeSearch.Params a = inputQuant.get(node.name());
            Layer layer =
                    layers.stream().filter(l -> l.node() == node).findFirst().orElse(null);
            Node run = layer != null && initializers.containsKey(correctedBiasName(layer))
                    ? withBias(node, correctedBiasName(layer))
                    : node;
            if (a != null && layer != null) {
                QuantizerSpec spec = config.of(layer.name()).activations();
                String quantized = node.input(0) + "::quantized_for::" + node.name();
                nodes.add(new Node(
                        node.name() + "/input_quantizer",
                        new Op.FakeQuantize(spec.format(), a.scale(), a.zeroPoint()),
                        List.of(node.input(0)),
                        List.of(quantized)));
                List<String> inputs = new ArrayList<>(run.inputs());
                inputs.set(0, quantized);
                nodes.add(new Node(node.name(), node.op(), inputs, node.outputs()));
            } else if (activationOnly.containsKey(node.name())) {
                quantizeOperands(activationOnly.get(node.name()), nodes);
            } else {
                nodes.add(run);
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

    /** The initializer holding {@code layer}'s corrected bias. */
    public static String correctedBiasName(Layer layer) {
        return layer.name() + "/corrected_bias";
    }

    /**
     * The bias of {@code layer} after the bias correction of {@code weights}: its bias in {@code graph}
     * (zeros without one) plus the measured shift; null when {@code weights} has no bias correction.
     *
     * @throws IllegalArgumentException when the layer has no bias input or the shift does not fit it
     */
    public static Tensor correctedBias(Layer layer, Graph graph, QuantizerSpec weights) {
        BiasCorrection correction = weights.biasCorrection();
        if (correction == null) {
            return null;
        }
        if (layer.node().op().biasInput() < 0) {
            throw new IllegalArgumentException("a " + layer.opType() + " has no bias input to correct (ONNX "
                    + layer.opType() + " adds none); bias correction needs Conv, ConvTranspose or Gemm");
        }
        float[] shift = correction.shift();
        if (layer.node().op() instanceof Op.Gemm g) {
            // Gemm adds beta · C: the shift must reach the output unscaled.
            if (g.beta() == 0f) {
                throw new IllegalArgumentException("a Gemm with beta 0 ignores its bias; bias correction cannot apply");
            }
            for (int i = 0; i < shift.length; i++) {
                shift[i] /= g.beta();
            }
        }
        Tensor bias = layer.biasName() == null ? null : graph.initializers().get(layer.biasName());
        if (bias != null && bias.shape().size() != shift.length && bias.shape().size() != 1) {
            throw new IllegalArgumentException("the bias correction has " + shift.length + " values for a bias of "
                    + bias.shape().size());
        }
        float[] out = shift.clone();
        if (bias != null) {
            float[] b = bias.data();
            for (int i = 0; i < out.length; i++) {
                out[i] += b[b.length == 1 ? 0 : i];
            }
        }
        return Tensor.of(org.bitbudget.ir.tensor.Shape.of(out.length), out);
    }

    /**
     * Puts the bias {@code layer} computes with into {@code initializers}: the corrected bias under
     * {@link #correctedBiasName}, else the model's bias under its own name, either on its
     * {@link BiasGrid} when it has one.
     *
     * @param corrected the corrected bias ({@link #correctedBias}), null without bias correction
     * @return the corrected bias as placed, null without bias correction
     */
    public static Tensor placeBias(
            Layer layer,
            Graph graph,
            Tensor corrected,
            Precision precision,
            RangeSearch.Params input,
            AccumulatorAware.Result accumulator,
            Map<String, Tensor> initializers) {
        if (corrected != null) {
            Tensor placed = BiasGrid.bias(layer, graph, corrected, precision, input, accumulator);
            initializers.put(correctedBiasName(layer), placed);
            return placed;
        }
        if (layer.biasName() != null) {
            Tensor own = graph.initializers().get(layer.biasName());
            initializers.put(layer.biasName(), BiasGrid.bias(layer, graph, own, precision, input, accumulator));
        }
        return null;
    }

    /** {@code node} reading its bias from {@code bias} (the input is added when the node has none). */
    public static Node withBias(Node node, String bias) {
        int at = node.op().biasInput();
        List<String> inputs = new ArrayList<>(node.inputs());
        while (inputs.size() <= at) {
            inputs.add("");
        }
        inputs.set(at, bias);
        return new Node(node.name(), node.op(), inputs, node.outputs());
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
