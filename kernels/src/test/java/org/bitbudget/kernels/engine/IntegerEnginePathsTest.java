package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.model.data.Classification;
import org.bitbudget.model.data.DataSource;
import org.bitbudget.model.data.DataSources;
import org.bitbudget.model.data.Normalization;
import org.bitbudget.model.data.Split;
import org.bitbudget.model.engine.FloatEngine;
import org.bitbudget.model.graph.Graph;
import org.bitbudget.model.graph.Layer;
import org.bitbudget.model.onnx.OnnxImporter;
import org.bitbudget.model.precision.Calibration;
import org.bitbudget.model.precision.FakeQuantization;
import org.bitbudget.model.precision.FakeQuantization.QuantizedGraph;
import org.bitbudget.model.precision.Precision;
import org.bitbudget.model.precision.PrecisionConfig;
import org.bitbudget.model.quant.NumberFormat;
import org.bitbudget.model.quant.QuantizerSpec;
import org.bitbudget.model.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The kernel paths of the integer engine on the reference LeNet-5 and 1,000 Fashion-MNIST test
 * images. The integer arithmetic of a layer does not depend on which kernel sums its products, so
 * the engine with bit-serial and int16 allowed must give exactly the logits of the engine forced
 * onto the int8 kernels, while really choosing the narrower kernels where the config allows (all
 * layers but c1, whose 6 channels do not fill a bit-serial vector); and
 * both must agree with the fake-quant float engine on top-1 for at least 98% of the images.
 */
class IntegerEnginePathsTest {
    private static final Normalization NORMALIZATION = new Normalization(0.2860f, 0.3530f);
    private static Graph graph;
    private static Tensor calibration;
    private static Tensor images;

    @BeforeAll
    static void load() throws IOException {
        graph = OnnxImporter.load(SharedFolder.model("lenet5.onnx"));
        calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 500, 0L, NORMALIZATION);
        DataSource test = DataSources.open("fashion-mnist", Split.TEST);
        images = test.batch(0, 1000, NORMALIZATION);
    }

    /** Weights in {@code weights} everywhere; the first layer's input signed, later inputs unsigned. */
    private static PrecisionConfig config(String weights, int activationBits) {
        Map<String, Precision> layers = new LinkedHashMap<>();
        List<Layer> all = graph.layers();
        for (int i = 0; i < all.size(); i++) {
            String activations = (i == 0 ? "int" : "uint") + activationBits;
            layers.put(all.get(i).name(), new Precision(QuantizerSpec.weights(NumberFormat.parse(weights)),
                    QuantizerSpec.activations(NumberFormat.parse(activations)), 32));
        }
        return new PrecisionConfig(Precision.FLOAT, layers);
    }

    @ParameterizedTest(name = "{0} weights, {1}-bit activations")
    @CsvSource({"int2, 2, BIT_SERIAL, 4", "int2, 4, BIT_SERIAL, 4", "binary, 4, BIT_SERIAL, 4",
            "int4, 4, INT16, 5", "int8, 8, INT8, 5", "fp4-e2m1, 8, INT16, 1"})
    void everyPathGivesTheInt8PathsLogitsExactly(String weights, int activationBits, KernelPath expectedPath,
                                                 int layersOnPath) {
        QuantizedGraph quantized = FakeQuantization.apply(graph, config(weights, activationBits), calibration);
        IntegerEngine fast = IntegerEngine.builder(graph, quantized).threads(2).build();
        IntegerEngine int8 = IntegerEngine.builder(graph, quantized).threads(1).bitSerial(false).int16(false).build();
        long onPath = fast.kernels().values().stream().filter(p -> p == expectedPath).count();
        assertEquals(layersOnPath, onPath, "layers on " + expectedPath + ": " + fast.kernels());
        assertTrue(int8.kernels().values().stream().allMatch(p -> p == KernelPath.INT8), int8.kernels().toString());

        Tensor logits = fast.predict(images);
        assertArrayEquals(int8.predict(images).data(), logits.data());

        int[] fake = Classification.predictions(FloatEngine.of(quantized.graph()).predict(images));
        int[] integer = Classification.predictions(logits);
        int agree = 0;
        for (int i = 0; i < fake.length; i++) {
            agree += fake[i] == integer[i] ? 1 : 0;
        }
        assertTrue(agree >= 980, agree + " of 1000 agree with fake quantization");
    }
}
