package org.bitbudget.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Dimension;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.ValueInfo;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.BiasCorrection;
import org.bitbudget.ir.quant.Clipping;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.ShapeInference;

/**
 * Settles the weight quantizers that need calibration data ({@link QuantizerSpec#needsCalibration()})
 * by measuring each layer's output error on it, layer by layer with the float model's input:
 *
 * <ul>
 *   <li>{@code auto} clipping becomes the rule of {@link Clipping#AUTO_RULES} whose quantized weight
 *       gives the layer's output the smallest mean squared error against the float output (after
 *       bias correction when the quantizer has it, so the rule and the correction are chosen together);</li>
 *   <li>a requested bias correction becomes the measured shift: per output channel, the mean over
 *       images and positions of (float output − quantized output), which makes the corrected layer's
 *       mean output error on the calibration data zero.</li>
 * </ul>
 *
 * Both use that a layer is linear in its weight: float minus quantized output is the layer run with
 * weight {@code W − Q(W)} and no bias. A MatMul has no bias input, so its bias correction is dropped
 * (the settled quantizer has none) rather than refused: a search may offer it to every layer.
 */
public final class WeightCalibration {
    /** Images per pass, to bound memory. */
    private static final int CHUNK = 100;

    private WeightCalibration() {}

    /**
     * The output error of one rule on one layer.
     *
     * @param rule      the clipping rule
     * @param mse       mean squared error of the layer's output, without bias correction
     * @param corrected mean squared error after bias correction (per-channel mean error removed)
     */
    public record RuleError(Clipping rule, double mse, double corrected) {}

    /**
     * A settled quantizer and what was measured to settle it.
     *
     * @param weights the quantizer as applied: a concrete clipping rule, a measured bias correction
     * @param errors  every rule measured, in {@link Clipping#AUTO_RULES} order (one for a fixed rule)
     */
    public record Settled(QuantizerSpec weights, List<RuleError> errors) {}

    /** {@code config} with every layer whose weights need calibration data settled on {@code calibration}. */
    public static PrecisionConfig settle(Graph graph, PrecisionConfig config, Tensor calibration) {
        Map<String, List<Precision>> asked = new LinkedHashMap<>();
        for (Layer layer : graph.layers()) {
            asked.put(layer.name(), List.of(config.of(layer.name())));
        }
        Map<String, List<Precision>> settled = settle(graph, asked, calibration);
        PrecisionConfig out = config;
        for (Layer layer : graph.layers()) {
            Precision p = config.of(layer.name());
            Precision s = settled.get(layer.name()).getFirst();
            if (!s.equals(p)) {
                out = out.with(layer.name(), s);
            }
        }
        return out;
    }

    /**
     * The candidates of each layer (by layer name, any subset of the graph's layers) with their weights
     * settled on {@code calibration}; candidates that need nothing are returned as they are.
     */
    public static Map<String, List<Precision>> settle(
            Graph graph, Map<String, List<Precision>> candidates, Tensor calibration) {
        Map<String, Map<Precision, Settled>> measured = measure(graph, candidates, calibration);
        Map<String, List<Precision>> out = new LinkedHashMap<>();
        candidates.forEach((name, list) -> out.put(
                name,
                list.stream()
                        .map(p -> p.weights().needsCalibration()
                                ? new Precision(
                                        measured.get(name).get(p).weights(), p.activations(), p.accumulatorBits())
                                : p)
                        .toList()));
        return out;
    }

    /**
     * What settling measures: per layer and candidate that needs calibration data, the settled
     * quantizer and every rule's output error.
     */
    public static Map<String, Map<Precision, Settled>> measure(
            Graph graph, Map<String, List<Precision>> candidates, Tensor calibration) {
        Map<String, Layer> layers = new LinkedHashMap<>();
        graph.layers().forEach(l -> layers.put(l.name(), l));
        List<Probe> probes = new ArrayList<>();
        Map<String, Shape> shapes = ShapeInference.shapes(graph, 1);
        Map<String, Map<Precision, List<Probe>>> asked = new LinkedHashMap<>();
        for (var e : candidates.entrySet()) {
            Layer layer = layers.get(e.getKey());
            if (layer == null) {
                throw new IllegalArgumentException("no layer " + e.getKey() + " in " + graph.name());
            }
            for (Precision p : e.getValue()) {
                if (!p.weights().needsCalibration()) {
                    continue;
                }
                List<Clipping> rules = p.weights().clipping().kind() == Clipping.Kind.AUTO
                        ? Clipping.AUTO_RULES
                        : List.of(p.weights().clipping());
                List<Probe> mine = new ArrayList<>();
                for (Clipping rule : rules) {
                    Precision key = new Precision(
                            p.weights().withClipping(rule).withBiasCorrection(null),
                            p.activations(),
                            p.accumulatorBits());
                    Probe probe = probes.stream()
                            .filter(q -> q.layer == layer && q.precision.equals(key))
                            .findFirst()
                            .orElseGet(() -> {
                                Probe q = new Probe(graph, shapes, layer, key);
                                probes.add(q);
                                return q;
                            });
                    mine.add(probe);
                }
                asked.computeIfAbsent(layer.name(), k -> new LinkedHashMap<>()).put(p, mine);
            }
        }
        if (probes.isEmpty()) {
            return Map.of();
        }
        if (calibration == null || calibration.shape().dim(0) == 0) {
            throw new UserInputException(
                    "layer " + probes.getFirst().layer.name(),
                    "clipping auto and bias correction are measured on calibration images, and none were given");
        }
        run(graph, probes, calibration);
        Map<String, Map<Precision, Settled>> out = new LinkedHashMap<>();
        asked.forEach((name, byPrecision) -> {
            Map<Precision, Settled> settled = new LinkedHashMap<>();
            byPrecision.forEach((p, mine) -> settled.put(p, settle(layers.get(name), p.weights(), mine)));
            out.put(name, settled);
        });
        return out;
    }

    private static Settled settle(Layer layer, QuantizerSpec asked, List<Probe> probes) {
        boolean correct = asked.biasCorrection() != null && layer.node().op().biasInput() >= 0;
        List<RuleError> errors = new ArrayList<>();
        Probe best = null;
        double bestError = Double.POSITIVE_INFINITY;
        for (Probe probe : probes) {
            RuleError error = probe.error();
            errors.add(error);
            double e = correct ? error.corrected() : error.mse();
            if (e < bestError) {
                bestError = e;
                best = probe;
            }
        }
        QuantizerSpec settled = best.precision.weights();
        if (correct) {
            settled = settled.withBiasCorrection(BiasCorrection.of(best.meanError()));
        }
        return new Settled(settled, errors);
    }

    /** One pass over the calibration images in chunks: capture each layer's input once, run every probe. */
    private static void run(Graph graph, List<Probe> probes, Tensor calibration) {
        Set<String> inputs = new LinkedHashSet<>();
        probes.forEach(p -> inputs.addAll(p.inputs()));
        FloatEngine engine = FloatEngine.builder(graph).threads(1).build();
        String inputName = graph.inputs().getFirst().name();
        Shape shape = calibration.shape();
        int n = shape.dim(0);
        int per = shape.size() / n;
        for (int from = 0; from < n; from += CHUNK) {
            int count = Math.min(CHUNK, n - from);
            float[] part = Arrays.copyOfRange(calibration.data(), from * per, (from + count) * per);
            Map<String, Tensor> feed = Map.of(inputName, Tensor.of(shape.with(0, count), part));
            Map<String, Tensor> values = engine.capture(feed, inputs);
            for (Probe p : probes) {
                p.add(values);
            }
        }
    }

    /**
     * One layer at one concrete quantizer: the layer alone with weight {@code W − Q(W)} and a zero
     * bias, whose output is the float output minus the quantized one, and the sums of that error.
     */
    private static final class Probe {
        final Layer layer;
        final Precision precision;
        final FloatEngine engine;
        final List<String> inputs = new ArrayList<>();
        double[] channelSums;
        double squares;
        long values;

        Probe(Graph graph, Map<String, Shape> shapes, Layer layer, Precision precision) {
            this.layer = layer;
            this.precision = precision;
            Node node = layer.node();
            Tensor weight = graph.initializers().get(layer.weightName());
            Tensor quantized;
            try {
                quantized = QuantizedGraph.quantizedWeight(layer, weight, precision);
            } catch (IllegalArgumentException e) {
                throw new UserInputException("layer " + layer.name(), e.getMessage());
            }
            float[] delta = weight.data().clone();
            float[] q = quantized.data();
            for (int i = 0; i < delta.length; i++) {
                delta[i] -= q[i];
            }
            Map<String, Tensor> initializers = new LinkedHashMap<>();
            List<ValueInfo> graphInputs = new ArrayList<>();
            for (String in : node.inputs()) {
                Tensor constant = graph.initializers().get(in);
                if (in.equals(layer.weightName())) {
                    initializers.put(in, Tensor.of(weight.shape(), delta));
                } else if (in.equals(layer.biasName())) {
                    initializers.put(
                            in,
                            Tensor.of(
                                    constant.shape(), new float[constant.shape().size()]));
                } else if (constant != null) {
                    initializers.put(in, constant);
                } else if (!in.isEmpty() && !inputs.contains(in)) {
                    inputs.add(in);
                }
            }
            for (String in : inputs) {
                Shape one = shapes.get(in);
                List<Dimension> dims = new ArrayList<>();
                for (int i = 0; i < one.rank(); i++) {
                    dims.add(i == 0 ? Dimension.symbolic("N") : Dimension.of(one.dim(i)));
                }
                graphInputs.add(new ValueInfo(in, DataType.FLOAT, dims));
            }
            Graph alone = new Graph(
                    graph.name() + "/" + layer.name(),
                    graph.opset(),
                    graphInputs,
                    List.of(new ValueInfo(node.outputs().getFirst(), DataType.FLOAT, List.of())),
                    initializers,
                    List.of(node),
                    Map.of());
            this.engine = FloatEngine.builder(alone).threads(1).build();
        }

        List<String> inputs() {
            return inputs;
        }

        void add(Map<String, Tensor> captured) {
            Map<String, Tensor> feed = new LinkedHashMap<>();
            inputs.forEach(in -> feed.put(in, captured.get(in)));
            Tensor error = engine.run(feed).values().iterator().next();
            Shape s = error.shape();
            // Output channels: axis 1 of a Conv, ConvTranspose or Gemm output, the last axis of a MatMul's.
            int axis = layer.opType().equals("MatMul") || s.rank() < 2 ? s.rank() - 1 : 1;
            int channels = s.rank() == 0 ? 1 : s.dim(axis);
            int inner = s.rank() == 0 ? 1 : s.size(axis + 1, s.rank());
            if (channelSums == null) {
                channelSums = new double[channels];
            }
            float[] e = error.data();
            for (int i = 0; i < e.length; i++) {
                channelSums[(i / inner) % channels] += e[i];
                squares += (double) e[i] * e[i];
            }
            values += e.length;
        }

        /** Per output channel, the mean of (float − quantized output). */
        float[] meanError() {
            long perChannel = values / channelSums.length;
            float[] mean = new float[channelSums.length];
            for (int c = 0; c < mean.length; c++) {
                mean[c] = (float) (channelSums[c] / perChannel);
            }
            return mean;
        }

        RuleError error() {
            long perChannel = values / channelSums.length;
            double removed = 0;
            for (double sum : channelSums) {
                removed += sum * sum / perChannel;
            }
            return new RuleError(
                    precision.weights().clipping(), squares / values, Math.max(0, squares - removed) / values);
        }
    }
}
