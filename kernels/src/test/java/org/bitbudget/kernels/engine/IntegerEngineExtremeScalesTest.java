package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bitbudget.data.Calibration;
import org.bitbudget.data.Classification;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.precision.LayerQuantization;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The integer engine against the fake-quant float engine at W8A8 on the reference LeNet-5 with one
 * output channel of one layer rescaled: its weights times 1e-9 … 1e9 and its bias zero, ordinary or
 * huge (±1e6), on 300 Fashion-MNIST test images. Such a channel's bias in accumulator units reaches
 * 10^19 (tiny weights) or 10^-10 (huge weights), far outside what int32 with a fixed number of fraction
 * bits holds; the engine once clamped it and wrapped (top-1 agreement 80.7%).
 *
 * <p>Agreement, for every image: the same top-1 class, and every logit j within
 * {@code s_a * ||w_j||_1} of the float engine's (plus float32 rounding, 1e-5 of the logit), the
 * change that moving every input code of the last layer by one quantization step can make — the
 * two engines differ only in how they round ties and in float32 summation, so no input code of the
 * last layer may be further apart than that.
 */
class IntegerEngineExtremeScalesTest {
    private static final Normalization NORMALIZATION = new Normalization(0.2860f, 0.3530f);
    private static final int IMAGES = 300;
    private static Graph lenet5;
    private static Tensor calibration;
    private static Tensor images;

    @BeforeAll
    static void load() throws IOException {
        lenet5 = OnnxImporter.load(SharedFolder.model("lenet5.onnx"));
        calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 300, 0L, NORMALIZATION);
        DataSource test = DataSources.open("fashion-mnist", Split.TEST);
        images = test.batch(0, IMAGES, NORMALIZATION);
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String layer : List.of("/c1/Conv", "/c2/Conv", "/f1/Gemm", "/f3/Gemm")) {
            for (double scale : new double[] {1e-9, 1e-4, 1e4, 1e9}) {
                for (float bias : new float[] {0f, 0.5f, 1e6f, -1e6f}) {
                    cases.add(Arguments.of(layer, scale, bias));
                }
            }
        }
        // The case of the report: one channel of the first convolution with tiny weights and a bias.
        cases.add(Arguments.of("/c1/Conv", 1e-9, 0.25f));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} channel 0: weights x {1}, bias {2}")
    @MethodSource("cases")
    void integerEngineAgreesWithFakeQuantization(String layer, double scale, float bias) {
        Graph graph = rescaled(layer, scale, bias);
        QuantizedGraph quantized = FakeQuantization.apply(graph, w8a8(graph), calibration);
        Tensor expected =
                FloatEngine.builder(quantized.graph()).threads(2).build().predict(images);
        Tensor actual =
                IntegerEngine.builder(graph, quantized).threads(2).build().predict(images);
        int[] fake = Classification.predictions(expected);
        int[] integer = Classification.predictions(actual);
        double[] tolerance = lastLayerStep(graph, quantized);
        int classes = tolerance.length;
        for (int i = 0; i < IMAGES; i++) {
            if (fake[i] != integer[i]) {
                fail("image " + i + ": float engine class " + fake[i] + ", integer engine class " + integer[i]);
            }
            for (int j = 0; j < classes; j++) {
                float f = expected.data()[i * classes + j];
                float x = actual.data()[i * classes + j];
                assertTrue(
                        Math.abs(f - x) <= tolerance[j] + 1e-5 * Math.abs(f),
                        "image " + i + " logit " + j + ": float " + f + ", integer " + x + ", tolerance "
                                + tolerance[j]);
            }
        }
    }

    /** s_a * ||w_j||_1 of the last layer: what one step of each of its input codes can change. */
    private static double[] lastLayerStep(Graph graph, QuantizedGraph quantized) {
        LayerQuantization last = quantized.layers().getLast();
        float[] w =
                quantized.graph().initializers().get(last.layer().weightName()).data();
        int[] dims = graph.initializers().get(last.layer().weightName()).shape().dims();
        double[] l1 = new double[dims[0]];
        int k = w.length / dims[0];
        for (int j = 0; j < dims[0]; j++) {
            for (int p = 0; p < k; p++) {
                l1[j] += Math.abs(w[j * k + p]) * last.activations().scale();
            }
        }
        return l1;
    }

    /** LeNet-5 with channel 0 of {@code layer} rescaled and given {@code bias}. */
    private static Graph rescaled(String layer, double scale, float bias) {
        Layer target = lenet5.layers().stream()
                .filter(l -> l.name().equals(layer))
                .findFirst()
                .orElseThrow();
        if (target.node().op() instanceof Op.Gemm g && !g.transB()) {
            throw new IllegalStateException(layer + " is expected to hold one output channel per weight row");
        }
        Map<String, Tensor> init = new LinkedHashMap<>(lenet5.initializers());
        Tensor w = init.get(target.weightName());
        float[] weights = w.data().clone();
        int k = weights.length / w.shape().dim(0);
        for (int p = 0; p < k; p++) {
            weights[p] = (float) (weights[p] * scale);
        }
        init.put(target.weightName(), Tensor.of(w.shape(), weights));
        Tensor b = init.get(target.biasName());
        float[] biases = b.data().clone();
        biases[0] = bias;
        init.put(target.biasName(), Tensor.of(b.shape(), biases));
        return new Graph(
                lenet5.name(),
                lenet5.opset(),
                lenet5.inputs(),
                lenet5.outputs(),
                init,
                lenet5.nodes(),
                lenet5.metadata());
    }

    private static PrecisionConfig w8a8(Graph graph) {
        Map<String, Precision> layers = new LinkedHashMap<>();
        List<Layer> all = graph.layers();
        for (int i = 0; i < all.size(); i++) {
            layers.put(
                    all.get(i).name(),
                    new Precision(
                            QuantizerSpec.weights(NumberFormat.parse("int8")),
                            QuantizerSpec.activations(NumberFormat.parse(i == 0 ? "int8" : "uint8")),
                            32));
        }
        return new PrecisionConfig(Precision.FLOAT, layers);
    }
}
