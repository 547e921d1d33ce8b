package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ExportedModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The kernel choice of the integer engine: by the rule, forced onto one path, or by timing. Every
 * path a layer lists as exact must give that layer's accumulators bit for bit (checked layer by layer
 * on the codes a real batch gives it), so forcing any path and measuring must leave the logits of
 * the rule's engine unchanged; a measured choice is always among the layer's exact paths. Which path
 * a measurement picks depends on the CPU and is never asserted.
 */
class IntegerEngineKernelChoiceTest {
    private static final Normalization NORMALIZATION = new Normalization(0.2860f, 0.3530f);
    /** An odd batch, so a chunk has a tail and no row count is a multiple of a vector. */
    private static final int IMAGES = 37;

    private static Tensor calibration;
    private static Tensor images;

    @BeforeAll
    static void load() {
        calibration = DataSources.open("fashion-mnist", Split.TRAIN).batch(0, 256, NORMALIZATION);
        DataSource test = DataSources.open("fashion-mnist", Split.TEST);
        images = test.batch(0, IMAGES, NORMALIZATION);
    }

    private static Graph model(String name) throws IOException {
        return name.equals("lenet5")
                ? OnnxImporter.load(SharedFolder.model("lenet5.onnx"))
                : OnnxImporter.load(ExportedModels.model(name));
    }

    /** Weights in {@code weights} everywhere; the first layer's input signed, later inputs unsigned. */
    private static PrecisionConfig config(Graph graph, String weights, int activationBits) {
        Map<String, Precision> layers = new LinkedHashMap<>();
        List<Layer> all = graph.layers();
        for (int i = 0; i < all.size(); i++) {
            layers.put(
                    all.get(i).name(),
                    new Precision(
                            QuantizerSpec.weights(NumberFormat.parse(weights)),
                            QuantizerSpec.activations(NumberFormat.parse((i == 0 ? "int" : "uint") + activationBits)),
                            32));
        }
        return new PrecisionConfig(Precision.FLOAT, layers);
    }

    @ParameterizedTest(name = "{0} W{1}A{2}")
    @CsvSource({
        "lenet5, int8, 8",
        "lenet5, int4, 4",
        "lenet5, int2, 2",
        "lenet5, binary, 4",
        ExportedModels.MOBILENETV3 + ", int8, 8",
        ExportedModels.MOBILENETV3 + ", int4, 4"
    })
    void everyExactPathGivesTheSameAccumulatorsAndLogits(String name, String weights, int activationBits)
            throws IOException {
        Graph graph = model(name);
        QuantizedGraph quantized = FakeQuantization.apply(graph, config(graph, weights, activationBits), calibration);
        IntegerEngine rule = IntegerEngine.builder(graph, quantized).threads(1).build();
        float[] logits = rule.predict(images).data();

        EnumSet<KernelPath> listed = EnumSet.noneOf(KernelPath.class);
        for (Map.Entry<Step.Layer, Codes> e : layerInputs(rule).entrySet()) {
            LoweredLayer layer = e.getKey().lowered();
            assertEquals(layer.path(), layer.eligible().getFirst(), layer.name() + ": the rule's path comes first");
            int[] expected = layer.accumulate(e.getValue()).values();
            for (KernelPath path : layer.eligible()) {
                assertArrayEquals(
                        expected, layer.withPath(path).accumulate(e.getValue()).values(), layer.name() + " on " + path);
                listed.add(path);
            }
        }
        assertTrue(listed.contains(KernelPath.INT8), listed.toString());

        for (KernelPath path : listed) {
            IntegerEngine forced = IntegerEngine.builder(graph, quantized)
                    .threads(2)
                    .path(path)
                    .build();
            for (Step step : forced.steps()) {
                if (step instanceof Step.Layer l) {
                    assertEquals(
                            l.lowered().eligible().contains(path),
                            l.lowered().path() == path,
                            l.layer() + " forced onto " + path + " (exact: "
                                    + l.lowered().eligible() + ")");
                }
            }
            assertArrayEquals(logits, forced.predict(images).data(), "forced onto " + path);
        }

        IntegerEngine measured =
                IntegerEngine.builder(graph, quantized).threads(2).measure(true).build();
        for (Step step : measured.steps()) {
            if (step instanceof Step.Layer l) {
                assertTrue(
                        l.lowered().eligible().contains(l.lowered().path()),
                        l.layer() + " measured onto " + l.lowered().path() + ", not among "
                                + l.lowered().eligible());
                assertEquals(l.lowered().path(), measured.kernels().get(l.layer()), l.layer());
            }
        }
        assertArrayEquals(logits, measured.predict(images).data(), "measured choice");
    }

    /** The codes each layer step of {@code engine} reads on {@link #images}, in plan order. */
    private static Map<Step.Layer, Codes> layerInputs(IntegerEngine engine) {
        Map<Step.Layer, Codes> inputs = new LinkedHashMap<>();
        Object[] values = new Object[engine.slots()];
        values[0] = new Step.Images(images.data(), 0, IMAGES, 1, 28, 28);
        for (Step step : engine.steps()) {
            if (step instanceof Step.Layer l) {
                inputs.put(l, (Codes) values[l.from()]);
            }
            step.run(values);
        }
        return inputs;
    }
}
