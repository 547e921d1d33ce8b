package org.bitbudget.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ExportedModels;
import org.junit.jupiter.api.Test;

/**
 * Single-layer runs on the PyTorch ViT export, whose attention reshapes read {@code b, t, c = x.shape}:
 * the suffix graphs cut through scalars computed by Shape → Gather, which follow no batch, and the
 * output MSE of every layer equals that of plain fake quantization of the whole model.
 */
class ExportedModelSensitivityTest {
    @Test
    void singleLayerRunsOnTheVisionTransformerMatchPlainFakeQuantization() {
        Graph vit = OnnxImporter.load(ExportedModels.model(ExportedModels.VIT));
        DataSource train = DataSources.open("fashion-mnist", Split.TRAIN);
        Precision int4 = SensitivityEstimatorsTest.weights("int4");
        SensitivityProblem p = SensitivityEstimatorsTest.problem(vit, train, 24, List.of(int4));
        SensitivityTable mse = new OutputMseEstimator().estimate(p, ProgressListener.NONE);
        Tensor images = p.images();
        float[] base = FloatEngine.of(vit).predict(images).data();
        for (Layer layer : vit.layers()) {
            PrecisionConfig config = PrecisionConfig.uniform(Precision.FLOAT).with(layer.name(), int4);
            float[] logits = FloatEngine.of(
                            FakeQuantization.apply(vit, config, images).graph())
                    .predict(images)
                    .data();
            double sum = 0;
            for (int i = 0; i < base.length; i++) {
                double d = logits[i] - base[i];
                sum += d * d;
            }
            assertEquals(
                    sum / base.length, mse.score(layer.name(), int4), 1e-6 * (1 + sum / base.length), layer.name());
        }
    }
}
