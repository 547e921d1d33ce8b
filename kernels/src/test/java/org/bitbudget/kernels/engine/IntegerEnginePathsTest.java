package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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
import org.bitbudget.kernels.bitserial.BitSerialFamily;
import org.bitbudget.onnx.OnnxImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The kernel paths of the integer engine on the reference LeNet-5 and 1,000 Fashion-MNIST test
 * images. The integer arithmetic of a layer does not depend on which kernel sums its products, so
 * the engine on the deterministic rule (measurement off, the default) must give exactly the logits of
 * the engine forced onto the int8 kernels, while really choosing the narrower kernels where the config
 * allows; and
 * both must agree with the fake-quant float engine on top-1 for at least 98% of the images. Which
 * layers go bit-serial depends on the vector width: a layer does when its output channels fill one
 * vector of the bit-serial kernel in use (8 channels at 512 bits, so not c1 with its 6; 4 at 256
 * bits, so all five), and the expectation is computed from that rule, never assumed.
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
            layers.put(
                    all.get(i).name(),
                    new Precision(
                            QuantizerSpec.weights(NumberFormat.parse(weights)),
                            QuantizerSpec.activations(NumberFormat.parse(activations)),
                            32));
        }
        return new PrecisionConfig(Precision.FLOAT, layers);
    }

    @ParameterizedTest(name = "{0} weights, {1}-bit activations: bit-serial where the channels fill a vector")
    @CsvSource({"int2, 2", "int2, 4", "binary, 4"})
    void bitSerialGivesTheInt8PathsLogitsExactly(String weights, int activationBits) {
        int channelsPerVector = BitSerialFamily.get().channelsPerVector();
        Set<String> filling = graph.layers().stream()
                .filter(l -> graph.initializers().get(l.weightName()).shape().dim(QuantizedGraph.channelAxis(l))
                        >= channelsPerVector)
                .map(Layer::name)
                .collect(Collectors.toSet());
        Set<String> onPath = layersOnPathWithInt8Logits(weights, activationBits, false, KernelPath.BIT_SERIAL);
        assertEquals(filling, onPath, "layers on BIT_SERIAL with " + channelsPerVector + " channels per vector");
    }

    /**
     * W4A4 pairs on the four layers whose blocks under the pairing's bound are long enough (the two
     * convolutions two images per lane, the two Gemms two channels), the fifth stays on int16, where
     * every layer goes without the FMA paths; W2A2 pairs everywhere (the three Gemms by channels).
     */
    @ParameterizedTest(name = "{0} weights, {1}-bit activations, FMA {2}")
    @CsvSource({
        "int4, 4, false, INT16, 5",
        "int4, 4, true, FMA_IMAGE_PAIRED, 2",
        "int4, 4, true, FMA_PAIRED, 2",
        "int8, 8, true, FMA, 5",
        "fp4-e2m1, 8, true, INT16, 1",
        "int2, 2, true, FMA_IMAGE_PAIRED, 2",
        "int2, 2, true, FMA_PAIRED, 3"
    })
    void everyPathGivesTheInt8PathsLogitsExactly(
            String weights, int activationBits, boolean fma, KernelPath expectedPath, int layersOnPath) {
        assertEquals(
                layersOnPath,
                layersOnPathWithInt8Logits(weights, activationBits, fma, expectedPath)
                        .size(),
                "layers on " + expectedPath);
    }

    /**
     * Runs the engine with every kernel allowed and the one forced onto int8, checks their logits
     * are equal and agree with fake quantization, and returns the layers the first put on {@code path}.
     * Without {@code fma} the first may not take the FMA paths, which narrow codes would otherwise
     * take before the bit-serial kernel.
     */
    private static Set<String> layersOnPathWithInt8Logits(
            String weights, int activationBits, boolean fma, KernelPath path) {
        QuantizedGraph quantized = FakeQuantization.apply(graph, config(weights, activationBits), calibration);
        IntegerEngine fast =
                IntegerEngine.builder(graph, quantized).threads(2).fma(fma).build();
        IntegerEngine int8 = IntegerEngine.builder(graph, quantized)
                .threads(1)
                .path(KernelPath.INT8)
                .build();
        assertTrue(
                int8.kernels().values().stream().allMatch(p -> p == KernelPath.INT8),
                int8.kernels().toString());

        Tensor logits = fast.predict(images);
        assertArrayEquals(int8.predict(images).data(), logits.data());

        int[] fake =
                Classification.predictions(FloatEngine.of(quantized.graph()).predict(images));
        int[] integer = Classification.predictions(logits);
        int agree = 0;
        for (int i = 0; i < fake.length; i++) {
            agree += fake[i] == integer[i] ? 1 : 0;
        }
        assertTrue(agree >= 980, agree + " of 1000 agree with fake quantization");
        return fast.kernels().entrySet().stream()
                .filter(e -> e.getValue() == path)
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }
}
