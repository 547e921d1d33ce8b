package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitbudget.data.Calibration;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ExportedModels;
import org.bitbudget.training.zoo.ModelZoo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link KernelPath#FMA_BLOCKED} on the zoo's resnet8 and the MobileNetV3-style export at W8A8, W4A4
 * and W2A2 (the first layer's input signed, later ones unsigned, calibrated on 200 Fashion-MNIST train
 * images): the engine forced onto the blocked path puts its convolutions there, and gives, on 67 test
 * images (two chunks, the second odd), exactly the logits of the engine forced onto the int32
 * reference kernels (int8); at W2A2 so does the engine forced onto
 * {@link KernelPath#FMA_BLOCKED_IMAGE_PAIRED}, two images per lane.
 */
class IntegerEngineBlockedModelsTest {
    private static final Normalization NORMALIZATION = new Normalization(0.2860f, 0.3530f);

    @ParameterizedTest(name = "{0} at W{1}A{1}")
    @CsvSource({"resnet8, 8", "resnet8, 4", "resnet8, 2", "mobilenetv3, 8", "mobilenetv3, 4", "mobilenetv3, 2"})
    void blockedPathGivesTheInt8PathsLogitsExactly(String model, int bits) {
        Graph graph = model.equals("resnet8")
                ? ModelZoo.build("resnet8", false, 3)
                : OnnxImporter.load(ExportedModels.model(ExportedModels.MOBILENETV3));
        Tensor calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 200, 0L, NORMALIZATION);
        Tensor images = DataSources.open("fashion-mnist", Split.TEST).batch(0, 67, NORMALIZATION);
        QuantizedGraph quantized = FakeQuantization.apply(graph, IntegerConfigs.uniform(graph, bits), calibration);
        IntegerEngine int8 = IntegerEngine.builder(graph, quantized)
                .threads(1)
                .bitSerial(false)
                .int16(false)
                .fma(false)
                .build();
        IntegerEngine blocked = IntegerEngine.builder(graph, quantized)
                .threads(2)
                .path(KernelPath.FMA_BLOCKED)
                .build();
        assertTrue(
                blocked.kernels().containsValue(KernelPath.FMA_BLOCKED),
                blocked.kernels().toString());
        float[] expected = int8.predict(images).data();
        assertArrayEquals(expected, blocked.predict(images).data());
        if (bits == 2) {
            IntegerEngine pairs = IntegerEngine.builder(graph, quantized)
                    .threads(2)
                    .path(KernelPath.FMA_BLOCKED_IMAGE_PAIRED)
                    .build();
            assertTrue(
                    pairs.kernels().containsValue(KernelPath.FMA_BLOCKED_IMAGE_PAIRED),
                    pairs.kernels().toString());
            assertArrayEquals(expected, pairs.predict(images).data());
        }
    }
}
