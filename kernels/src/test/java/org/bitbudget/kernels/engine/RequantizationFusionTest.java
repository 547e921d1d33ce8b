package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bitbudget.data.Calibration;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.kernels.requant.RequantizationThresholds;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ExportedModels;
import org.bitbudget.training.zoo.ModelZoo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The plan's requantizations on thresholds ({@link Step.Requantize#thresholds}) and the layers that
 * hand them their sums ({@link RequantizationFusion}) give, step by step, exactly the codes of the
 * same plan with every requantization on its fixed-point multipliers and every layer scaled: the zoo's
 * resnet8 and the MobileNetV3-style export at W2A2 (the first layer's input signed, later ones
 * unsigned, calibrated on 200 Fashion-MNIST train images), on 33 test images. At W4A4 and W8A8 no
 * requantization has thresholds (wider than {@link RequantizationThresholds#FASTER_UP_TO} codes) and
 * no layer is fused.
 */
class RequantizationFusionTest {
    private static final Normalization NORMALIZATION = new Normalization(0.2860f, 0.3530f);

    @ParameterizedTest(name = "{0} at W{1}A{1}")
    @CsvSource({"resnet8, 2", "resnet8, 4", "resnet8, 8", "mobilenetv3, 2", "mobilenetv3, 4"})
    void thresholdsAndFusedLayersGiveTheMultipliersCodesExactly(String model, int bits) {
        Graph graph = model.equals("resnet8")
                ? ModelZoo.build("resnet8", false, 3)
                : OnnxImporter.load(ExportedModels.model(ExportedModels.MOBILENETV3));
        Tensor calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 200, 0L, NORMALIZATION);
        Tensor images = DataSources.open("fashion-mnist", Split.TEST).batch(0, 33, NORMALIZATION);
        QuantizedGraph quantized = FakeQuantization.apply(graph, IntegerConfigs.uniform(graph, bits), calibration);
        IntegerEngine engine =
                IntegerEngine.builder(graph, quantized).threads(1).build();
        List<Step> fused = engine.steps();
        List<Step> plain = new ArrayList<>();
        int thresholds = 0;
        int unscaled = 0;
        for (Step step : fused) {
            if (step instanceof Step.Requantize r && r.thresholds() != null) {
                thresholds++;
                plain.add(r.withThresholds(null));
            } else if (step instanceof Step.Layer l && !l.scaled()) {
                unscaled++;
                plain.add(new Step.Layer(l.layer(), l.from(), l.to(), l.lowered()));
            } else {
                plain.add(step);
            }
        }
        if (bits > 2) {
            assertEquals(0, thresholds + unscaled, "no range wider than two bits has thresholds");
        } else {
            assertTrue(thresholds > 0, "requantizations on thresholds");
            assertTrue(unscaled > 0 || model.equals("mobilenetv3"), "layers fused into their requantization");
        }
        int count = images.shape().dim(0);
        float[] pixels = images.data();
        // One plan after the other: both share the layers, whose accumulator buffers each run overwrites.
        Object[] expected = run(plain, engine.slots(), new Step.Images(pixels, 0, count, 1, 28, 28));
        Object[] actual = run(fused, engine.slots(), new Step.Images(pixels, 0, count, 1, 28, 28));
        for (int s = 0; s < fused.size(); s++) {
            if (fused.get(s) instanceof Step.Requantize r) {
                assertArrayEquals((byte[]) expected[r.to()], (byte[]) actual[r.to()], r.layer() + " at step " + s);
            }
        }
    }

    /**
     * A layer whose accumulators have a second reader besides its requantization keeps its scaling:
     * the other reader needs the scaled accumulators. The same plan without the second reader fuses
     * that layer, so the refusal is the second reader's doing.
     */
    @Test
    void aLayerWithASecondReaderIsNotFused() {
        Graph graph = ModelZoo.build("resnet8", false, 3);
        Tensor calibration = Calibration.sample(DataSources.open("fashion-mnist", Split.TRAIN), 200, 0L, NORMALIZATION);
        QuantizedGraph quantized = FakeQuantization.apply(graph, IntegerConfigs.uniform(graph, 2), calibration);
        IntegerEngine engine =
                IntegerEngine.builder(graph, quantized).threads(1).build();
        List<Step> unfused = new ArrayList<>();
        int layerIndex = -1;
        for (Step step : engine.steps()) {
            if (step instanceof Step.Layer l && !l.scaled()) {
                layerIndex = layerIndex < 0 ? unfused.size() : layerIndex;
                unfused.add(new Step.Layer(l.layer(), l.from(), l.to(), l.lowered()));
            } else if (step instanceof Step.Requantize r && r.thresholds() != null) {
                unfused.add(r.withThresholds(RequantizationThresholds.of(
                        r.leftShifts(), r.multipliers(), r.shifts(), r.zeroPoint(), r.min(), r.max())));
            } else {
                unfused.add(step);
            }
        }
        assertTrue(layerIndex >= 0, "resnet8 at W2A2 has a fused layer");
        Step.Layer layer = (Step.Layer) unfused.get(layerIndex);

        List<Step> alone = new ArrayList<>(unfused);
        RequantizationFusion.fuse(alone, -1);
        assertFalse(((Step.Layer) alone.get(layerIndex)).scaled(), "fused with its requantization as only reader");

        List<Step> shared = new ArrayList<>(unfused);
        shared.add(layerIndex + 1, new Step.Flatten("second reader", layer.to(), engine.slots()));
        RequantizationFusion.fuse(shared, -1);
        assertTrue(((Step.Layer) shared.get(layerIndex)).scaled(), "a second reader keeps the layer scaled");
    }

    /** Runs {@code steps} on one chunk; each requantization's codes, copied, in its output slot. */
    private static Object[] run(List<Step> steps, int slots, Step.Images images) {
        Object[] values = new Object[slots];
        Object[] codes = new Object[slots];
        values[0] = images;
        for (Step step : steps) {
            step.run(values);
            if (step instanceof Step.Requantize r) {
                codes[r.to()] = ((Codes) values[r.to()]).data().clone();
            }
        }
        return codes;
    }
}
