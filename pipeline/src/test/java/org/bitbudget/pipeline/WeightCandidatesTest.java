package org.bitbudget.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.bitbudget.data.Calibration;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.WeightCalibration;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.quant.Clipping;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.SharedModels;
import org.junit.jupiter.api.Test;

/**
 * Clipping rules and bias correction as candidates: the lists {@link CandidatesPhase#weightCandidates}
 * writes, and candidates settled per layer on the reference LeNet-5 with Fashion-MNIST images.
 */
class WeightCandidatesTest {
    @Test
    void everyFormatGetsEachRuleWithAndWithoutBiasCorrection() {
        assertEquals(
                List.of(
                        "int4",
                        "int4/per-channel/max/bc",
                        "int4/per-channel/auto",
                        "int4/per-channel/auto/bc",
                        "int3",
                        "int3/per-channel/max/bc",
                        "int3/per-channel/auto",
                        "int3/per-channel/auto/bc"),
                CandidatesPhase.weightCandidates(List.of("int4", "int3"), List.of("max", "auto"), "candidate"));
        assertEquals(
                List.of("int4", "int2/per-tensor/max"),
                CandidatesPhase.weightCandidates(List.of("int4", "int2/per-tensor"), List.of(), "off"));
        assertEquals(
                List.of("int4/per-channel/mse/bc"),
                CandidatesPhase.weightCandidates(List.of("int4"), List.of("mse"), "on"));
        SettingException rule = assertThrows(
                SettingException.class,
                () -> CandidatesPhase.weightCandidates(List.of("int4"), List.of("minmax"), "off"));
        assertEquals(Setting.CLIPPING, rule.setting());
        SettingException mode = assertThrows(
                SettingException.class, () -> CandidatesPhase.weightCandidates(List.of("int4"), List.of(), "maybe"));
        assertEquals("bias correction: 'maybe' is not off, on or candidate", mode.getMessage());
    }

    /**
     * Each layer's settled candidate is what settling a config with that layer alone gives; the
     * search space keeps the given labels, and a config of choices holds the settled precisions.
     */
    @Test
    void candidatesAreSettledPerLayer() {
        Graph graph = OnnxImporter.load(SharedModels.model("lenet5.onnx"));
        Tensor calibration = Calibration.sample(
                DataSources.open("fashion-mnist", Split.TRAIN), 200, 3, new Normalization(0.2860f, 0.3530f));
        CandidatesPhase phase = new CandidatesPhase(
                CandidatesPhase.weightCandidates(List.of("int3"), List.of("max", "auto"), "candidate"),
                List.of("float"),
                List.of(32));
        Candidates candidates = phase.run(graph, calibration);
        assertEquals(
                List.of("int3", "int3/per-channel/max/bc", "int3/per-channel/auto", "int3/per-channel/auto/bc"),
                candidates.labels());
        int[] choice = new int[graph.layers().size()];
        java.util.Arrays.fill(choice, 3);
        PrecisionConfig config = candidates.config(choice);
        for (int l = 0; l < graph.layers().size(); l++) {
            Layer layer = graph.layers().get(l);
            assertEquals(candidates.precisions().getFirst(), candidates.precision(l, 0), "int3 needs no settling");
            for (int c = 1; c < 4; c++) {
                Precision asked = candidates.precisions().get(c);
                Precision settled = candidates.precision(l, c);
                assertFalse(settled.weights().needsCalibration(), settled.toString());
                PrecisionConfig alone = WeightCalibration.settle(
                        graph, new PrecisionConfig(Precision.FLOAT, Map.of(layer.name(), asked)), calibration);
                assertEquals(alone.of(layer.name()), settled, layer.name() + " " + asked.label());
            }
            assertEquals(candidates.precision(l, 3), config.of(layer.name()));
            assertTrue(Clipping.AUTO_RULES.contains(
                    config.of(layer.name()).weights().clipping()));
        }
    }
}
