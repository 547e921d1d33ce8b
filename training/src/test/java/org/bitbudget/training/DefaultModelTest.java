package org.bitbudget.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.junit.jupiter.api.Test;

/**
 * The model the project ships ({@code models/lenet5-fashion-mnist.onnx}, made by {@code bitbudget
 * train}) reaches at least 0.90 on the Fashion-MNIST test split with the normalisation stored in its
 * metadata, and ONNX Runtime Java loads it with the same logits (within 1e-4).
 */
class DefaultModelTest {
    private static Path model() {
        Path p = Path.of(System.getProperty("bitbudget.defaultModel", "../models/lenet5-fashion-mnist.onnx"));
        assertTrue(Files.isRegularFile(p), "the bundled default model " + p + " is missing");
        return p;
    }

    @Test
    void reachesNinetyPercentWithItsOwnNormalisation() {
        Graph g = OnnxImporter.load(model());
        Normalization norm = Normalization.parse(g.metadata().get(Normalization.METADATA_KEY));
        DataSource test = DataSources.open("fashion-mnist", Split.TEST);
        Tensor logits = FloatEngine.builder(g).threads(2).build().predict(test.batch(0, test.size(), norm));
        int[] labels = test.labels();
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            int best = 0;
            for (int c = 1; c < 10; c++) {
                if (logits.data()[i * 10 + c] > logits.data()[i * 10 + best]) {
                    best = c;
                }
            }
            correct += best == labels[i] ? 1 : 0;
        }
        double accuracy = (double) correct / test.size();
        assertTrue(accuracy >= 0.90, "test accuracy " + accuracy);
        assertEquals("lenet5", g.metadata().get("bitbudget.arch"));
    }

    @Test
    void onnxRuntimeGivesTheSameLogits() throws Exception {
        Graph g = OnnxImporter.load(model());
        Normalization norm = Normalization.parse(g.metadata().get(Normalization.METADATA_KEY));
        Tensor x = DataSources.open("fashion-mnist", Split.TEST).batch(0, 128, norm);
        float[] ours = FloatEngine.builder(g).threads(1).build().predict(x).data();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model().toString(), new OrtSession.SessionOptions());
                OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), new long[] {128, 1, 28, 28});
                OrtSession.Result r = session.run(Map.of("input", in))) {
            float[][] theirs = (float[][]) r.get(0).getValue();
            for (int i = 0; i < 128; i++) {
                for (int c = 0; c < 10; c++) {
                    assertEquals(theirs[i][c], ours[i * 10 + c], 1e-4, "image " + i + " logit " + c);
                }
            }
        }
    }
}
