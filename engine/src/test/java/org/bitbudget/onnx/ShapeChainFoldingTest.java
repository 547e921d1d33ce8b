package org.bitbudget.onnx;

import static org.bitbudget.testsupport.ModelBuilder.i;
import static org.bitbudget.testsupport.ModelBuilder.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.api.Test;

/**
 * Shape arithmetic as PyTorch exports it on a dynamic-batch model folds at import where it does not
 * depend on the batch: {@code x.view(x.size(0), -1)} (Shape → Gather → Unsqueeze → Concat → Reshape)
 * becomes a Reshape to the constant [0, -1]; Slice and Gather of the other dimensions, Cast,
 * ConstantOfShape, and the Equal/Where/Expand of {@code expand(-1, C, H, W)} become constants. What
 * does depend on the batch (an Expand to it) stays. Each graph gives ONNX Runtime's outputs at
 * batches 1, 2 and 5 (within 1e-5 · max(1, |value|)).
 */
class ShapeChainFoldingTest {
    private static float[] run(byte[] onnx, Graph g, Tensor x) throws OrtException {
        float[] ours = FloatEngine.builder(g)
                .threads(1)
                .build()
                .run(Map.of("x", x))
                .get("y:0")
                .data();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] dims = Arrays.stream(x.shape().dims()).asLongStream().toArray();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(onnx, options);
                OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), dims);
                OrtSession.Result result = session.run(Map.of("x", in))) {
            FloatBuffer buffer = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] theirs = new float[buffer.remaining()];
            buffer.get(theirs);
            assertEquals(theirs.length, ours.length);
            for (int k = 0; k < ours.length; k++) {
                assertEquals(theirs[k], ours[k], 1e-5f * Math.max(1f, Math.abs(theirs[k])), "output " + k);
            }
        }
        return ours;
    }

    private static void checkAgainstOnnxRuntime(byte[] onnx, Graph g) throws OrtException {
        for (int batch : new int[] {1, 2, 5}) {
            Tensor x = Tensor.of(Shape.of(batch, 3, 8, 8), ModelBuilder.gaussian(batch, batch * 192, 1f));
            run(onnx, g, x);
        }
    }

    /** ConstantOfShape with a one-element {@code value} tensor of the given type. */
    private static String constantOfShape(ModelBuilder b, String name, String shape, TensorProto value) {
        b.node(NodeProto.newBuilder()
                .setOpType("ConstantOfShape")
                .setName(name)
                .addInput(shape)
                .addOutput(name + ":0")
                .addAttribute(AttributeProto.newBuilder()
                        .setName("value")
                        .setType(AttributeProto.AttributeType.TENSOR)
                        .setT(value))
                .build());
        return name + ":0";
    }

    private static List<String> types(Graph g) {
        return g.nodes().stream().map(n -> n.op().type()).toList();
    }

    @Test
    void batchIndependentShapeChainsFoldAndTheFlattenBecomesReshapeToZeroMinusOne() throws OrtException {
        ModelBuilder b = new ModelBuilder("shape-chains", 3);
        String x = b.input("x", 3, 8, 8);
        String shape = b.node("Shape", "shape_x", List.of(x));
        String zero = b.longs("zero", 0);
        String channels = b.node("Slice", "slice_c", List.of(shape, b.longs("c_start", 1), b.longs("c_end", 2), zero));
        String hw = b.node("Slice", "slice_hw", List.of(shape, b.longs("hw_start", 2), b.longs("hw_end", 4), zero));
        // torch.full((1, C, 1, 1), 0.25).expand(-1, C, H, W) / H, as torch.onnx.export writes it.
        String fillShape = b.node(
                "Concat", "fill_shape", List.of(b.longs("one", 1), channels, b.longs("ones", 1, 1)), i("axis", 0));
        String fill = constantOfShape(b, "fill", fillShape, ModelBuilder.rawFloats(new int[] {1}, 0.25f));
        String target =
                b.node("Concat", "expand_target", List.of(b.longs("minus_one", -1), channels, hw), i("axis", 0));
        String targetShape = b.node("Shape", "target_shape", List.of(target));
        String ones = constantOfShape(b, "target_ones", targetShape, ModelBuilder.typedLongs(1));
        String negative = b.node("Mul", "target_negative", List.of(ones, b.longs("neg", -1)));
        String keep = b.node("Equal", "target_keep", List.of(target, negative));
        String sizes = b.node("Where", "target_sizes", List.of(keep, ones, target));
        String expanded = b.node("Expand", "expand", List.of(fill, sizes));
        String height = b.node(
                "Gather",
                "gather_h",
                List.of(
                        shape,
                        b.initializer(TensorProto.newBuilder()
                                .setName("h_index")
                                .setDataType(TensorProto.DataType.INT64_VALUE)
                                .addInt64Data(2)
                                .build())));
        String heightFloat = b.node("Cast", "cast_h", List.of(height), i("to", TensorProto.DataType.FLOAT_VALUE));
        String offset = b.node("Div", "offset", List.of(expanded, heightFloat));
        String shifted = b.node("Add", "shift", List.of(x, offset));
        String conv = b.node("Conv", "conv", List.of(shifted, b.weight("w", 4, 3, 3, 3)), ints("pads", 1, 1, 1, 1));
        // x.view(x.size(0), -1)
        String convShape = b.node("Shape", "shape_conv", List.of(conv));
        String batch = b.node(
                "Gather",
                "gather_n",
                List.of(
                        convShape,
                        b.initializer(TensorProto.newBuilder()
                                .setName("n_index")
                                .setDataType(TensorProto.DataType.INT64_VALUE)
                                .addInt64Data(0)
                                .build())));
        String batch1 = b.node("Unsqueeze", "unsqueeze_n", List.of(batch, b.longs("axes", 0)));
        String flatShape = b.node("Concat", "flat_shape", List.of(batch1, b.longs("rest", -1)), i("axis", 0));
        String flat = b.node("Reshape", "flatten", List.of(conv, flatShape));
        b.node("Gemm", "y", List.of(flat, b.weight("fw", 10, 256), b.weight("fb", 10)), i("transB", 1));
        byte[] onnx = b.output("y:0").bytes();

        Graph g = OnnxImporter.parse(onnx, "chains.onnx");

        assertEquals(List.of("Add", "Conv", "Reshape", "Gemm"), types(g));
        Node reshape = g.nodes().get(2);
        Tensor flatTarget = g.initializers().get(reshape.input(1));
        assertArrayEquals(new float[] {0, -1}, flatTarget.data());
        Tensor added = g.initializers().get(g.nodes().getFirst().input(1));
        assertEquals(Shape.of(1, 3, 8, 8), added.shape());
        for (float v : added.data()) {
            assertEquals(0.25f / 8, v);
        }
        checkAgainstOnnxRuntime(onnx, g);
    }

    @Test
    void anExpandToTheBatchStaysWithTheShapeNodesItReads() throws OrtException {
        ModelBuilder b = new ModelBuilder("expand-batch", 4);
        String x = b.input("x", 3, 8, 8);
        String pooled = b.node("GlobalAveragePool", "pool", List.of(x));
        String flat = b.node("Flatten", "flatten", List.of(pooled));
        // A learned row expanded to the batch, as a class token is: expand(x.size(0), 3).
        String shape = b.node("Shape", "shape_x", List.of(x));
        String batch = b.node("Slice", "slice_n", List.of(shape, b.longs("start", 0), b.longs("end", 1)));
        String target = b.node("Concat", "target", List.of(batch, b.longs("three", 3)), i("axis", 0));
        String row = b.node("Expand", "expand", List.of(b.weight("row", 1, 3), target));
        b.node("Add", "y", List.of(flat, row));
        byte[] onnx = b.output("y:0").bytes();

        Graph g = OnnxImporter.parse(onnx, "expand.onnx");

        assertEquals(List.of("GlobalAveragePool", "Flatten", "Shape", "Slice", "Concat", "Expand", "Add"), types(g));
        assertTrue(g.initializers().containsKey("three"));
        checkAgainstOnnxRuntime(onnx, g);
    }
}
