package org.bitbudget.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bitbudget.data.Calibration;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.PrecisionConfigs;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.BiasCorrection;
import org.bitbudget.ir.quant.Clipping;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.SharedModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link WeightCalibration} on the shared LeNet-5 and 300 seeded Fashion-MNIST training images, one
 * layer quantized at a time (the others float, so the layer reads the float model's input), checked
 * against the layer's output computed independently: the float graph and the fake-quantized graph
 * ({@link QuantizedGraph#of}) run whole on the float engine, the layer's output captured from each.
 */
class WeightCalibrationTest {
    private static final Normalization NORM = new Normalization(0.2860f, 0.3530f);
    private static Graph graph;
    private static Tensor calibration;
    private static Map<String, Tensor> floatOutputs;

    @BeforeAll
    static void load() {
        graph = OnnxImporter.load(SharedModels.model("lenet5.onnx"));
        calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 300, 7, NORM);
        floatOutputs = layerOutputs(graph);
    }

    /**
     * After correction the mean of (float − quantized output) over the calibration images and
     * positions is zero in every output channel, up to float32 rounding: below 1e-5 of the layer's
     * output RMS (the uncorrected means are 10³–10⁵ times larger, checked too), and the corrected
     * layer's output MSE is below the uncorrected one.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"int3", "int4"})
    void biasCorrectionZeroesEachChannelsMeanOutputError(String format) {
        for (Layer layer : graph.layers()) {
            QuantizerSpec plain = QuantizerSpec.weights(NumberFormat.parse(format));
            PrecisionConfig asked = only(layer, plain.withBiasCorrection(BiasCorrection.MEASURE));
            PrecisionConfig settled = WeightCalibration.settle(graph, asked, calibration);
            QuantizerSpec w = settled.of(layer.name()).weights();
            assertEquals(Clipping.MAX, w.clipping());
            assertTrue(w.biasCorrection().measured(), w.toString());
            Tensor y = floatOutputs.get(layer.name());
            double[] before = channelMeans(y, quantizedOutput(layer, only(layer, plain)));
            double[] after = channelMeans(y, quantizedOutput(layer, settled));
            double rms = Math.sqrt(squareMean(y.data(), new float[y.data().length]));
            double largestBefore = 0;
            for (int c = 0; c < after.length; c++) {
                assertTrue(
                        Math.abs(after[c]) <= 1e-5 * rms,
                        layer.name() + " channel " + c + ": mean error " + after[c] + " after correction, RMS " + rms);
                largestBefore = Math.max(largestBefore, Math.abs(before[c]));
            }
            assertTrue(largestBefore > 1e-3 * rms, layer.name() + ": " + largestBefore);
            double mseBefore = squareMean(
                    y.data(), quantizedOutput(layer, only(layer, plain)).data());
            double mseAfter =
                    squareMean(y.data(), quantizedOutput(layer, settled).data());
            System.out.printf(
                    Locale.ROOT,
                    "%s %s: largest channel mean error %.3e -> %.3e, output MSE %.4e -> %.4e%n",
                    format,
                    layer.name(),
                    largestBefore,
                    maxAbs(after),
                    mseBefore,
                    mseAfter);
            assertTrue(mseAfter < mseBefore, layer.name() + ": " + mseAfter + " vs " + mseBefore);
        }
    }

    /**
     * {@code auto} picks, per layer, the rule whose layer output has the least MSE against float (after
     * bias correction when that is asked too), each rule's MSE computed here on the whole fake-quantized
     * graph; the errors it reports are those MSEs (to float summation order, 1e-4 relative).
     */
    @ParameterizedTest(name = "{0}, bias correction {1}")
    @CsvSource({"int3, false", "int3, true", "int4, false", "int4, true"})
    void autoPicksTheRuleWithTheLeastOutputError(String format, boolean correct) {
        List<String> picks = new ArrayList<>();
        for (Layer layer : graph.layers()) {
            QuantizerSpec auto = QuantizerSpec.weights(NumberFormat.parse(format))
                    .withClipping(Clipping.AUTO)
                    .withBiasCorrection(correct ? BiasCorrection.MEASURE : null);
            Map<Precision, WeightCalibration.Settled> measured = WeightCalibration.measure(
                            graph, Map.of(layer.name(), List.of(precision(auto))), calibration)
                    .get(layer.name());
            WeightCalibration.Settled settled = measured.get(precision(auto));
            Clipping chosen = settled.weights().clipping();
            Tensor y = floatOutputs.get(layer.name());
            double least = Double.POSITIVE_INFINITY;
            double chosenError = Double.NaN;
            for (int i = 0; i < Clipping.AUTO_RULES.size(); i++) {
                Clipping rule = Clipping.AUTO_RULES.get(i);
                PrecisionConfig config =
                        WeightCalibration.settle(graph, only(layer, auto.withClipping(rule)), calibration);
                double mse = squareMean(y.data(), quantizedOutput(layer, config).data());
                WeightCalibration.RuleError reported = settled.errors().get(i);
                assertEquals(rule, reported.rule());
                assertEquals(
                        mse, correct ? reported.corrected() : reported.mse(), 1e-4 * mse, layer.name() + " " + rule);
                least = Math.min(least, mse);
                if (rule.equals(chosen)) {
                    chosenError = mse;
                }
            }
            assertEquals(least, chosenError, 1e-4 * least, layer.name() + " chose " + chosen);
            picks.add(layer.name() + "=" + chosen);
        }
        System.out.println(format + (correct ? " with bias correction" : "") + ": auto chose " + picks);
    }

    @Test
    void settledConfigsRoundTripAndApplyWithoutData() {
        PrecisionConfig asked = PrecisionConfigs.parse(
                "{\"default\": {\"weights\": {\"format\": \"int3\", \"clipping\": \"auto\", \"bias_correction\": true}}}",
                "c.json",
                false);
        assertThrows(UserInputException.class, () -> QuantizedGraph.of(graph, asked, Map.of()));
        PrecisionConfig settled = WeightCalibration.settle(graph, asked, calibration);
        PrecisionConfig read = PrecisionConfigs.parse(PrecisionConfigs.toJson(settled), "settled.json", false);
        assertEquals(settled, read);
        for (Layer layer : graph.layers()) {
            QuantizerSpec w = read.of(layer.name()).weights();
            assertFalse(w.needsCalibration(), w.toString());
            assertNotEquals(Clipping.Kind.AUTO, w.clipping().kind());
        }
        Tensor fromSettled =
                FloatEngine.of(QuantizedGraph.of(graph, read, Map.of()).graph()).predict(calibration);
        Tensor applied = FloatEngine.of(
                        FakeQuantization.apply(graph, asked, calibration).graph())
                .predict(calibration);
        assertEquals(0, squareMean(fromSettled.data(), applied.data()), "the settled config reproduces the run");
    }

    /** A Conv without a bias gets the corrected one as a new input; the float model is left untouched. */
    @Test
    void aLayerWithoutBiasGetsOne() {
        Layer conv = graph.layers().getFirst();
        List<Node> nodes = new ArrayList<>();
        for (Node n : graph.nodes()) {
            nodes.add(n == conv.node() ? new Node(n.name(), n.op(), n.inputs().subList(0, 2), n.outputs()) : n);
        }
        Graph noBias = new Graph(
                graph.name(),
                graph.opset(),
                graph.inputs(),
                graph.outputs(),
                graph.initializers(),
                nodes,
                graph.metadata());
        assertNull(noBias.layers().getFirst().biasName());
        PrecisionConfig asked = only(
                noBias.layers().getFirst(),
                QuantizerSpec.weights(NumberFormat.parse("int3")).withBiasCorrection(BiasCorrection.MEASURE));
        QuantizedGraph q = FakeQuantization.apply(noBias, asked, calibration);
        String bias = QuantizedGraph.correctedBiasName(conv);
        Node corrected = q.graph().node(conv.name());
        assertEquals(bias, corrected.input(2));
        assertNotNull(q.layers().getFirst().correctedBias());
        assertSame(
                q.graph().initializers().get(bias),
                q.layers().getFirst().correctedBias(),
                "the layer reports the bias its node reads");
        Map<String, Tensor> outputs = layerOutputs(noBias);
        Tensor y = outputs.get(conv.name());
        Tensor yq = FloatEngine.builder(q.graph())
                .threads(1)
                .build()
                .capture(
                        Map.of("input", calibration),
                        List.of(conv.node().outputs().getFirst()))
                .values()
                .iterator()
                .next();
        double rms = Math.sqrt(squareMean(y.data(), new float[y.data().length]));
        assertTrue(maxAbs(channelMeans(y, yq)) <= 1e-5 * rms);
    }

    private static Precision precision(QuantizerSpec weights) {
        return new Precision(weights, QuantizerSpec.FLOAT, 32);
    }

    private static PrecisionConfig only(Layer layer, QuantizerSpec weights) {
        return new PrecisionConfig(Precision.FLOAT, Map.of(layer.name(), precision(weights)));
    }

    private static Map<String, Tensor> layerOutputs(Graph g) {
        List<String> names =
                g.layers().stream().map(l -> l.node().outputs().getFirst()).toList();
        Map<String, Tensor> values =
                FloatEngine.builder(g).threads(1).build().capture(Map.of("input", calibration), names);
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        g.layers().forEach(l -> out.put(l.name(), values.get(l.node().outputs().getFirst())));
        return out;
    }

    /** The layer's output in the graph {@code config} fake-quantizes (settled configs only). */
    private static Tensor quantizedOutput(Layer layer, PrecisionConfig config) {
        Graph q = QuantizedGraph.of(graph, config, Map.of()).graph();
        String out = layer.node().outputs().getFirst();
        return FloatEngine.builder(q)
                .threads(1)
                .build()
                .capture(Map.of("input", calibration), List.of(out))
                .get(out);
    }

    /** Per output channel (axis 1), the mean of y − yq in double. */
    private static double[] channelMeans(Tensor y, Tensor yq) {
        int channels = y.shape().dim(1);
        int inner = y.shape().size(2, y.shape().rank());
        double[] sums = new double[channels];
        float[] a = y.data();
        float[] b = yq.data();
        for (int i = 0; i < a.length; i++) {
            sums[(i / inner) % channels] += (double) a[i] - b[i];
        }
        for (int c = 0; c < channels; c++) {
            sums[c] /= a.length / channels;
        }
        return sums;
    }

    private static double squareMean(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s += d * d;
        }
        return s / a.length;
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
