package org.bitbudget.ir.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.quant.Clipping;
import org.bitbudget.ir.quant.Granularity;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.SharedModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Weight-only fake quantization of the reference LeNet-5 reproduces the accuracies PyTorch measured
 * ({@code lenet5.expected.json}) on the whole Fashion-MNIST test split: per-channel symmetric
 * {@code max} at 8/4/3/2 bits within ±0.003, and each layer alone at 2 bits within ±0.005; and MSE
 * clipping beats max clipping at 3 and 2 bits.
 */
class Lenet5QuantizationTest {
    private static Graph graph;
    private static JsonNode expected;
    private static Tensor images;
    private static int[] labels;

    @BeforeAll
    static void load() throws IOException {
        graph = OnnxImporter.load(SharedModels.model("lenet5.onnx"));
        expected = new ObjectMapper()
                .readTree(SharedModels.model("lenet5.expected.json").toFile());
        DataSource test = DataSources.open("fashion-mnist", Split.TEST);
        images = test.batch(0, test.size(), new Normalization(0.2860f, 0.3530f));
        labels = test.labels();
    }

    private static double accuracy(PrecisionConfig config) {
        Graph q = FakeQuantization.apply(graph, config, null).graph();
        float[] logits =
                FloatEngine.builder(q).threads(2).build().predict(images).data();
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int c = 1; c < 10; c++) {
                if (logits[i * 10 + c] > logits[i * 10 + best]) {
                    best = c;
                }
            }
            correct += best == labels[i] ? 1 : 0;
        }
        return (double) correct / labels.length;
    }

    private static Precision weights(int bits, Clipping clipping) {
        return new Precision(
                new QuantizerSpec(NumberFormat.parse("int" + bits), Granularity.PER_CHANNEL, clipping, null),
                QuantizerSpec.FLOAT,
                32);
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 4, 3, 2})
    void uniformWeightOnlyMatchesPyTorch(int bits) {
        double want = expected.get("weight_only_per_channel_symmetric")
                .get(Integer.toString(bits))
                .asDouble();
        assertEquals(want, accuracy(PrecisionConfig.uniform(weights(bits, Clipping.MAX))), 0.003);
    }

    @ParameterizedTest
    @ValueSource(strings = {"c1", "c2", "f1", "f2", "f3"})
    void singleLayerTwoBitMatchesPyTorch(String module) {
        String layer = expected.get("onnx_layers").get(module).asText();
        double want = expected.get("single_layer_2bit").get(module).asDouble();
        PrecisionConfig config = new PrecisionConfig(Precision.FLOAT, Map.of(layer, weights(2, Clipping.MAX)));
        assertEquals(want, accuracy(config), 0.005);
    }

    @Test
    void mseClippingBeatsMaxAtThreeAndTwoBits() {
        for (int bits : new int[] {3, 2}) {
            double max = accuracy(PrecisionConfig.uniform(weights(bits, Clipping.MAX)));
            double mse = accuracy(PrecisionConfig.uniform(weights(bits, Clipping.MSE)));
            assertTrue(mse > max, bits + " bits: mse " + mse + " vs max " + max);
        }
    }
}
