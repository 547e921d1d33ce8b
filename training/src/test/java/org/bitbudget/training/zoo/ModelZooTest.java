package org.bitbudget.training.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.BatchNormFolding;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxExporter;
import org.bitbudget.onnx.OnnxImporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The zoo's models build, export deterministically, fold BatchNorm without changing their logits
 * (beyond float rounding), and run in ONNX Runtime with BitBudget's logits.
 */
class ModelZooTest {
    private static Tensor images(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n * 28 * 28];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 0.5);
        }
        return Tensor.of(Shape.of(n, 1, 28, 28), v);
    }

    /** BatchNorm statistics away from the identity, so folding has something to fold. */
    private static Graph withRandomStatistics(Graph g) {
        SplittableRandom r = new SplittableRandom(5);
        Map<String, Tensor> init = new LinkedHashMap<>(g.initializers());
        init.replaceAll((name, t) -> {
            if (!name.contains(".bn.")) {
                return t;
            }
            float[] v = new float[t.data().length];
            for (int i = 0; i < v.length; i++) {
                v[i] = name.endsWith("running_var") || name.endsWith("weight")
                        ? (float) (0.5 + r.nextDouble())
                        : (float) (r.nextDouble() - 0.5);
            }
            return Tensor.of(t.shape(), v);
        });
        return new Graph(g.name(), g.opset(), g.inputs(), g.outputs(), init, g.nodes(), g.metadata());
    }

    @ParameterizedTest
    @CsvSource({"lenet5,5", "resnet8,10", "dwsep,6"})
    void buildsWithTheDocumentedLayers(String arch, int layers) {
        assertEquals(layers, ModelZoo.build(arch, true, 1).layers().size());
        assertEquals(layers, ModelZoo.build(arch, false, 1).layers().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lenet5", "resnet8", "dwsep"})
    void foldingAndExportKeepTheLogits(String arch) throws Exception {
        Graph g = withRandomStatistics(ModelZoo.build(arch, true, 3));
        Tensor x = images(5, 9);
        Tensor before = FloatEngine.builder(g).threads(1).build().predict(x);

        Graph folded = BatchNormFolding.fold(g);
        assertTrue(folded.nodes().stream().noneMatch(n -> n.op() instanceof Op.BatchNorm), "BatchNorm left");
        byte[] onnx = OnnxExporter.toBytes(folded, Map.of("bitbudget.normalize", "0.286,0.353"));
        Graph back = OnnxImporter.parse(onnx, arch + ".onnx");
        assertEquals("0.286,0.353", back.metadata().get("bitbudget.normalize"));
        Tensor after = FloatEngine.builder(back).threads(1).build().predict(x);
        assertClose(before.data(), after.data(), 1e-4, arch + " folded");

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
                OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), new long[] {5, 1, 28, 28});
                OrtSession.Result r = session.run(Map.of("input", in))) {
            float[][] ort = (float[][]) r.get(0).getValue();
            float[] flat = new float[50];
            for (int i = 0; i < 5; i++) {
                System.arraycopy(ort[i], 0, flat, i * 10, 10);
            }
            assertClose(after.data(), flat, 1e-4, arch + " vs ONNX Runtime");
        }
    }

    @ParameterizedTest
    @CsvSource({"lenet5,5", "resnet8,10", "dwsep,6"})
    void anExportWithUnfoldedBatchNormIsFoldedAtImport(String arch, int layers) {
        Graph g = withRandomStatistics(ModelZoo.build(arch, true, 3));
        Tensor x = images(5, 9);
        float[] before = FloatEngine.builder(g).threads(1).build().predict(x).data();

        Graph imported = OnnxImporter.parse(OnnxExporter.toBytes(g, Map.of()), arch + ".onnx");
        assertTrue(imported.nodes().stream().noneMatch(n -> n.op() instanceof Op.BatchNorm), "BatchNorm left");
        assertEquals(layers, imported.layers().size());
        Graph folded = BatchNormFolding.fold(g);
        for (Layer l : imported.layers()) {
            assertArrayEquals(
                    folded.initializers().get(l.weightName()).data(),
                    imported.initializers().get(l.weightName()).data(),
                    l.name());
        }
        // Folding only reorders float rounding: within 1e-5 of the largest logit.
        float[] after =
                FloatEngine.builder(imported).threads(1).build().predict(x).data();
        double scale = 0;
        for (float v : before) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertClose(before, after, 1e-5 * scale, arch + " folded at import");
    }

    @ParameterizedTest
    @ValueSource(strings = {"lenet5", "resnet8", "dwsep"})
    void theSameSeedGivesTheSameBytes(String arch) {
        byte[] a = OnnxExporter.toBytes(BatchNormFolding.fold(ModelZoo.build(arch, true, 11)), Map.of("k", "v"));
        byte[] b = OnnxExporter.toBytes(BatchNormFolding.fold(ModelZoo.build(arch, true, 11)), Map.of("k", "v"));
        byte[] c = OnnxExporter.toBytes(BatchNormFolding.fold(ModelZoo.build(arch, true, 12)), Map.of("k", "v"));
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    private static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, what + " value " + i);
        }
    }
}
