package org.bitbudget.ops.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LayerNormalization (opset 17) against ONNX Runtime on a [2, 5, 7] input normalised over the last
 * axis and over the last two, with and without a bias: Y, Mean and InvStdDev must agree within 1e-5
 * relative (plus 1e-6 absolute for values near zero). The input is offset by 3 so the mean is far from
 * zero, where a one-pass variance would lose digits.
 */
class LayerNormalizationParityTest {
    private static final int[] DIMS = {2, 5, 7};

    @ParameterizedTest
    @ValueSource(strings = {"-1 bias", "-2 bias", "2 none", "1 none"})
    void matchesOnnxRuntime(String spec) throws Exception {
        int axis = Integer.parseInt(spec.split(" ")[0]);
        boolean bias = spec.endsWith("bias");
        int first = axis < 0 ? axis + DIMS.length : axis;
        int[] params = Arrays.copyOfRange(DIMS, first, DIMS.length);
        ModelBuilder b = new ModelBuilder("ln", 17 + axis).opset(17);
        String x = b.fixedInput("x", DIMS);
        String scale = b.uniform("scale", 0.5f, 1.5f, params);
        List<String> inputs = bias ? List.of(x, scale, b.uniform("bias", -1f, 1f, params)) : List.of(x, scale);
        b.node(NodeProto.newBuilder()
                .setOpType("LayerNormalization")
                .setName("ln")
                .addAllInput(inputs)
                .addAllOutput(List.of("y", "mean", "inv_std"))
                .addAttribute(ModelBuilder.i("axis", axis))
                .addAttribute(AttributeProto.newBuilder()
                        .setName("epsilon")
                        .setType(AttributeProto.AttributeType.FLOAT)
                        .setF(1e-4f))
                .build());
        byte[] onnx = b.output("y").output("mean").output("inv_std").bytes();

        float[] values = ModelBuilder.gaussian(7 + axis, Shape.of(DIMS).size(), 2f);
        for (int k = 0; k < values.length; k++) {
            values[k] += 3f;
        }
        Tensor input = Tensor.of(Shape.of(DIMS), values);
        Graph graph = OnnxImporter.parse(onnx, "ln.onnx");
        Map<String, Tensor> ours = FloatEngine.builder(graph).threads(1).build().run(Map.of("x", input));

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            options.setIntraOpNumThreads(1);
            long[] dims = Arrays.stream(DIMS).asLongStream().toArray();
            try (OrtSession session = env.createSession(onnx, options);
                    OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), dims);
                    OrtSession.Result result = session.run(Map.of("x", in))) {
                for (String name : List.of("y", "mean", "inv_std")) {
                    OnnxTensor out = (OnnxTensor) result.get(name).orElseThrow();
                    FloatBuffer buffer = out.getFloatBuffer();
                    float[] expected = new float[buffer.remaining()];
                    buffer.get(expected);
                    Tensor actual = ours.get(name);
                    assertArrayEquals(
                            Arrays.stream(out.getInfo().getShape())
                                    .mapToInt(Math::toIntExact)
                                    .toArray(),
                            actual.shape().dims(),
                            spec + ": shape of " + name);
                    for (int k = 0; k < expected.length; k++) {
                        double diff = Math.abs((double) expected[k] - actual.data()[k]);
                        assertTrue(
                                diff <= 1e-5 * Math.abs(expected[k]) + 1e-6,
                                spec + ": " + name + "[" + k + "] is " + actual.data()[k] + ", ONNX Runtime "
                                        + expected[k]);
                    }
                }
            }
        }
    }
}
