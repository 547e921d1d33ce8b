package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.bitbudget.data.Classification;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PyTorch exports of {@code test-support} (a MobileNetV3-style CNN and a small ViT) on the integer
 * engine at W8A8 (per-channel int8 weights, int8 activations calibrated on the first 512 train images,
 * as a search run calibrates): what has no integer form (HardSwish, HardSigmoid and the gating Mul,
 * LayerNormalization, Erf, Softmax, attention's MatMuls between activations, reshapes and transposes)
 * runs in float islands, every layer with a weight on an integer kernel. Accuracy on the first
 * {@link #IMAGES} Fashion-MNIST test images is within 0.005 of fake quantization of the same config
 * on the float engine, as the issue asks.
 */
class IntegerEngineExportedModelsTest {
    private static final Normalization FASHION_MNIST = new Normalization(0.2860f, 0.3530f);
    private static final int IMAGES = 2000;
    private static Tensor calibration;
    private static Tensor images;
    private static int[] labels;

    @BeforeAll
    static void load() {
        DataSource train = DataSources.open("fashion-mnist", Split.TRAIN);
        calibration = train.batch(0, 512, FASHION_MNIST);
        DataSource test = DataSources.open("fashion-mnist", Split.TEST).limit(IMAGES);
        images = test.batch(0, test.size(), FASHION_MNIST);
        labels = test.labels();
    }

    private static double accuracy(Tensor logits) {
        int[] predicted = Classification.predictions(logits);
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        return (double) correct / labels.length;
    }

    @ParameterizedTest
    @ValueSource(strings = {ExportedModels.MOBILENETV3, ExportedModels.VIT})
    void w8a8WithFloatIslandsMatchesFakeQuantization(String name) {
        Graph graph = OnnxImporter.load(ExportedModels.model(name));
        Precision w8a8 = new Precision(
                QuantizerSpec.weights(NumberFormat.parse("int8")),
                QuantizerSpec.activations(NumberFormat.parse("int8")),
                32);
        QuantizedGraph quantized = FakeQuantization.apply(graph, PrecisionConfig.uniform(w8a8), calibration);
        IntegerEngine engine =
                IntegerEngine.builder(graph, quantized).threads(2).build();

        Map<String, KernelPath> kernels = engine.kernels();
        assertEquals(graph.layers().size(), kernels.size(), name + ": every layer lowered");
        for (Layer layer : graph.layers()) {
            assertTrue(kernels.get(layer.name()) != KernelPath.FLOAT, name + ": " + layer.name() + " runs in float");
        }
        assertTrue(!engine.floatNodes().isEmpty(), name + " has nodes without an integer form");

        double floatAccuracy =
                accuracy(FloatEngine.builder(graph).threads(2).build().predict(images));
        double fake = accuracy(
                FloatEngine.builder(quantized.graph()).threads(2).build().predict(images));
        double integer = accuracy(engine.predict(images));
        System.out.printf(
                "%s on %d test images: float %.4f, W8A8 fake quantization %.4f, integer engine %.4f;"
                        + " layers %s; float islands %s%n",
                name, IMAGES, floatAccuracy, fake, integer, kernels, engine.floatNodes());
        assertEquals(fake, integer, 0.005, name + ": integer engine against fake quantization");
    }

    /**
     * The MobileNetV3-style export's HardSwish nodes between a layer and the next run fused into the
     * next layer's quantization, in NHWC order, and its squeeze-excitation and residual islands stay in
     * NHWC order ({@link NhwcIslands}); they give the logits of the float islands in ONNX's
     * layout bit for bit, at W8A8 (signed inputs) and W4A8 (uint8 inputs, nonzero zero points).
     */
    @ParameterizedTest
    @ValueSource(strings = {"int8", "uint8"})
    void fusedActivationsGiveTheIslandsLogitsExactly(String activations) {
        Graph graph = OnnxImporter.load(ExportedModels.model(ExportedModels.MOBILENETV3));
        Precision precision = new Precision(
                QuantizerSpec.weights(NumberFormat.parse(activations.equals("int8") ? "int8" : "int4")),
                QuantizerSpec.activations(NumberFormat.parse(activations)),
                32);
        QuantizedGraph quantized = FakeQuantization.apply(graph, PrecisionConfig.uniform(precision), calibration);
        IntegerEngine fused = IntegerEngine.builder(graph, quantized).threads(2).build();
        IntegerEngine islands = IntegerEngine.builder(graph, quantized)
                .threads(2)
                .fuseActivations(false)
                .build();
        long fusedSteps = fused.steps().stream()
                .filter(s -> s instanceof Step.ActivationQuantize)
                .count();
        assertTrue(fusedSteps >= 3, fusedSteps + " fused HardSwish steps");
        assertTrue(islands.steps().stream().noneMatch(s -> s instanceof Step.ActivationQuantize));
        long nhwcSteps = fused.steps().stream()
                .filter(s -> s instanceof Step.QuantizeNhwc)
                .count();
        assertTrue(nhwcSteps >= 4, nhwcSteps + " islands quantized in NHWC order");
        assertTrue(islands.steps().stream().noneMatch(s -> s instanceof Step.QuantizeNhwc));
        assertTrue(
                fused.steps().stream().anyMatch(s -> s instanceof Step.DequantizeHardSwish),
                "a HardSwish dequantized and activated in one step");
        assertTrue(islands.steps().stream().noneMatch(s -> s instanceof Step.DequantizeHardSwish));
        assertEquals(islands.floatNodes(), fused.floatNodes());
        assertArrayEquals(islands.predict(images).data(), fused.predict(images).data());
    }
}
