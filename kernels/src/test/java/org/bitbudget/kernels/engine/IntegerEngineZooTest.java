package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.training.zoo.ModelZoo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The integer engine on the zoo's residual network (1x1 projection and identity shortcuts: Adds of
 * accumulators with different units, GlobalAveragePool) and depthwise-separable network (depthwise
 * 3x3 convolutions as 16 and 32 one-channel groups, ReLU6 as Clip), freshly initialised, against the
 * fake-quant float engine at W8A8 on 500 Fashion-MNIST test images. The integer engine rounds the
 * residual sums and averages at its accumulator resolution (each channel's finest below 2^30) and rounds
 * requantization ties away from zero where the fake quantizer rounds them to even, so the two are
 * close, not identical: top-1 agreement at least 99% (measured: 100%) and the mean logit difference
 * below 0.2% of the mean |logit| (measured: under 0.01%).
 */
class IntegerEngineZooTest {
    private static final Normalization NORMALIZATION = new Normalization(0.2860f, 0.3530f);

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

    @ParameterizedTest
    @CsvSource({"resnet8", "dwsep"})
    void agreesWithFakeQuantization(String architecture) {
        Graph graph = ModelZoo.build(architecture, false, 3);
        Tensor calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 300, 0L, NORMALIZATION);
        DataSource test = DataSources.open("fashion-mnist", Split.TEST);
        Tensor images = test.batch(0, 500, NORMALIZATION);
        QuantizedGraph quantized = FakeQuantization.apply(graph, w8a8(graph), calibration);
        IntegerEngine engine =
                IntegerEngine.builder(graph, quantized).threads(2).build();
        assertEquals(graph.layers().size(), engine.kernels().size(), "every layer lowered");

        Tensor fake = FloatEngine.of(quantized.graph()).predict(images);
        Tensor integer = engine.predict(images);
        double diff = 0;
        double magnitude = 0;
        for (int i = 0; i < fake.data().length; i++) {
            diff += Math.abs(fake.data()[i] - integer.data()[i]);
            magnitude += Math.abs(fake.data()[i]);
        }
        int[] a = Classification.predictions(fake);
        int[] b = Classification.predictions(integer);
        int agree = 0;
        for (int i = 0; i < a.length; i++) {
            agree += a[i] == b[i] ? 1 : 0;
        }
        System.out.printf(
                "%s W8A8: agreement %d/500, mean |logit difference| / mean |logit| = %.5f%n",
                architecture, agree, diff / magnitude);
        assertTrue(agree >= 495, agree + " of 500 agree");
        assertTrue(diff / magnitude < 0.002, "relative logit difference " + diff / magnitude);
    }
}
