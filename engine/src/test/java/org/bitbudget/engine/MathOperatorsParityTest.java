package org.bitbudget.engine;

import static org.bitbudget.testsupport.ModelBuilder.f;
import static org.bitbudget.testsupport.ModelBuilder.i;
import static org.bitbudget.testsupport.ModelBuilder.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Element-wise functions and reductions against ONNX Runtime where ONNX's backend cases fall short:
 * the six window-function cases of libonnx-testdata 1.12, whose expected data used π = 3.1415 (so
 * the engine's Cos chain is checked here instead), and the forms the backend cases do not cover:
 * the reductions of opset 18 with axes as an input (and {@code noop_with_empty_axes}), Mod with
 * {@code fmod=1} on floats with broadcasting, Dropout of opset 7 and of opset 13 (with its mask) in
 * inference, and Softplus, Softsign and Celu. Values agree to 2e-6 relative: both compute in
 * float, the engine's elementary functions in double rounded once.
 */
class MathOperatorsParityTest {
    private static final int[] X = {2, 3, 4};
    private static final double TOLERANCE = 2e-6;

    static Stream<Arguments> models() {
        return Stream.of(
                model(
                        "ReduceL2 axes input",
                        18,
                        b -> b.output(b.node("ReduceL2", "r", List.of("x", b.longs("axes", -1, 0)), i("keepdims", 0)))),
                model(
                        "ReduceLogSumExp axes input keepdims",
                        18,
                        b -> b.output(b.node("ReduceLogSumExp", "r", List.of("x", b.longs("axes", 1))))),
                model("ReduceProd all axes", 18, b -> b.output(b.node("ReduceProd", "r", List.of("x")))),
                model(
                        "ReduceSumSquare empty axes as no-op",
                        18,
                        b -> b.output(b.node(
                                "ReduceSumSquare", "r", List.of("x", b.longs("axes")), i("noop_with_empty_axes", 1)))),
                model(
                        "ReduceL1 axes attribute",
                        13,
                        b -> b.output(b.node("ReduceL1", "r", List.of("x"), ints("axes", 2, 0), i("keepdims", 0)))),
                model(
                        "Mod fmod broadcast",
                        13,
                        b -> b.output(b.node("Mod", "m", List.of("x", b.weight("d", 4)), i("fmod", 1)))),
                model("Dropout opset 7", 7, b -> b.output(b.node("Dropout", "d", List.of("x"), f("ratio", 0.3f)))),
                model("Dropout opset 13 ratio input with its mask", 13, b -> {
                    b.node(NodeProto.newBuilder()
                            .setOpType("Dropout")
                            .setName("d")
                            .addInput("x")
                            .addInput(b.scalar("ratio", 0.25f))
                            .addOutput("y")
                            .addOutput("mask")
                            .build());
                    b.output("y");
                    b.output(b.node("Cast", "c", List.of("mask"), i("to", 1)));
                }),
                model("Softplus Softsign Celu", 13, b -> {
                    String p = b.node("Softplus", "p", List.of("x"));
                    String s = b.node("Softsign", "s", List.of(p));
                    b.output(b.node("Celu", "c", List.of(s), f("alpha", 0.7f)));
                }));
    }

    private static Arguments model(String name, int opset, Consumer<ModelBuilder> body) {
        ModelBuilder b = new ModelBuilder(name, 7).opset(opset);
        b.fixedInput("x", X);
        body.accept(b);
        return Arguments.of(name, b.bytes());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void matchesOnnxRuntime(String name, byte[] onnx) throws OrtException {
        float[] x = new float[Shape.of(X).size()];
        for (int k = 0; k < x.length; k++) {
            x[k] = (k % 7) * 0.37f - 1.1f;
        }
        Graph graph = OnnxImporter.parse(onnx, name + ".onnx");
        Map<String, Tensor> ours = FloatEngine.of(graph).run(Map.of("x", Tensor.of(Shape.of(X), x)));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor in = OnnxTensor.createTensor(
                env, FloatBuffer.wrap(x), Arrays.stream(X).asLongStream().toArray())) {
            compare(name, onnx, ours, Map.of("x", in));
        }
    }

    /** The expanded window-function cases, run on the size their test data gives (an int32 10). */
    @ParameterizedTest
    @ValueSource(strings = {"blackmanwindow", "hammingwindow", "hannwindow"})
    void windowFunctionsMatchOnnxRuntime(String window) throws OrtException, IOException {
        for (String variant : List.of("_expanded", "_symmetric_expanded")) {
            String name = "test_" + window + variant;
            byte[] onnx = Files.readAllBytes(Path.of("/usr/share/libonnx-testdata/data/node", name, "model.onnx"));
            Graph graph = OnnxImporter.parse(onnx, name + ".onnx");
            Tensor size = Tensor.of(DataType.INT32, Shape.of(), new float[] {10});
            Map<String, Tensor> ours = FloatEngine.of(graph).run(Map.of("x", size));
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OnnxTensor in = OnnxTensor.createTensor(env, 10)) {
                compare(name, onnx, ours, Map.of("x", in));
            }
        }
    }

    private static void compare(String name, byte[] onnx, Map<String, Tensor> ours, Map<String, OnnxTensor> inputs)
            throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession session = env.createSession(onnx, options);
                    OrtSession.Result result = session.run(inputs)) {
                assertEquals(result.size(), ours.size(), name + ": outputs");
                for (Map.Entry<String, OnnxValue> e : result) {
                    OnnxTensor expected = (OnnxTensor) e.getValue();
                    Tensor actual = ours.get(e.getKey());
                    String what = name + ", output " + e.getKey();
                    long[] dims = expected.getInfo().getShape();
                    assertArrayEquals(
                            Arrays.stream(dims).mapToInt(d -> (int) d).toArray(),
                            actual.shape().dims(),
                            what);
                    float[] want = values(expected);
                    for (int k = 0; k < want.length; k++) {
                        assertEquals(
                                want[k],
                                actual.data()[k],
                                TOLERANCE * Math.max(1, Math.abs(want[k])),
                                what + " [" + k + "]");
                    }
                }
            }
        }
    }

    /** The values of a float or bool tensor, bools as 0 and 1. */
    private static float[] values(OnnxTensor t) throws OrtException {
        if (t.getInfo().type == OnnxJavaType.BOOL) {
            ByteBuffer bytes = t.getByteBuffer();
            float[] v = new float[bytes.remaining()];
            for (int k = 0; k < v.length; k++) {
                v[k] = bytes.get() != 0 ? 1 : 0;
            }
            return v;
        }
        FloatBuffer buffer = t.getFloatBuffer();
        float[] v = new float[buffer.remaining()];
        buffer.get(v);
        return v;
    }
}
