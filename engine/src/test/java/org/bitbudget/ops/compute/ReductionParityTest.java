package org.bitbudget.ops.compute;

import static org.bitbudget.testsupport.ModelBuilder.i;
import static org.bitbudget.testsupport.ModelBuilder.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxExporter;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reductions and LogSoftmax against ONNX Runtime in the forms ONNX's 1.12 backend cases do not
 * cover: opset-18 axes as an input for ReduceMean, ReduceMax and ReduceMin, noop_with_empty_axes,
 * and LogSoftmax's opset-11 2-D coercion at an inner axis. Within 1e-5 relative plus 1e-6 absolute.
 * The opset-13 models are also written back by the exporter and run again by ONNX Runtime.
 */
class ReductionParityTest {
    private static final int[] DIMS = {2, 3, 4, 5};

    /** One single-node model: type, opset, the axes input (null: none), attributes. */
    private record Case(String label, String type, int opset, long[] axes, AttributeProto... attributes) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                        new Case("ReduceMean 18 axes [1, -1]", "ReduceMean", 18, new long[] {1, -1}),
                        new Case(
                                "ReduceMean 18 axes [0, 2] no keepdims",
                                "ReduceMean",
                                18,
                                new long[] {0, 2},
                                i("keepdims", 0)),
                        new Case("ReduceMean 18 no axes", "ReduceMean", 18, null),
                        new Case(
                                "ReduceMean 18 empty axes noop",
                                "ReduceMean",
                                18,
                                new long[0],
                                i("noop_with_empty_axes", 1)),
                        new Case("ReduceMax 18 axes [-2]", "ReduceMax", 18, new long[] {-2}, i("keepdims", 0)),
                        new Case("ReduceMin 18 axes [3, 0]", "ReduceMin", 18, new long[] {3, 0}),
                        new Case("ReduceMax 13 axes [1, 2]", "ReduceMax", 13, null, ints("axes", 1, 2)),
                        new Case("ReduceSum 13 axes [-3]", "ReduceSum", 13, new long[] {-3}, i("keepdims", 0)),
                        new Case("LogSoftmax 11 axis 2", "LogSoftmax", 11, null, i("axis", 2)),
                        new Case("LogSoftmax 13 axis 1", "LogSoftmax", 13, null, i("axis", 1)),
                        new Case("Softmax 11 axis 1", "Softmax", 11, null, i("axis", 1)),
                        new Case("Softmax 13 axis 0", "Softmax", 13, null, i("axis", 0)))
                .map(Arguments::of);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesOnnxRuntime(Case c) throws Exception {
        ModelBuilder b = new ModelBuilder(c.type(), 3).opset(c.opset());
        List<String> inputs = new ArrayList<>(List.of(b.fixedInput("x", DIMS)));
        if (c.axes() != null) {
            inputs.add(b.longs("axes", c.axes()));
        }
        byte[] onnx = b.output(b.node(c.type(), "n", inputs, c.attributes())).bytes();
        float[] values =
                ModelBuilder.gaussian(c.label().hashCode(), Shape.of(DIMS).size(), 2f);
        Tensor ours = FloatEngine.builder(OnnxImporter.parse(onnx, "r.onnx"))
                .threads(1)
                .build()
                .run(Map.of("x", Tensor.of(Shape.of(DIMS), values)))
                .get("n:0");
        compareWithOnnxRuntime(c, onnx, values, ours);
        if (c.opset() == 13) {
            // The exporter writes opset 13: what it writes must still be this operator to ONNX Runtime.
            byte[] exported = OnnxExporter.toBytes(OnnxImporter.parse(onnx, "r.onnx"), Map.of());
            compareWithOnnxRuntime(c, exported, values, ours);
        }
    }

    private static void compareWithOnnxRuntime(Case c, byte[] onnx, float[] values, Tensor ours) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            options.setIntraOpNumThreads(1);
            long[] dims = Arrays.stream(DIMS).asLongStream().toArray();
            try (OrtSession session = env.createSession(onnx, options);
                    OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), dims);
                    OrtSession.Result result = session.run(Map.of("x", in))) {
                OnnxTensor out = (OnnxTensor) result.get(0);
                FloatBuffer buffer = out.getFloatBuffer();
                float[] expected = new float[buffer.remaining()];
                buffer.get(expected);
                assertArrayEquals(
                        Arrays.stream(out.getInfo().getShape())
                                .mapToInt(Math::toIntExact)
                                .toArray(),
                        ours.shape().dims(),
                        c.label() + ": shape");
                for (int k = 0; k < expected.length; k++) {
                    double diff = Math.abs((double) expected[k] - ours.data()[k]);
                    assertTrue(
                            diff <= 1e-5 * Math.abs(expected[k]) + 1e-6,
                            c.label() + ": [" + k + "] is " + ours.data()[k] + ", ONNX Runtime " + expected[k]);
                }
            }
        }
    }
}
