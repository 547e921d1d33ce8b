package org.bitbudget.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.precision.PrecisionConfigs;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.testsupport.ModelBuilder;
import org.bitbudget.testsupport.PaddleStyleModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model written as paddle2onnx writes one ({@link PaddleStyleModel}: opset 9, Constant-node
 * weights, unfolded BatchNorms, HardSigmoid, dynamic height and width, a flatten computed from the
 * shape) loads with its BatchNorms folded, runs with ONNX Runtime's logits for several image sizes,
 * and quantizes.
 */
class PaddleStyleModelTest {
    private static final byte[] ONNX = PaddleStyleModel.bytes(3, 11);

    private static Graph load(int height, int width) {
        return InputShapes.bind(
                OnnxImporter.parse(ONNX, "paddle.onnx"),
                Map.of(PaddleStyleModel.INPUT, new int[] {1, 3, height, width}));
    }

    private static Tensor images(long seed, int batch, int height, int width) {
        return Tensor.of(
                Shape.of(batch, 3, height, width), ModelBuilder.gaussian(seed, batch * 3 * height * width, 1f));
    }

    private static Tensor ours(Graph g, Tensor x) {
        return FloatEngine.builder(g)
                .threads(1)
                .build()
                .run(Map.of(PaddleStyleModel.INPUT, x))
                .get(PaddleStyleModel.OUTPUT + ":0");
    }

    static Tensor onnxRuntime(byte[] onnx, Tensor x) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] dims = Arrays.stream(x.shape().dims()).asLongStream().toArray();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(onnx, options);
                OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), dims);
                OrtSession.Result result = session.run(Map.of(PaddleStyleModel.INPUT, in))) {
            OnnxTensor out = (OnnxTensor) result.get(0);
            FloatBuffer buffer = out.getFloatBuffer();
            float[] values = new float[buffer.remaining()];
            buffer.get(values);
            return Tensor.of(Shape.of(out.getInfo().getShape()), values);
        }
    }

    private static float maxAbsDifference(Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape().dims(), actual.shape().dims());
        float max = 0;
        for (int k = 0; k < expected.data().length; k++) {
            max = Math.max(max, Math.abs(expected.data()[k] - actual.data()[k]));
        }
        return max;
    }

    @Test
    void loadsWithEveryBatchNormFoldedIntoItsConv() {
        Graph folded = load(32, 48);
        Graph unfolded = InputShapes.bind(
                OnnxImporter.parseUnfolded(ONNX, "paddle.onnx"),
                Map.of(PaddleStyleModel.INPUT, new int[] {1, 3, 32, 48}));

        assertEquals(
                PaddleStyleModel.LAYERS,
                folded.layers().stream().map(Layer::name).toList());
        assertEquals(
                PaddleStyleModel.LAYERS,
                unfolded.layers().stream().map(Layer::name).toList(),
                "Constant-node weights are layers' weights before any folding");
        assertTrue(folded.nodes().stream().noneMatch(n -> n.op() instanceof Op.BatchNorm));
        assertTrue(folded.nodes().stream().noneMatch(n -> n.op().type().equals("Constant")));
        // The flatten's Shape → Cast → Slice → Concat → Cast chain folds into Reshape's target [0, -1].
        assertEquals(
                List.of(
                        "Conv",
                        "HardSigmoid",
                        "Mul",
                        "Conv",
                        "Relu",
                        "Conv",
                        "Clip",
                        "GlobalAveragePool",
                        "Conv",
                        "Relu",
                        "Conv",
                        "HardSigmoid",
                        "Mul",
                        "Upsample",
                        "Conv",
                        "Relu",
                        "GlobalAveragePool",
                        "Reshape",
                        "MatMul",
                        "Add",
                        "Relu",
                        "Gemm",
                        "Identity"),
                folded.nodes().stream().map(n -> n.op().type()).toList());
        Node flatten = folded.nodes().get(17);
        assertArrayEquals(
                new float[] {0, -1}, folded.initializers().get(flatten.input(1)).data());
        assertEquals(
                PaddleStyleModel.BATCH_NORMS,
                unfolded.nodes().stream()
                        .filter(n -> n.op() instanceof Op.BatchNorm)
                        .map(Node::name)
                        .toList());
        assertEquals(
                unfolded.nodes().size() - PaddleStyleModel.BATCH_NORMS.size(),
                folded.nodes().size(),
                "folding removes the BatchNorms and nothing else");

        // conv2d_0's output channel 5, by hand: W' = W · γ/√(σ²+ε), b' = −μ · γ/√(σ²+ε) + β.
        Layer conv = folded.layers().getFirst();
        assertEquals("conv2d_0.w_0:0.folded_bias", conv.biasName());
        Map<String, Tensor> raw = unfolded.initializers();
        int c = 5;
        double k = raw.get("batch_norm_0.w_0:0").data()[c]
                / Math.sqrt((double) raw.get("batch_norm_0.w_2:0").data()[c] + 1e-5f);
        float[] w = raw.get("conv2d_0.w_0:0").data();
        float[] wf = folded.initializers().get(conv.weightName()).data();
        for (int i = c * 27; i < (c + 1) * 27; i++) {
            assertEquals((float) (w[i] * k), wf[i]);
        }
        assertEquals(
                (float) (-raw.get("batch_norm_0.w_1:0").data()[c] * k
                        + raw.get("batch_norm_0.b_0:0").data()[c]),
                folded.initializers().get(conv.biasName()).data()[c]);
        // The depthwise conv stays depthwise: one input channel per group.
        assertArrayEquals(
                new int[] {8, 1, 3, 3}, folded.layers().get(1).weightShape().dims());
    }

    @Test
    void floatEngineMatchesOnnxRuntimeAtSeveralImageSizes() throws OrtException {
        int[][] sizes = {{2, 32, 48}, {3, 48, 24}, {1, 17, 33}};
        for (int[] s : sizes) {
            Tensor x = images(s[1] * 100L + s[2], s[0], s[1], s[2]);
            float diff = maxAbsDifference(onnxRuntime(ONNX, x), ours(load(s[1], s[2]), x));
            assertTrue(diff <= 1e-4f, Arrays.toString(s) + ": max |ours − ONNX Runtime| = " + diff);
        }
    }

    @Test
    void quantizesAtW8A8AndTheWeightOnlyExportRunsInOnnxRuntime(@TempDir Path dir) throws Exception {
        Graph g = load(32, 32);
        Tensor calibration = images(5, 16, 32, 32);
        QuantizedGraph w8a8 = FakeQuantization.apply(
                g,
                PrecisionConfigs.parse(
                        "{\"default\": {\"weights\": \"int8\", \"activations\": \"int8\"}}", "w8a8.json", false),
                calibration);
        assertEquals(
                PaddleStyleModel.LAYERS.size(),
                w8a8.graph().nodes().stream()
                        .filter(n -> n.op() instanceof Op.FakeQuantize)
                        .count());
        Tensor x = images(6, 4, 32, 32);
        Tensor reference = ours(g, x);
        Tensor quantized = ours(w8a8.graph(), x);
        float scale = 0;
        for (float v : reference.data()) {
            scale = Math.max(scale, Math.abs(v));
        }
        float error = maxAbsDifference(reference, quantized);
        // Eight bits keep the logits within a few percent of their range, and do change them.
        assertTrue(error > 0 && error < 0.05f * scale, "W8A8 error " + error + " of logits up to " + scale);

        // Weight-only int8 written back into the file: the folded, quantized weights and no BatchNorm.
        QuantizedGraph w8 = FakeQuantization.apply(
                g, PrecisionConfigs.parse("{\"default\": {\"weights\": \"int8\"}}", "w8.json", false), null);
        Path file = dir.resolve("paddle.onnx");
        Files.write(file, ONNX);
        Set<String> changed = new LinkedHashSet<>();
        w8.layers().forEach(l -> changed.add(l.layer().weightName()));
        byte[] exported = FakeQuantizedExport.export(file, w8.graph(), changed, Map.of());
        Tensor expected = ours(w8.graph(), x);
        float diff = maxAbsDifference(expected, onnxRuntime(exported, x));
        assertTrue(diff <= 1e-4f, "exported int8 model: max |ours − ONNX Runtime| = " + diff);
        Graph back = InputShapes.bind(
                OnnxImporter.parse(exported, "back.onnx"), Map.of(PaddleStyleModel.INPUT, new int[] {1, 3, 32, 32}));
        assertFalse(back.nodes().stream().anyMatch(n -> n.op() instanceof Op.BatchNorm));
        assertEquals(
                List.copyOf(PaddleStyleModel.LAYERS),
                back.layers().stream().map(Layer::name).toList());
        assertTrue(maxAbsDifference(expected, ours(back, x)) <= 1e-5f);
    }
}
