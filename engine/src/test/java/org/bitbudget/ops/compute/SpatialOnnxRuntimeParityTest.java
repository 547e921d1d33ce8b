package org.bitbudget.ops.compute;

import static org.bitbudget.testsupport.ModelBuilder.i;
import static org.bitbudget.testsupport.ModelBuilder.ints;
import static org.bitbudget.testsupport.ModelBuilder.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.api.Test;

/**
 * Resize, ConvTranspose and MatMul between two activations against ONNX Runtime on small graphs, in
 * the forms PyTorch exports (bilinear with pytorch_half_pixel or align_corners, nearest with
 * asymmetric floor, attention's batched Q·Kᵀ and A·V with broadcasting). Within 1e-5 · max(1, |value|).
 */
class SpatialOnnxRuntimeParityTest {
    private static Map<String, Tensor> onnxRuntime(byte[] onnx, Map<String, Tensor> inputs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            Map<String, OnnxTensor> in = new LinkedHashMap<>();
            for (var e : inputs.entrySet()) {
                long[] dims = Arrays.stream(e.getValue().shape().dims())
                        .asLongStream()
                        .toArray();
                in.put(
                        e.getKey(),
                        OnnxTensor.createTensor(
                                env, FloatBuffer.wrap(e.getValue().data()), dims));
            }
            try (OrtSession session = env.createSession(onnx, options);
                    OrtSession.Result result = session.run(in)) {
                OnnxTensor out = (OnnxTensor) result.get(0);
                FloatBuffer buffer = out.getFloatBuffer();
                float[] values = new float[buffer.remaining()];
                buffer.get(values);
                return Map.of("y", Tensor.of(Shape.of(out.getInfo().getShape()), values));
            } finally {
                in.values().forEach(OnnxTensor::close);
            }
        }
    }

    /** Runs {@code b}'s model (output "y" from node output {@code y}) in both engines and compares. */
    private static Graph compare(String label, ModelBuilder b, String y, Map<String, Tensor> inputs)
            throws OrtException {
        b.node("Identity", "y", List.of(y));
        b.output("y:0");
        byte[] onnx = b.bytes();
        Graph g = OnnxImporter.parse(onnx, label + ".onnx");
        Tensor ours = FloatEngine.builder(g).threads(1).build().run(inputs).get("y:0");
        Tensor theirs = onnxRuntime(onnx, inputs).get("y");
        assertArrayEquals(theirs.shape().dims(), ours.shape().dims(), label + ": shape");
        for (int k = 0; k < ours.data().length; k++) {
            float e = theirs.data()[k];
            assertEquals(e, ours.data()[k], 1e-5f * Math.max(1f, Math.abs(e)), label + "[" + k + "]");
        }
        return g;
    }

    private static Tensor random(long seed, int... dims) {
        return Tensor.of(
                Shape.of(dims), ModelBuilder.gaussian(seed, Shape.of(dims).size(), 1f));
    }

    @Test
    void resizeAsPyTorchExportsIt() throws OrtException {
        Tensor x = random(1, 1, 2, 5, 7);
        Object[][] cases = {
            {"linear", "pytorch_half_pixel", null, new long[] {1, 2, 9, 4}},
            {"linear", "align_corners", new float[] {1, 1, 2, 3}, null},
            {"linear", "half_pixel", new float[] {1, 1, 0.6f, 0.5f}, null},
            {"nearest", "asymmetric", new float[] {1, 1, 2, 3}, null},
            {"cubic", "half_pixel", new float[] {1, 1, 1.5f, 2}, null}
        };
        for (Object[] c : cases) {
            ModelBuilder b = new ModelBuilder("resize", 1);
            String in = b.fixedInput("x", 1, 2, 5, 7);
            String scales = c[2] == null ? "" : b.floats("scales", new int[] {4}, (float[]) c[2]);
            List<String> inputs =
                    c[3] == null ? List.of(in, "", scales) : List.of(in, "", scales, b.longs("sizes", (long[]) c[3]));
            String y = b.node(
                    "Resize",
                    "r",
                    inputs,
                    s("mode", (String) c[0]),
                    s("coordinate_transformation_mode", (String) c[1]),
                    s("nearest_mode", "floor"));
            compare("Resize " + c[0] + " " + c[1], b, y, Map.of("x", x));
        }
    }

    @Test
    void convTransposeWithGroupsStridesAndOutputPadding() throws OrtException {
        ModelBuilder b = new ModelBuilder("convtranspose", 3);
        String in = b.fixedInput("x", 2, 4, 5, 6);
        String y = b.node(
                "ConvTranspose",
                "ct",
                List.of(in, b.weight("w", 4, 3, 3, 2), b.weight("b", 6)),
                i("group", 2),
                ints("strides", 2, 3),
                ints("pads", 1, 0, 2, 1),
                ints("output_padding", 1, 2),
                ints("dilations", 1, 2));
        Graph g = compare("ConvTranspose", b, y, Map.of("x", random(2, 2, 4, 5, 6)));
        assertEquals(List.of("ct"), g.layers().stream().map(Layer::name).toList());
    }

    @Test
    void matMulBetweenTwoActivationsIsNoWeightedLayer() throws OrtException {
        ModelBuilder b = new ModelBuilder("attention", 4);
        String q = b.fixedInput("q", 2, 3, 4, 5);
        String k = b.fixedInput("kt", 3, 5, 4);
        String v = b.fixedInput("v", 2, 1, 4, 6);
        String scores = b.node("MatMul", "qk", List.of(q, k));
        String scaled = b.node("Mul", "scale", List.of(scores, b.scalar("s", 0.5f)));
        String attention = b.node("Softmax", "softmax", List.of(scaled), i("axis", -1));
        String out = b.node("MatMul", "av", List.of(attention, v));
        String projected = b.node("MatMul", "proj", List.of(out, b.weight("wo", 6, 3)));
        Map<String, Tensor> inputs =
                Map.of("q", random(3, 2, 3, 4, 5), "kt", random(4, 3, 5, 4), "v", random(5, 2, 1, 4, 6));
        Graph g = compare("attention", b, projected, inputs);
        assertEquals(List.of("proj"), g.layers().stream().map(Layer::name).toList());
    }
}
