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
 * The paired FMA paths on the zoo's resnet8 and the MobileNetV3-style export at W2A2 and W4A4 (the
 * first layer's input signed, later ones unsigned, calibrated on 200 Fashion-MNIST train images): the
 * engine with every kernel allowed puts layers on {@link KernelPath#FMA_PAIRED}, the engine forced onto
 * {@link KernelPath#FMA_IMAGE_PAIRED} puts layers there, and both give, on 64 test images, exactly
 * the logits of the engine forced onto the int32 reference kernels (int8).
 */
class IntegerEnginePairedModelsTest {
    private static final Normalization NORMALIZATION = new Normalization(0.2860f, 0.3530f);

    @ParameterizedTest(name = "{0} at W{1}A{1}")
    @CsvSource({"resnet8, 2", "resnet8, 4", "mobilenetv3, 2", "mobilenetv3, 4"})
    void pairedPathGivesTheInt8PathsLogitsExactly(String model, int bits) {
        Graph graph = model.equals("resnet8")
                ? ModelZoo.build("resnet8", false, 3)
                : OnnxImporter.load(ExportedModels.model(ExportedModels.MOBILENETV3));
        Tensor calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 200, 0L, NORMALIZATION);
        Tensor images = DataSources.open("fashion-mnist", Split.TEST).batch(0, 64, NORMALIZATION);
        QuantizedGraph quantized = FakeQuantization.apply(graph, IntegerConfigs.uniform(graph, bits), calibration);
        IntegerEngine fast = IntegerEngine.builder(graph, quantized).threads(2).build();
        IntegerEngine int8 = IntegerEngine.builder(graph, quantized)
                .threads(1)
                .bitSerial(false)
                .int16(false)
                .fma(false)
                .build();
        IntegerEngine imagePaired = IntegerEngine.builder(graph, quantized)
                .threads(2)
                .path(KernelPath.FMA_IMAGE_PAIRED)
                .build();
        assertTrue(
                fast.kernels().containsValue(KernelPath.FMA_PAIRED),
                fast.kernels().toString());
        assertTrue(
                imagePaired.kernels().containsValue(KernelPath.FMA_IMAGE_PAIRED),
                imagePaired.kernels().toString());
        float[] expected = int8.predict(images).data();
        assertArrayEquals(expected, fast.predict(images).data());
        assertArrayEquals(expected, imagePaired.predict(images).data());
    }
}
