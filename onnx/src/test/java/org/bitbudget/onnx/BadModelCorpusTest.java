package org.bitbudget.onnx;

import static org.bitbudget.testsupport.ModelBuilder.i;
import static org.bitbudget.testsupport.ModelBuilder.ints;
import static org.bitbudget.testsupport.ModelBuilder.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.bitbudget.ir.UnsupportedModelException;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ops.inspect.ModelSummary;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Feeds a corpus of broken and unsupported ONNX files, generated here and written to a temporary
 * folder, to {@link OnnxImporter#load}, and checks that each fails with a {@link UserInputException}
 * whose message is one line, starts with the file's path, names the node at fault where there is
 * one, and says what is wrong; the unsupported-but-valid ones must be
 * {@link UnsupportedModelException}s, the broken ones must not.
 *
 * <p>Shape mismatches (a Gemm weight whose inner dimension disagrees with its input, a Conv weight
 * whose channels disagree with its input) only show when the graph runs, so those cases import
 * cleanly and fail in {@link ModelSummary#of}; the engine does not know the file, so its message
 * starts with the node ({@code node /fc/Gemm: ...}) and callers prefix the file with
 * {@link UserInputException#within}.
 */
class BadModelCorpusTest {
    @TempDir
    Path dir;

    /** When the error shows. */
    enum Stage {
        IMPORT,
        RUN
    }

    /**
     * One bad file.
     *
     * @param name        what is wrong, the test's display name
     * @param bytes       the file's content
     * @param stage       whether importing it fails, or summarising (running) it
     * @param node        the node the message must name, or null
     * @param unsupported whether the error must be an {@link UnsupportedModelException}
     * @param says        fragments the message must contain
     */
    record BadModel(String name, byte[] bytes, Stage stage, String node, boolean unsupported, List<String> says) {
        @Override
        public String toString() {
            return name;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void failsWithOneLineNamingFileNodeAndProblem(BadModel bad) throws Exception {
        Path file = dir.resolve(bad.name().replaceAll("[^A-Za-z0-9]+", "-") + ".onnx");
        Files.write(file, bad.bytes());

        UserInputException e;
        if (bad.stage() == Stage.IMPORT) {
            e = assertThrows(UserInputException.class, () -> OnnxImporter.load(file));
            assertTrue(e.getMessage().startsWith(file + ": "), () -> "does not start with the file: " + e.getMessage());
        } else {
            Graph graph = OnnxImporter.load(file);
            e = assertThrows(UserInputException.class, () -> ModelSummary.of(graph));
            assertEquals("node " + bad.node(), e.source());
            assertTrue(e.within(file.toString()).getMessage().startsWith(file + ": node " + bad.node() + ": "));
        }
        String message = e.getMessage();
        assertFalse(message.contains("\n") || message.contains("\r"), () -> "more than one line: " + message);
        if (bad.node() != null) {
            assertTrue(
                    message.contains("node " + bad.node() + ": "),
                    () -> "does not name node " + bad.node() + ": " + message);
        }
        for (String fragment : bad.says()) {
            assertTrue(message.contains(fragment), () -> "does not say '" + fragment + "': " + message);
        }
        assertEquals(
                bad.unsupported(),
                e instanceof UnsupportedModelException,
                () -> "unsupported feature or broken model misclassified: " + message);
    }

    static Stream<BadModel> corpus() {
        byte[] good = convModel(t -> t);
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        return Stream.of(
                broken("truncated file", Arrays.copyOf(good, good.length / 2), "truncated or corrupt protobuf"),
                broken("random bytes", garbage, "not a valid ONNX model"),
                broken("empty file", new byte[0], "empty file, not an ONNX model"),
                broken(
                        "text file",
                        "this is not a model\n".getBytes(StandardCharsets.UTF_8),
                        "not a valid ONNX model (truncated or corrupt protobuf"),
                broken(
                        "no graph",
                        ModelProto.newBuilder()
                                .setIrVersion(8)
                                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                                .build()
                                .toByteArray(),
                        "no ir_version or no graph"),
                broken(
                        "no opset import",
                        ModelProto.newBuilder()
                                .setIrVersion(8)
                                .setGraph(GraphProto.newBuilder().setName("g"))
                                .build()
                                .toByteArray(),
                        "imports no default-domain opset"),
                broken(
                        "opset 22",
                        new ModelBuilder("g", 1).opset(22).bytes(),
                        "opset 22 is newer than the newest supported (21)"),
                unsupported("unsupported operator LSTM", lstmModel(), "/rnn/LSTM", "operator LSTM is not supported"),
                unsupported(
                        "operator of another domain",
                        withNode(NodeProto.newBuilder()
                                .setOpType("FusedConv")
                                .setDomain("com.microsoft")
                                .setName("/fused/FusedConv")
                                .addInput("x")
                                .addOutput("y")),
                        "/fused/FusedConv",
                        "com.microsoft.FusedConv is not supported"),
                atNode(
                        "auto_pad FOO",
                        convModel(t -> t, s("auto_pad", "FOO")),
                        "/c1/Conv",
                        "auto_pad 'FOO' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID"),
                unsupported("3-D convolution", conv3dModel(), "/c3d/Conv", "3-D convolution is not supported"),
                unsupported(
                        "attribute the operator does not define",
                        withNode(NodeProto.newBuilder()
                                .setOpType("Relu")
                                .setName("/act/Relu")
                                .addInput("x")
                                .addOutput("y")
                                .addAttribute(ModelBuilder.f("alpha", 0.1f))),
                        "/act/Relu",
                        "Relu attribute 'alpha' is not supported"),
                atNode(
                        "attribute of the wrong type",
                        convModel(t -> t, i("strides", 2)),
                        "/c1/Conv",
                        "attribute 'strides' must be INTS, got INT"),
                atNode(
                        "attribute beyond int range",
                        convModel(t -> t, i("group", 1L << 40)),
                        "/c1/Conv",
                        "attribute 'group' value 1099511627776 is out of range"),
                atNode(
                        "kernel_shape disagrees with weight",
                        convModel(t -> t, ints("kernel_shape", 5, 5)),
                        "/c1/Conv",
                        "kernel_shape [5, 5] does not match weight shape [4, 3, 3, 3]"),
                atNode(
                        "Gemm with one input",
                        withNode(NodeProto.newBuilder()
                                .setOpType("Gemm")
                                .setName("/fc/Gemm")
                                .addInput("x")
                                .addOutput("y")),
                        "/fc/Gemm",
                        "Gemm has 1 inputs; 2 to 3 expected"),
                new BadModel(
                        "Gemm inner dimension mismatch",
                        gemmMismatchModel(),
                        Stage.RUN,
                        "/fc/Gemm",
                        false,
                        List.of("Gemm: inner dimensions differ", "[1, 12]", "[4, 10] (transposed)")),
                new BadModel(
                        "Conv channels mismatch",
                        convChannelMismatchModel(),
                        Stage.RUN,
                        "/c1/Conv",
                        false,
                        List.of("input has 3 channels", "[4, 5, 3, 3]", "group=1")),
                broken(
                        "NaN weight",
                        convModel(t -> withValue(t, 5, Float.NaN)),
                        "initializer 'w': value 5 is NaN; weights must be finite"),
                broken(
                        "infinite weight",
                        convModel(t -> withValue(t, 0, Float.NEGATIVE_INFINITY)),
                        "initializer 'w': value 0 is -Infinity; weights must be finite"),
                broken(
                        "raw data shorter than shape",
                        convModel(t -> t.toBuilder()
                                .setRawData(t.getRawData().substring(0, 40))
                                .build()),
                        "initializer 'w': raw data has 40 bytes but its shape needs 432"),
                atNode(
                        "input produced by no node",
                        withNode(NodeProto.newBuilder()
                                .setOpType("Relu")
                                .setName("/act/Relu")
                                .addInput("ghost")
                                .addOutput("y")),
                        "/act/Relu",
                        "input 'ghost' is not a graph input, an initializer or the output of an earlier node"),
                broken(
                        "output produced by no node",
                        outputWithoutProducer(),
                        "graph output 'nowhere' is produced by no node"),
                unsupportedFile(
                        "external data",
                        convModel(t -> t.toBuilder()
                                .clearRawData()
                                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                                .addExternalData(StringStringEntryProto.newBuilder()
                                        .setKey("location")
                                        .setValue("w.bin"))
                                .build()),
                        "initializer 'w': external tensor data is not supported"),
                unsupportedFile(
                        "float16 initializer",
                        convModel(t -> t.toBuilder()
                                .setDataType(TensorProto.DataType.FLOAT16_VALUE)
                                .setRawData(t.getRawData()
                                        .substring(0, t.getRawData().size() / 2))
                                .build()),
                        "initializer 'w': element type float16 is not supported"),
                unsupportedFile(
                        "float16 input",
                        float16InputModel(),
                        "value 'x' has element type float16, which is not supported"));
    }

    private static BadModel broken(String name, byte[] bytes, String says) {
        return new BadModel(name, bytes, Stage.IMPORT, null, false, List.of(says));
    }

    private static BadModel atNode(String name, byte[] bytes, String node, String says) {
        return new BadModel(name, bytes, Stage.IMPORT, node, false, List.of(says));
    }

    private static BadModel unsupported(String name, byte[] bytes, String node, String says) {
        return new BadModel(name, bytes, Stage.IMPORT, node, true, List.of(says));
    }

    private static BadModel unsupportedFile(String name, byte[] bytes, String says) {
        return new BadModel(name, bytes, Stage.IMPORT, null, true, List.of(says));
    }

    /**
     * x [N, 3, 8, 8] -> Conv /c1/Conv (weight 'w' [4, 3, 3, 3], passed through {@code weight} first,
     * with extra attributes) -> y.
     */
    private static byte[] convModel(UnaryOperator<TensorProto> weight, AttributeProto... attributes) {
        ModelBuilder b = new ModelBuilder("conv", 3);
        String x = b.input("x", 3, 8, 8);
        b.output(b.node("Conv", "/c1/Conv", List.of(x, b.weight("w", 4, 3, 3, 3)), attributes));
        ModelProto.Builder model = b.build().toBuilder();
        model.getGraphBuilder().setInitializer(0, weight.apply(model.getGraph().getInitializer(0)));
        return model.build().toByteArray();
    }

    private static TensorProto withValue(TensorProto t, int index, float value) {
        byte[] raw = t.getRawData().toByteArray();
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).putFloat(4 * index, value);
        return t.toBuilder().setRawData(ByteString.copyFrom(raw)).build();
    }

    /** x [N, 3, 8] -> {@code node} -> y. */
    private static byte[] withNode(NodeProto.Builder node) {
        ModelBuilder b = new ModelBuilder("one node", 4);
        b.input("x", 3, 8);
        return b.node(node.build()).output("y").bytes();
    }

    private static byte[] lstmModel() {
        ModelBuilder b = new ModelBuilder("lstm", 5);
        String x = b.fixedInput("x", 7, 1, 3);
        String y = b.node(
                "LSTM", "/rnn/LSTM", List.of(x, b.weight("W", 1, 16, 3), b.weight("R", 1, 16, 4)), i("hidden_size", 4));
        return b.output(y).bytes();
    }

    private static byte[] conv3dModel() {
        ModelBuilder b = new ModelBuilder("conv3d", 6);
        String x = b.input("x", 3, 8, 8, 8);
        return b.output(b.node("Conv", "/c3d/Conv", List.of(x, b.weight("w", 4, 3, 3, 3, 3))))
                .bytes();
    }

    private static byte[] gemmMismatchModel() {
        ModelBuilder b = new ModelBuilder("gemm", 7);
        String x = b.input("x", 12);
        return b.output(b.node("Gemm", "/fc/Gemm", List.of(x, b.weight("w", 4, 10), b.weight("b", 4)), i("transB", 1)))
                .bytes();
    }

    private static byte[] convChannelMismatchModel() {
        ModelBuilder b = new ModelBuilder("conv", 8);
        String x = b.input("x", 3, 8, 8);
        return b.output(b.node("Conv", "/c1/Conv", List.of(x, b.weight("w", 4, 5, 3, 3))))
                .bytes();
    }

    private static byte[] outputWithoutProducer() {
        ModelBuilder b = new ModelBuilder("dangling", 9);
        String x = b.input("x", 3);
        b.node("Relu", "/act/Relu", List.of(x));
        return b.output("nowhere").bytes();
    }

    private static byte[] float16InputModel() {
        ModelBuilder b = new ModelBuilder("half", 10);
        String x = b.typedInput("x", TensorProto.DataType.FLOAT16_VALUE, 3);
        return b.output(b.node("Relu", "/act/Relu", List.of(x))).bytes();
    }
}
