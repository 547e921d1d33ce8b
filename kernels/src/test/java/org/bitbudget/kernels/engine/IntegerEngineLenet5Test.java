package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The integer engine against the fake-quant float engine on the reference LeNet-5 and the whole
 * Fashion-MNIST test split: top-1 agreement of at least 99.5% at 8 bits and 98% at 4 bits, and
 * accuracies within 0.3 percentage points. Weights are per-channel signed; the first layer's input
 * (normalised pixels, signed) is a signed format and every later input, after a ReLU, unsigned.
 */
class IntegerEngineLenet5Test {
    private static final Normalization NORMALIZATION = new Normalization(0.2860f, 0.3530f);
    private static Graph graph;
    private static Tensor calibration;
    private static Tensor images;
    private static int[] labels;

    @BeforeAll
    static void load() throws IOException {
        graph = OnnxImporter.load(SharedFolder.model("lenet5.onnx"));
        calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 1000, 0L, NORMALIZATION);
        DataSource test = DataSources.open("fashion-mnist", Split.TEST);
        images = test.batch(0, test.size(), NORMALIZATION);
        labels = test.labels();
    }

    private static PrecisionConfig config(int bits) {
        Map<String, Precision> layers = new LinkedHashMap<>();
        List<Layer> all = graph.layers();
        for (int i = 0; i < all.size(); i++) {
            String activations = (i == 0 ? "int" : "uint") + bits;
            layers.put(
                    all.get(i).name(),
                    new Precision(
                            QuantizerSpec.weights(NumberFormat.parse("int" + bits)),
                            QuantizerSpec.activations(NumberFormat.parse(activations)),
                            32));
        }
        return new PrecisionConfig(Precision.FLOAT, layers);
    }

    @ParameterizedTest
    @CsvSource({"8, 0.995", "4, 0.98"})
    void agreesWithFakeQuantization(int bits, double minAgreement) {
        var quantized = FakeQuantization.apply(graph, config(bits), calibration);
        int[] fake = Classification.predictions(
                FloatEngine.builder(quantized.graph()).threads(2).build().predict(images));
        int[] integer =
                Classification.predictions(IntegerEngine.of(graph, quantized).predict(images));
        int agree = 0;
        for (int i = 0; i < labels.length; i++) {
            agree += fake[i] == integer[i] ? 1 : 0;
        }
        double agreement = (double) agree / labels.length;
        double fakeAccuracy = (double) Classification.correct(fake, labels, 0) / labels.length;
        double integerAccuracy = (double) Classification.correct(integer, labels, 0) / labels.length;
        System.out.printf(
                "W%dA%d: agreement %.4f, fake-quant accuracy %.4f, integer accuracy %.4f%n",
                bits, bits, agreement, fakeAccuracy, integerAccuracy);
        assertTrue(agreement >= minAgreement, "agreement " + agreement);
        assertEquals(fakeAccuracy, integerAccuracy, 0.003);
    }
}
