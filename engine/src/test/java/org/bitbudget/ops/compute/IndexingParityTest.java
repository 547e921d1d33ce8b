package org.bitbudget.ops.compute;

import static org.bitbudget.testsupport.ModelBuilder.i;
import static org.bitbudget.testsupport.ModelBuilder.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxExporter;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The indexing, selection and loss operators against ONNX Runtime in the forms ONNX's 1.12 backend
 * cases do not cover: the reductions of ScatterElements and ScatterND (opsets 16 and 18, with repeated
 * indices), GatherND's batch axes on 3-D data, TopK's pre-10 attribute and {@code largest=0}, Hardmax's
 * pre-13 2-D coercion, OneHot at opset 9, CumSum on an inner axis, the opset-12 losses with weights and
 * {@code ignore_index}, Trilu over a batch, NonZero of a computed value, Einsum's implicit output,
 * broadcast ellipsis and diagonals. Integer outputs pass through a
 * Cast to float so both engines return floats; within 1e-5 relative plus 1e-6 absolute.
 */
class IndexingParityTest {
    /**
     * One model around the float input {@code x} of {@code dims}: {@code graph} adds the nodes and
     * returns the float outputs to compare.
     */
    private record Case(String label, int opset, int[] dims, BiFunction<ModelBuilder, String, List<String>> graph) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                        new Case(
                                "ScatterElements 18 max, repeated indices",
                                18,
                                new int[] {3, 4},
                                (b, x) -> one(
                                        b,
                                        "ScatterElements",
                                        List.of(
                                                x,
                                                longs(b, "idx", new int[] {3, 3}, 1, 1, 3, 0, 2, 2, 3, 3, 0),
                                                b.uniform("upd", -2, 2, 3, 3)),
                                        i("axis", 1),
                                        s("reduction", "max"))),
                        new Case(
                                "ScatterElements 18 min, axis -2",
                                18,
                                new int[] {3, 4},
                                (b, x) -> one(
                                        b,
                                        "ScatterElements",
                                        List.of(
                                                x,
                                                longs(b, "idx", new int[] {2, 4}, 0, 2, 2, -1, 0, 2, 1, -1),
                                                b.uniform("upd", -2, 2, 2, 4)),
                                        i("axis", -2),
                                        s("reduction", "min"))),
                        new Case(
                                "ScatterElements 16 mul",
                                16,
                                new int[] {3, 4},
                                (b, x) -> one(
                                        b,
                                        "ScatterElements",
                                        List.of(
                                                x,
                                                longs(b, "idx", new int[] {2, 2}, 1, 1, 1, 2),
                                                b.uniform("upd", -2, 2, 2, 2)),
                                        s("reduction", "mul"))),
                        new Case(
                                "ScatterND 18 max, slices",
                                18,
                                new int[] {4, 3},
                                (b, x) -> one(
                                        b,
                                        "ScatterND",
                                        List.of(
                                                x,
                                                longs(b, "idx", new int[] {3, 1}, 1, 1, -1),
                                                b.uniform("upd", -2, 2, 3, 3)),
                                        s("reduction", "max"))),
                        new Case(
                                "ScatterND 18 min, elements",
                                18,
                                new int[] {4, 3},
                                (b, x) -> one(
                                        b,
                                        "ScatterND",
                                        List.of(
                                                x,
                                                longs(b, "idx", new int[] {3, 2}, 0, 1, 0, 1, 2, 2),
                                                b.uniform("upd", -2, 2, 3)),
                                        s("reduction", "min"))),
                        new Case(
                                "ScatterND 13 replace",
                                13,
                                new int[] {2, 3, 4},
                                (b, x) -> one(
                                        b,
                                        "ScatterND",
                                        List.of(
                                                x,
                                                longs(b, "idx", new int[] {1, 2}, 1, -1),
                                                b.uniform("upd", -2, 2, 1, 4)))),
                        new Case(
                                "GatherND 13 batch_dims 1",
                                13,
                                new int[] {2, 3, 4},
                                (b, x) -> one(
                                        b,
                                        "GatherND",
                                        List.of(x, longs(b, "idx", new int[] {2, 2, 2}, 1, 2, 0, -1, 2, 3, 0, 0)),
                                        i("batch_dims", 1))),
                        new Case(
                                "GatherElements 13 axis 1, negative indices",
                                13,
                                new int[] {3, 4, 2},
                                (b, x) -> one(
                                        b,
                                        "GatherElements",
                                        List.of(
                                                x,
                                                longs(
                                                        b,
                                                        "idx",
                                                        new int[] {3, 2, 2},
                                                        0,
                                                        3,
                                                        -1,
                                                        2,
                                                        1,
                                                        1,
                                                        0,
                                                        -4,
                                                        3,
                                                        2,
                                                        1,
                                                        0)),
                                        i("axis", 1))),
                        new Case("TopK 9 attribute k", 9, new int[] {3, 4, 5}, (b, x) -> {
                            b.node(NodeProto.newBuilder()
                                    .setOpType("TopK")
                                    .setName("n")
                                    .addInput(x)
                                    .addOutput("n:0")
                                    .addOutput("n:1")
                                    .addAttribute(i("k", 2))
                                    .addAttribute(i("axis", 1))
                                    .build());
                            return List.of("n:0", cast(b, "n:1"));
                        }),
                        new Case("TopK 11 smallest, axis 0", 11, new int[] {4, 3, 2}, (b, x) -> {
                            b.node(NodeProto.newBuilder()
                                    .setOpType("TopK")
                                    .setName("n")
                                    .addInput(x)
                                    .addInput(b.longs("k", 3))
                                    .addOutput("n:0")
                                    .addOutput("n:1")
                                    .addAttribute(i("axis", 0))
                                    .addAttribute(i("largest", 0))
                                    .build());
                            return List.of("n:0", cast(b, "n:1"));
                        }),
                        new Case(
                                "Hardmax 11 axis 2 (2-D coercion)",
                                11,
                                new int[] {2, 3, 2, 2},
                                (b, x) -> one(b, "Hardmax", List.of(x), i("axis", 2))),
                        new Case(
                                "Hardmax 13 axis 1",
                                13,
                                new int[] {2, 3, 4},
                                (b, x) -> one(b, "Hardmax", List.of(x), i("axis", 1))),
                        new Case(
                                "ArgMin 11 axis -1, no keepdims",
                                11,
                                new int[] {2, 3, 4},
                                (b, x) -> List.of(cast(
                                        b,
                                        one(b, "ArgMin", List.of(x), i("axis", -1), i("keepdims", 0))
                                                .getFirst()))),
                        new Case(
                                "ArgMax 9 axis 1",
                                9,
                                new int[] {2, 3, 4},
                                (b, x) -> List.of(cast(
                                        b,
                                        one(b, "ArgMax", List.of(x), i("axis", 1))
                                                .getFirst()))),
                        new Case(
                                "CumSum 14 axis 1, reverse exclusive",
                                14,
                                new int[] {2, 3, 4},
                                (b, x) -> one(
                                        b,
                                        "CumSum",
                                        List.of(x, longs(b, "axis", new int[0], 1)),
                                        i("reverse", 1),
                                        i("exclusive", 1))),
                        new Case(
                                "OneHot 9 axis 1, out-of-range indices",
                                9,
                                new int[] {2},
                                (b, x) -> one(
                                        b,
                                        "OneHot",
                                        List.of(
                                                longs(b, "idx", new int[] {2, 3}, 0, 3, 5, 4, 2, 1),
                                                b.longs("depth", 4),
                                                x),
                                        i("axis", 1))),
                        new Case(
                                "OneHot 11 negative indices",
                                11,
                                new int[] {2},
                                (b, x) -> one(
                                        b,
                                        "OneHot",
                                        List.of(
                                                longs(b, "idx", new int[] {2, 3}, 0, -3, -1, 4, 2, 1),
                                                b.longs("depth", 4),
                                                x))),
                        new Case(
                                "NegativeLogLikelihoodLoss 12 weights, ignore_index",
                                12,
                                new int[] {3, 5, 2},
                                (b, x) -> one(
                                        b,
                                        "NegativeLogLikelihoodLoss",
                                        List.of(
                                                x,
                                                longs(b, "t", new int[] {3, 2}, 4, 0, 2, -1, 1, 1),
                                                b.uniform("w", 0.1f, 1, 5)),
                                        i("ignore_index", -1))),
                        new Case(
                                "NegativeLogLikelihoodLoss 13 sum",
                                13,
                                new int[] {4, 3},
                                (b, x) -> one(
                                        b,
                                        "NegativeLogLikelihoodLoss",
                                        List.of(x, longs(b, "t", new int[] {4}, 2, 0, 1, 2)),
                                        s("reduction", "sum"))),
                        new Case("SoftmaxCrossEntropyLoss 12 none, log_prob", 12, new int[] {3, 5, 2}, (b, x) -> {
                            b.node(NodeProto.newBuilder()
                                    .setOpType("SoftmaxCrossEntropyLoss")
                                    .setName("n")
                                    .addInput(x)
                                    .addInput(longs(b, "t", new int[] {3, 2}, 4, 0, 2, 3, 1, 1))
                                    .addOutput("n:0")
                                    .addOutput("n:1")
                                    .addAttribute(s("reduction", "none"))
                                    .build());
                            return List.of("n:0", "n:1");
                        }),
                        new Case(
                                "SoftmaxCrossEntropyLoss 13 mean, weights, ignore_index",
                                13,
                                new int[] {4, 3, 2},
                                (b, x) -> one(
                                        b,
                                        "SoftmaxCrossEntropyLoss",
                                        List.of(
                                                x,
                                                longs(b, "t", new int[] {4, 2}, 2, 0, 1, 7, 7, 2, 0, 1),
                                                b.uniform("w", 0.1f, 1, 3)),
                                        i("ignore_index", 7))),
                        new Case(
                                "Trilu 14 lower, k 1, batched",
                                14,
                                new int[] {2, 3, 4},
                                (b, x) -> one(b, "Trilu", List.of(x, longs(b, "k", new int[0], 1)), i("upper", 0))),
                        new Case(
                                "NonZero 13 of a computed value",
                                13,
                                new int[] {3, 4},
                                (b, x) -> List.of(cast(
                                        b,
                                        one(b, "NonZero", List.of(b.node("Relu", "r", List.of(x))))
                                                .getFirst()))),
                        new Case(
                                "Einsum 12 implicit output",
                                12,
                                new int[] {3, 4},
                                (b, x) -> one(
                                        b, "Einsum", List.of(x, b.uniform("w", -1, 1, 4, 2)), s("equation", "ba,ac"))),
                        new Case(
                                "Einsum 12 broadcast ellipsis",
                                12,
                                new int[] {2, 3, 4},
                                (b, x) -> one(
                                        b,
                                        "Einsum",
                                        List.of(x, b.uniform("w", -1, 1, 1, 4, 5)),
                                        s("equation", "...ij,...jk->...ik"))),
                        new Case(
                                "Einsum 12 trace and three operands",
                                12,
                                new int[] {3, 3},
                                (b, x) -> one(
                                        b,
                                        "Einsum",
                                        List.of(x, b.uniform("u", -1, 1, 3, 4), b.uniform("v", -1, 1, 4)),
                                        s("equation", "ii,ij,j->"))),
                        new Case(
                                "Einsum 12 implicit ellipsis leads",
                                12,
                                new int[] {2, 3, 4},
                                (b, x) -> one(b, "Einsum", List.of(x), s("equation", "...ji"))))
                .map(Arguments::of);
    }

    private static List<String> one(ModelBuilder b, String type, List<String> inputs, AttributeProto... attributes) {
        return List.of(b.node(type, "n", inputs, attributes));
    }

    /** {@code value} cast to float, so that both engines return it as floats. */
    private static String cast(ModelBuilder b, String value) {
        return b.node(
                "Cast", "cast_" + value.replace(':', '_'), List.of(value), i("to", TensorProto.DataType.FLOAT_VALUE));
    }

    /** An int64 initializer of {@code dims} ({@code new int[0]}: a scalar). */
    private static String longs(ModelBuilder b, String name, int[] dims, long... values) {
        ByteBuffer buf = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            buf.putLong(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.INT64_VALUE)
                .setRawData(ByteString.copyFrom(buf.flip()));
        for (int d : dims) {
            t.addDims(d);
        }
        return b.initializer(t.build());
    }

    private static byte[] model(Case c) {
        ModelBuilder b = new ModelBuilder(c.label(), 7).opset(c.opset());
        for (String out : c.graph().apply(b, b.fixedInput("x", c.dims()))) {
            b.output(out);
        }
        return b.bytes();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesOnnxRuntime(Case c) throws Exception {
        byte[] onnx = model(c);
        float[] values =
                ModelBuilder.gaussian(c.label().hashCode(), Shape.of(c.dims()).size(), 2f);
        Map<String, Tensor> ours = FloatEngine.builder(OnnxImporter.parse(onnx, "c.onnx"))
                .threads(1)
                .build()
                .run(Map.of("x", Tensor.of(Shape.of(c.dims()), values)));
        List<String> outputs = new ArrayList<>(ours.keySet());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            options.setIntraOpNumThreads(1);
            long[] dims = Arrays.stream(c.dims()).asLongStream().toArray();
            try (OrtSession session = env.createSession(onnx, options);
                    OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(values), dims);
                    OrtSession.Result result = session.run(Map.of("x", in))) {
                assertEquals(result.size(), outputs.size(), c.label() + ": outputs");
                for (String name : outputs) {
                    OnnxTensor out = (OnnxTensor) result.get(name).orElseThrow();
                    FloatBuffer buffer = out.getFloatBuffer();
                    float[] expected = new float[buffer.remaining()];
                    buffer.get(expected);
                    Tensor mine = ours.get(name);
                    assertArrayEquals(
                            Arrays.stream(out.getInfo().getShape())
                                    .mapToInt(Math::toIntExact)
                                    .toArray(),
                            mine.shape().dims(),
                            c.label() + " " + name + ": shape");
                    for (int k = 0; k < expected.length; k++) {
                        double diff = Math.abs((double) expected[k] - mine.data()[k]);
                        assertTrue(
                                diff <= 1e-5 * Math.abs(expected[k]) + 1e-6,
                                c.label() + " " + name + ": [" + k + "] is " + mine.data()[k] + ", ONNX Runtime "
                                        + expected[k]);
                    }
                }
            }
        }
    }

    /**
     * OneHot-9 gives a row of {@code off} for every index outside {@code [0, depth)}, negative ones
     * included (ONNX Runtime wraps those as opset 11 does, so this is checked by hand).
     */
    @Test
    void oneHotBeforeOpset11LeavesNegativeIndicesOff() {
        for (int opset : new int[] {9, 11}) {
            ModelBuilder b = new ModelBuilder("onehot", 1).opset(opset);
            String x = b.fixedInput("x", 2);
            b.output(b.node("OneHot", "n", List.of(longs(b, "idx", new int[] {3}, -1, 2, 3), b.longs("depth", 3), x)));
            Tensor y = FloatEngine.builder(OnnxImporter.parse(b.bytes(), "o.onnx"))
                    .threads(1)
                    .build()
                    .run(Map.of("x", Tensor.of(Shape.of(2), new float[] {0, 1})))
                    .get("n:0");
            float[] negativeRow = opset == 9 ? new float[] {0, 0, 0} : new float[] {0, 0, 1};
            float[] expected = new float[9];
            System.arraycopy(negativeRow, 0, expected, 0, 3);
            expected[5] = 1;
            assertArrayEquals(expected, y.data(), "opset " + opset);
        }
    }

    /**
     * Einsum's implicit output orders its labels by ASCII, upper case first (ONNX Runtime refuses upper
     * case labels, so this compares with the explicit form).
     */
    @Test
    void einsumImplicitOutputPutsUpperCaseFirst() {
        float[] values = ModelBuilder.gaussian(5, 12, 1f);
        List<Tensor> results = new ArrayList<>();
        for (String equation : List.of("ba,aC", "ba,aC->Cb")) {
            ModelBuilder b = new ModelBuilder("einsum", 3).opset(12);
            String x = b.fixedInput("x", 3, 4);
            b.output(b.node("Einsum", "n", List.of(x, b.uniform("w", -1, 1, 4, 2)), s("equation", equation)));
            results.add(FloatEngine.builder(OnnxImporter.parse(b.bytes(), "e.onnx"))
                    .threads(1)
                    .build()
                    .run(Map.of("x", Tensor.of(Shape.of(3, 4), values)))
                    .get("n:0"));
        }
        assertEquals(Shape.of(2, 3), results.get(0).shape());
        assertArrayEquals(results.get(1).data(), results.get(0).data());
    }

    @Test
    void formsWithoutAnOpset13EquivalentAreNotExported() {
        Case trilu = (Case) cases().filter(a -> a.get()[0].toString().startsWith("Trilu"))
                .findFirst()
                .orElseThrow()
                .get()[0];
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> OnnxExporter.toBytes(OnnxImporter.parse(model(trilu), "t.onnx"), Map.of()));
        assertTrue(e.getMessage().contains("Trilu (opset 14) has no opset-13 form"), e.getMessage());
    }
}
