package org.bitbudget.engine;

import static org.bitbudget.testsupport.ModelBuilder.f;
import static org.bitbudget.testsupport.ModelBuilder.i;
import static org.bitbudget.testsupport.ModelBuilder.ints;
import static org.bitbudget.testsupport.ModelBuilder.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The layout and shape operators against ONNX Runtime in the forms ONNX's backend cases do not cover:
 * the attribute forms of older opsets (Squeeze/Unsqueeze before 13, Slice before 10, Pad before 11,
 * Split before 13), Split's {@code num_outputs} (opset 18), Pad's axes input (opset 18), Slice with
 * clamped bounds and negative steps, Gather on an inner axis with negative indices, and a dynamic
 * flatten's Shape → Gather → Unsqueeze → Concat chain with Cast, Size, Range and ConstantOfShape.
 * Every output is compared exactly: these operators only move values or count.
 */
class LayoutOperatorsParityTest {
    private static final int[] X = {2, 3, 4, 5};

    static Stream<Arguments> models() {
        return Stream.of(
                model("squeeze and unsqueeze as attributes", 11, b -> {
                    String u = b.node("Unsqueeze", "u", List.of("x"), ints("axes", 0, -1));
                    b.output(b.node("Squeeze", "s", List.of(u), ints("axes", 0)));
                }),
                model("squeeze and unsqueeze as inputs", 13, b -> {
                    String u = b.node("Unsqueeze", "u", List.of("x", b.longs("ua", 3, 0)));
                    String q = b.node("Squeeze", "q", List.of(u, b.longs("qa", -3)));
                    b.output(b.node("Squeeze", "all", List.of(q)));
                }),
                model(
                        "slice as attributes",
                        9,
                        b -> b.output(b.node(
                                "Slice",
                                "sl",
                                List.of("x"),
                                ints("starts", -2, 1),
                                ints("ends", 1000, -1),
                                ints("axes", 3, 1)))),
                model(
                        "slice with clamped bounds and negative steps",
                        13,
                        b -> b.output(b.node(
                                "Slice",
                                "sl",
                                List.of(
                                        "x",
                                        b.longs("st", Long.MAX_VALUE, -1, 0),
                                        b.longs("en", Long.MIN_VALUE, -100, 9),
                                        b.longs("ax", 3, -2, 0),
                                        b.longs("sp", -2, -1, 5))))),
                model("pad as attributes", 10, b -> {
                    String c =
                            b.node("Pad", "c", List.of("x"), ints("pads", 0, 1, 2, 0, 0, 0, 1, -1), f("value", 1.5f));
                    String r =
                            b.node("Pad", "r", List.of(c), s("mode", "reflect"), ints("pads", 0, 0, 3, 2, 0, 0, 2, 3));
                    b.output(b.node("Pad", "e", List.of(r), s("mode", "edge"), ints("pads", 1, 0, 0, 1, 0, 2, 1, 0)));
                }),
                model("pad with a constant and axes as inputs", 18, b -> {
                    String c = b.node(
                            "Pad",
                            "c",
                            List.of("x", b.longs("p", 1, -1, 2, 3), b.scalar("v", -2f), b.longs("a", 1, -1)));
                    b.output(b.node(
                            "Pad", "r", List.of(c, b.longs("p2", 0, 0, 1, 2, 0, 0, 3, 1), ""), s("mode", "reflect")));
                }),
                model(
                        "split as attribute",
                        11,
                        b -> split(b, NodeProto.newBuilder().addAttribute(ints("split", 1, 2)), 2, 2)),
                model(
                        "split as input",
                        13,
                        b -> split(b, NodeProto.newBuilder().addInput(b.longs("sz", 1, 0, 2)), 3, 3)),
                model("split by num_outputs", 18, b -> {
                    String t = b.node("Tile", "t", List.of("x", b.longs("rep", 1, 1, 1, 2)));
                    split(b, NodeProto.newBuilder().addAttribute(i("num_outputs", 3)), 3, 3, t);
                }),
                model("transpose, gather, expand and tile", 13, b -> {
                    String t = b.node("Transpose", "t", List.of("x"), ints("perm", 2, 0, 3, 1));
                    String g = b.node("Gather", "g", List.of(t, b.longs("idx", -1, 0, 1, -1)), i("axis", 2));
                    String e = b.node("Expand", "e", List.of(g, b.longs("shape", 2, 1, 1, 1, 1)));
                    String tt = b.node("Transpose", "tt", List.of(e));
                    b.output(b.node("Tile", "ti", List.of(tt, b.longs("reps", 1, 2, 1, 1, 2))));
                }),
                model("a dynamic flatten's shape arithmetic", 15, b -> {
                    String shape = b.node("Shape", "sh", List.of("x"));
                    String n = b.node("Gather", "n", List.of(shape, b.longs("zero", 0)), i("axis", 0));
                    String tail = b.node("Shape", "tail", List.of("x"), i("start", -3), i("end", -1));
                    String size = b.node("Size", "size", List.of("x"));
                    String sizeVec = b.node("Unsqueeze", "sv", List.of(size, b.longs("ua", 0)));
                    String cat = b.node("Concat", "cat", List.of(n, tail, sizeVec), i("axis", 0));
                    String ints32 = b.node("Cast", "c32", List.of(cat), i("to", 6));
                    String filled = b.node("ConstantOfShape", "cs", List.of(b.longs("cshape", 2, 3)));
                    b.output(b.node("Cast", "cf", List.of(ints32), i("to", 1)));
                    b.output(filled);
                    String range = b.node(
                            "Range", "rg", List.of(b.scalar("r0", 7f), b.scalar("r1", -2f), b.scalar("rd", -2.5f)));
                    String bools = b.node("Cast", "rb", List.of(range), i("to", 9));
                    b.output(b.node("Cast", "rf", List.of(bools), i("to", 1)));
                }));
    }

    /** A Split of the input along axis 1 into {@code parts} outputs, of which the first {@code kept} are outputs. */
    private static void split(ModelBuilder b, NodeProto.Builder node, int parts, int kept) {
        split(b, node, parts, kept, "x");
    }

    private static void split(ModelBuilder b, NodeProto.Builder node, int parts, int kept, String input) {
        List<String> extra = node.getInputList();
        node.clearInput().addInput(input).addAllInput(extra).setOpType("Split").setName("split");
        node.addAttribute(i("axis", input.equals("x") ? 1 : -1));
        for (int p = 0; p < parts; p++) {
            node.addOutput("part" + p);
        }
        b.node(node.build());
        for (int p = 0; p < kept; p++) {
            b.output("part" + p);
        }
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
            x[k] = k * 0.25f - 7;
        }
        Graph graph = OnnxImporter.parse(onnx, name + ".onnx");
        Map<String, Tensor> ours = FloatEngine.of(graph).run(Map.of("x", Tensor.of(Shape.of(X), x)));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession session = env.createSession(onnx, options);
                    OnnxTensor in = OnnxTensor.createTensor(
                            env,
                            FloatBuffer.wrap(x),
                            Arrays.stream(X).asLongStream().toArray());
                    OrtSession.Result result = session.run(Map.of("x", in))) {
                assertEquals(result.size(), ours.size(), name + ": outputs");
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : result) {
                    OnnxTensor expected = (OnnxTensor) e.getValue();
                    Tensor actual = ours.get(e.getKey());
                    String what = name + ", output " + e.getKey();
                    long[] dims = expected.getInfo().getShape();
                    assertArrayEquals(
                            Arrays.stream(dims).mapToInt(d -> (int) d).toArray(),
                            actual.shape().dims(),
                            what);
                    assertArrayEquals(values(expected), actual.data(), what);
                }
            }
        }
    }

    private static float[] values(OnnxTensor t) {
        FloatBuffer buffer = t.getFloatBuffer();
        float[] v = new float[buffer.remaining()];
        buffer.get(v);
        return v;
    }
}
