package org.bitbudget.kernels.engine;

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
import org.bitbudget.ir.graph.ActivationLayer;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.ActivationQuantization;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.quant.NumberFormat;
import org.bitbudget.ir.quant.QuantizerSpec;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ExportedModels;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch ViT at W8A8 with its attention MatMuls quantized to int4 on both operands (narrow enough
 * that ignoring the quantizers would show) on the integer engine: the MatMuls run in a float island
 * behind their operands' quantizers, {@code kernels()} reports them as FLOAT, and the predictions
 * agree with fake quantization of the same config on all but a few of {@link #IMAGES} test images.
 */
class IntegerEngineActivationLayersTest {
    private static final Normalization FASHION_MNIST = new Normalization(0.2860f, 0.3530f);
    private static final int IMAGES = 500;

    @Test
    void attentionMatMulsRunInFloatIslandsBehindTheirQuantizers() {
        Graph vit = OnnxImporter.load(ExportedModels.model(ExportedModels.VIT));
        Precision w8a8 = new Precision(
                QuantizerSpec.weights(NumberFormat.parse("int8")),
                QuantizerSpec.activations(NumberFormat.parse("int8")),
                32);
        Precision attention =
                new Precision(QuantizerSpec.FLOAT, QuantizerSpec.activations(NumberFormat.parse("int4")), 32);
        PrecisionConfig config = PrecisionConfig.uniform(w8a8);
        for (ActivationLayer l : vit.activationLayers()) {
            config = config.with(l.name(), attention);
        }
        Tensor calibration = DataSources.open("fashion-mnist", Split.TRAIN).batch(0, 256, FASHION_MNIST);
        QuantizedGraph quantized = FakeQuantization.apply(vit, config, calibration);
        IntegerEngine engine = IntegerEngine.builder(vit, quantized).threads(2).build();

        Map<String, KernelPath> kernels = engine.kernels();
        Map<String, String> islands = engine.floatNodes();
        for (ActivationLayer l : vit.activationLayers()) {
            assertEquals(KernelPath.FLOAT, kernels.get(l.name()), l.name());
            for (int i = 0; i < ActivationLayer.OPERANDS; i++) {
                assertEquals(
                        "FakeQuantize",
                        islands.get(ActivationQuantization.quantizerName(l, i)),
                        l.name() + " operand " + i);
            }
        }

        DataSource test = DataSources.open("fashion-mnist", Split.TEST).limit(IMAGES);
        Tensor images = test.batch(0, IMAGES, FASHION_MNIST);
        int[] fake = Classification.predictions(
                FloatEngine.builder(quantized.graph()).threads(2).build().predict(images));
        int[] integer = Classification.predictions(engine.predict(images));
        int same = 0;
        for (int i = 0; i < IMAGES; i++) {
            same += fake[i] == integer[i] ? 1 : 0;
        }
        System.out.printf(
                "ViT W8A8, attention int4: integer engine agrees with fake quant on %d of %d%n", same, IMAGES);
        assertTrue(same >= IMAGES - IMAGES / 200, same + " of " + IMAGES + " predictions agree");
    }
}
