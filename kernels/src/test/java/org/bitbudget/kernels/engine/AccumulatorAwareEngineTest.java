package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.data.Calibration;
import org.bitbudget.data.Classification;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.LayerQuantization;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.PrecisionConfigs;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.AccumulatorAware;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Accumulator-aware codes reach the integer engine on the reference LeNet-5 and 1,000 Fashion-MNIST
 * test images: the engine takes each constrained layer's codes and scales as accumulator-aware
 * quantization chose them (projected, re-scaled or coarser-scaled), so at W8A8 with a 16-bit
 * accumulator and at W4 with 3-bit inputs and a 14-bit accumulator every layer runs on the int16
 * kernel, with exactly the logits of the engine forced onto int32, which agree on top-1 with the
 * fake-quant model on at least 98% of the images. The JSON field {@code accumulator} reaches the layers.
 */
class AccumulatorAwareEngineTest {
    private static final Normalization NORMALIZATION = new Normalization(0.2860f, 0.3530f);
    private static Graph graph;
    private static Tensor calibration;
    private static Tensor images;

    @BeforeAll
    static void load() throws IOException {
        graph = OnnxImporter.load(SharedFolder.model("lenet5.onnx"));
        calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 300, 0L, NORMALIZATION);
        images = DataSources.open("fashion-mnist", Split.TEST).batch(0, 1000, NORMALIZATION);
    }

    private static PrecisionConfig config(String weights, int activationBits, int accumulator) {
        Map<String, Precision> layers = new LinkedHashMap<>();
        List<Layer> all = graph.layers();
        for (int i = 0; i < all.size(); i++) {
            String activations = (i == 0 ? "int" : "uint") + activationBits;
            layers.put(
                    all.get(i).name(),
                    new Precision(
                            QuantizerSpec.weights(NumberFormat.parse(weights)),
                            QuantizerSpec.activations(NumberFormat.parse(activations)),
                            accumulator));
        }
        return new PrecisionConfig(Precision.FLOAT, layers);
    }

    @ParameterizedTest(name = "W{0} with {1}-bit inputs, {2}-bit accumulator")
    @CsvSource({"int8, 8, 16", "int4, 3, 14"})
    void constrainedCodesRunOnTheInt16Kernel(String weights, int activationBits, int accumulator) {
        QuantizedGraph q = FakeQuantization.apply(graph, config(weights, activationBits, accumulator), calibration);
        int constrained = 0;
        for (LayerQuantization lq : q.layers()) {
            assertTrue(lq.accumulator().l1Bits() <= accumulator, lq.layer().name());
            constrained += lq.accumulator().constrainedChannels();
        }
        assertTrue(constrained > 0, "no channel needed constraining");

        IntegerEngine int16 = IntegerEngine.builder(graph, q)
                .threads(2)
                .bitSerial(false)
                .fma(false)
                .build();
        IntegerEngine int32 = IntegerEngine.builder(graph, q)
                .threads(1)
                .bitSerial(false)
                .int16(false)
                .fma(false)
                .build();
        assertTrue(
                int16.kernels().values().stream().allMatch(p -> p == KernelPath.INT16),
                int16.kernels().toString());
        assertTrue(
                int32.kernels().values().stream().allMatch(p -> p == KernelPath.INT8),
                int32.kernels().toString());
        Tensor logits = int16.predict(images);
        assertArrayEquals(int32.predict(images).data(), logits.data());
        int[] fake = Classification.predictions(FloatEngine.of(q.graph()).predict(images));
        int[] ints = Classification.predictions(logits);
        int agree = 0;
        for (int i = 0; i < fake.length; i++) {
            agree += fake[i] == ints[i] ? 1 : 0;
        }
        assertTrue(agree >= 980, agree + " of 1000 agree with fake quantization");
    }

    @Test
    void jsonAccumulatorReachesTheLayers() {
        String json = """
                {"default": {"weights": "int4", "activations": "uint4", "accumulator": 12},
                 "layers": {"/c1/Conv": {"weights": "int4", "activations": "int4", "accumulator": 32}}}""";
        PrecisionConfig config = PrecisionConfigs.parse(json, "a2q.json", false);
        QuantizedGraph q = FakeQuantization.apply(graph, config, calibration);
        assertEquals(null, q.layers().get(0).accumulator());
        for (LayerQuantization lq : q.layers().subList(1, 5)) {
            assertEquals(12, lq.accumulator().accumulatorBits(), lq.layer().name());
            assertEquals(AccumulatorAware.l1Budget(12, 15), lq.accumulator().budget());
            assertTrue(lq.accumulator().l1Bits() <= 12);
        }
    }
}
