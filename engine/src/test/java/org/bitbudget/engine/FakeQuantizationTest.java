package org.bitbudget.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bitbudget.data.Calibration;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.precision.LayerQuantization;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.PrecisionConfigs;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.RangeSearch;
import org.bitbudget.ir.quant.WeightQuantizer;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.SharedModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link FakeQuantization} and {@link Calibration} on the shared LeNet-5 with Fashion-MNIST
 * test images (300 to run, 200 seeded ones to calibrate; this test measures no accuracy, so drawing
 * both from the test split is harmless):
 * <ul>
 *   <li>an all-float config leaves the graph's logits bit-identical to the plain float engine;</li>
 *   <li>a weight-only config replaces exactly the layers' weight initializers, each by
 *       {@link WeightQuantizer}'s result on the layer's channel axis, and leaves the nodes, biases,
 *       inputs and outputs as they were;</li>
 *   <li>an activation config inserts exactly one {@link Op.FakeQuantize} node right before each
 *       layer whose input is quantized, feeding it, carrying the calibrated scale and zero point;</li>
 *   <li>calibration is deterministic: {@link Calibration#sample} with one seed gives identical
 *       images, another seed different ones, and the same calibration images give the same scales;</li>
 *   <li>a uint8 activation quantizer's scale and zero point equal {@link RangeSearch#choose} on the
 *       layer inputs captured from the float model.</li>
 * </ul>
 */
class FakeQuantizationTest {
    private static final Normalization FASHION_MNIST = new Normalization(0.2860f, 0.3530f);
    private static final List<String> LAYERS = List.of("/c1/Conv", "/c2/Conv", "/f1/Gemm", "/f2/Gemm", "/f3/Gemm");

    private static Graph lenet;
    private static DataSource test;
    private static Tensor images;
    private static Tensor calibration;

    @BeforeAll
    static void load() {
        lenet = OnnxImporter.load(SharedModels.model("lenet5.onnx"));
        test = DataSources.open("fashion-mnist", Split.TEST);
        images = test.batch(0, 300, FASHION_MNIST);
        calibration = Calibration.sample(test, 200, 7L, FASHION_MNIST);
    }

    private static Tensor logits(Graph graph) {
        return FloatEngine.builder(graph).threads(1).build().predict(images);
    }

    private static PrecisionConfig config(String json) {
        return PrecisionConfigs.parse(json, "test.json", false);
    }

    @Test
    void floatConfigIsBitIdenticalToTheFloatEngine() {
        for (PrecisionConfig config : List.of(
                PrecisionConfig.uniform(Precision.FLOAT),
                config("{\"default\": {\"weights\": \"float\", \"activations\": \"float\"}}"))) {
            QuantizedGraph q = FakeQuantization.apply(lenet, config, null);
            assertEquals(lenet.nodes(), q.graph().nodes());
            assertArrayEquals(logits(lenet).data(), logits(q.graph()).data());
            assertEquals(LAYERS, q.layers().stream().map(l -> l.layer().name()).toList());
            for (LayerQuantization l : q.layers()) {
                assertNull(l.weights());
                assertNull(l.activations());
            }
        }
    }

    @Test
    void weightOnlyConfigChangesOnlyTheLayerWeights() {
        PrecisionConfig config = config("""
                {"default": {"weights": "int4"}, "layers": {"/f3/Gemm": {"weights": "fp8-e4m3"}}}""");
        QuantizedGraph q = FakeQuantization.apply(lenet, config, null);
        Graph out = q.graph();
        assertEquals(lenet.nodes(), out.nodes());
        assertEquals(lenet.inputs(), out.inputs());
        assertEquals(lenet.outputs(), out.outputs());
        assertEquals(lenet.initializers().keySet(), out.initializers().keySet());

        List<String> weightNames =
                lenet.layers().stream().map(Layer::weightName).toList();
        for (var e : lenet.initializers().entrySet()) {
            if (!weightNames.contains(e.getKey())) {
                assertSame(e.getValue(), out.initializers().get(e.getKey()), e.getKey() + " is not a weight");
            }
        }
        for (LayerQuantization l : q.layers()) {
            Layer layer = l.layer();
            Tensor original = lenet.initializers().get(layer.weightName());
            Tensor quantized = out.initializers().get(layer.weightName());
            WeightQuantizer.Result expected = WeightQuantizer.quantize(
                    original,
                    QuantizedGraph.channelAxis(layer),
                    config.of(layer.name()).weights());
            assertArrayEquals(expected.tensor().data(), quantized.data(), layer.name());
            assertEquals(original.shape(), quantized.shape());
            assertFalse(Arrays.equals(original.data(), quantized.data()), layer.name() + " was quantized");
            assertEquals(layer.biasParams(), l.weights().scales(), "one scale per output channel of " + layer.name());
            assertEquals(0, l.weights().zeroPoints());
            assertNull(l.activations());
        }
        assertFalse(Arrays.equals(logits(lenet).data(), logits(out).data()));
    }

    @Test
    void activationConfigInsertsOneFakeQuantizeBeforeEachQuantizedLayer() {
        PrecisionConfig config = config("""
                {"layers": {"/c1/Conv": {"activations": "uint8"},
                            "/f1/Gemm": {"activations": {"format": "int8", "clipping": "percentile(99.9)"}},
                            "/f3/Gemm": {"activations": "fp8-e4m3"}}}""");
        List<String> quantized = List.of("/c1/Conv", "/f1/Gemm", "/f3/Gemm");
        QuantizedGraph q = FakeQuantization.apply(lenet, config, calibration);
        List<Node> nodes = q.graph().nodes();
        assertEquals(lenet.nodes().size() + quantized.size(), nodes.size());
        assertEquals(
                quantized.size(),
                nodes.stream().filter(n -> n.op() instanceof Op.FakeQuantize).count());
        assertEquals(lenet.initializers(), q.graph().initializers(), "weights stay float");

        for (LayerQuantization l : q.layers()) {
            String name = l.layer().name();
            int at = indexOf(nodes, name);
            Node layerNode = nodes.get(at);
            Node before = nodes.get(at - 1);
            if (!quantized.contains(name)) {
                assertNull(l.activations());
                assertEquals(l.layer().node(), layerNode, name + " is unchanged");
                assertFalse(before.op() instanceof Op.FakeQuantize, name);
                continue;
            }
            assertNotNull(l.activations());
            Op.FakeQuantize fq = assertInstanceOf(Op.FakeQuantize.class, before.op(), name);
            assertEquals(config.of(name).activations().format(), fq.format());
            assertEquals(l.activations().scale(), fq.scale());
            assertEquals(l.activations().zeroPoint(), fq.zeroPoint());
            assertEquals(List.of(l.layer().node().input(0)), before.inputs());
            assertEquals(before.outputs().getFirst(), layerNode.input(0));
            assertEquals(
                    l.layer().node().inputs().subList(1, 3), layerNode.inputs().subList(1, 3));
            assertEquals(l.layer().node().outputs(), layerNode.outputs());
            assertEquals(l.layer().node().op(), layerNode.op());
        }
        float[] quantizedLogits = logits(q.graph()).data();
        assertFalse(Arrays.equals(logits(lenet).data(), quantizedLogits));
        for (float v : quantizedLogits) {
            assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void calibrationIsDeterministic() {
        Tensor again = Calibration.sample(test, 200, 7L, FASHION_MNIST);
        Tensor other = Calibration.sample(test, 200, 8L, FASHION_MNIST);
        assertEquals(Shape.of(200, 1, 28, 28), again.shape());
        assertArrayEquals(calibration.data(), again.data());
        assertFalse(Arrays.equals(calibration.data(), other.data()));

        PrecisionConfig config = config("""
                {"default": {"activations": {"format": "int8", "clipping": "mse"}},
                 "layers": {"/c2/Conv": {"activations": "uint8"}}}""");
        List<RangeSearch.Params> first = activationParams(FakeQuantization.apply(lenet, config, calibration));
        List<RangeSearch.Params> second = activationParams(FakeQuantization.apply(lenet, config, again));
        assertEquals(LAYERS.size(), first.size());
        assertEquals(first, second);
    }

    @Test
    void uint8ActivationParamsAreRangeSearchOnTheCapturedInputs() {
        PrecisionConfig config = config("""
                {"layers": {"/c1/Conv": {"activations": "uint8"},
                            "/f2/Gemm": {"activations": {"format": "uint8", "clipping": "percentile(99.5)"}}}}""");
        QuantizedGraph q = FakeQuantization.apply(lenet, config, calibration);
        NumberFormat uint8 = NumberFormat.parse("uint8");
        for (String name : List.of("/c1/Conv", "/f2/Gemm")) {
            String input = lenet.node(name).input(0);
            float[] captured = FloatEngine.builder(lenet)
                    .threads(1)
                    .build()
                    .capture(Map.of(lenet.inputs().getFirst().name(), calibration), List.of(input))
                    .get(input)
                    .data();
            RangeSearch.Params expected = RangeSearch.choose(
                    captured,
                    captured.length,
                    uint8,
                    config.of(name).activations().clipping());
            RangeSearch.Params actual = q.layers().get(LAYERS.indexOf(name)).activations();
            assertEquals(expected, actual, name);
        }
        RangeSearch.Params c1 = q.layers().getFirst().activations();
        assertTrue(c1.zeroPoint() > 0, "normalized pixels go below zero, so uint8 needs a zero point: " + c1);
        assertEquals(0f, c1.apply(0f, uint8), "real zero is exact");
    }

    @Test
    void activationQuantizersNeedCalibrationImages() {
        PrecisionConfig config = config("{\"default\": {\"activations\": \"int8\"}}");
        assertThrows(IllegalArgumentException.class, () -> FakeQuantization.apply(lenet, config, null));
    }

    private static List<RangeSearch.Params> activationParams(QuantizedGraph q) {
        return q.layers().stream().map(LayerQuantization::activations).toList();
    }

    private static int indexOf(List<Node> nodes, String name) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no node " + name);
    }
}
