package org.bitbudget.onnx;

import static org.bitbudget.testsupport.ModelBuilder.f;
import static org.bitbudget.testsupport.ModelBuilder.i;
import static org.bitbudget.testsupport.ModelBuilder.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;
import java.util.Map;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.api.Test;

/** What the importer does with what exporters leave: Constant-node weights, constant subgraphs, BatchNorms. */
class ImportFoldingTest {
    private static final Tensor IMAGES = Tensor.of(Shape.of(4, 1, 28, 28), ModelBuilder.gaussian(7, 4 * 28 * 28, 1f));

    /** A Constant node holding a float tensor, as paddle2onnx writes weights. */
    private static String constant(ModelBuilder b, String name, int[] dims, float[] values) {
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (int d : dims) {
            t.addDims(d);
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        b.node(NodeProto.newBuilder()
                .setOpType("Constant")
                .setName(name)
                .addOutput(name + ":0")
                .addAttribute(AttributeProto.newBuilder()
                        .setName("value")
                        .setType(AttributeProto.AttributeType.TENSOR)
                        .setT(t))
                .build());
        return name + ":0";
    }

    private static Tensor run(Graph g) {
        return FloatEngine.of(g).predict(IMAGES);
    }

    @Test
    void convAndGemmWeightsInConstantNodesAreLayersAndExportBack() {
        ModelBuilder b = new ModelBuilder("paddle-style", 1).opset(9);
        String x = b.input("x", 1, 28, 28);
        String w = constant(b, "conv_w", new int[] {4, 1, 3, 3}, ModelBuilder.gaussian(2, 36, 0.3f));
        String bias = constant(b, "conv_b", new int[] {4}, new float[] {0.1f, -0.2f, 0.3f, 0f});
        String c = b.node("Conv", "conv", List.of(x, w, bias), ints("kernel_shape", 3, 3));
        String p = b.node("GlobalAveragePool", "gap", List.of(c));
        String flat = b.node("Flatten", "flat", List.of(p));
        String gw = constant(b, "fc_w", new int[] {4, 10}, ModelBuilder.gaussian(3, 40, 0.5f));
        b.output(b.node("Gemm", "fc", List.of(flat, gw)));
        Graph g = OnnxImporter.parse(b.bytes(), "paddle.onnx");

        List<Layer> layers = g.layers();
        assertEquals(List.of("conv", "fc"), layers.stream().map(Layer::name).toList());
        assertEquals("conv_b:0", layers.getFirst().biasName());
        assertArrayEquals(
                ModelBuilder.gaussian(2, 36, 0.3f), g.initializers().get(w).data());

        Graph back = OnnxImporter.parse(OnnxExporter.toBytes(g, Map.of()), "back.onnx");
        assertEquals(2, back.layers().size());
        assertArrayEquals(
                g.initializers().get(gw).data(), back.initializers().get(gw).data());
        assertArrayEquals(run(g).data(), run(back).data());
    }

    @Test
    void constantChainsFoldToInitializersWithExactValues() {
        ModelBuilder b = new ModelBuilder("chains", 1).opset(11);
        String x = b.input("x", 1, 28, 28);
        // A flat Constant reshaped into the conv weight, and a bias computed as (a * s + o) + 0 via Identity.
        float[] flat = ModelBuilder.gaussian(4, 72, 0.3f);
        String w = b.node(
                "Reshape",
                "w_reshape",
                List.of(constant(b, "w_flat", new int[] {72}, flat), b.longs("w_shape", 8, 1, 3, 3)));
        String a = constant(b, "a", new int[] {8}, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
        String scaled = b.node("Mul", "scale", List.of(a, b.scalar("s", 0.5f)));
        String shifted = b.node("Add", "shift", List.of(scaled, b.scalar("o", -1f)));
        String bias = b.node("Identity", "bias_id", List.of(shifted));
        String c = b.node("Conv", "conv", List.of(x, w, bias), ints("kernel_shape", 3, 3));
        String halves = b.node(
                "Concat",
                "cat",
                List.of(b.floats("h1", new int[] {1}, 2f), b.floats("h2", new int[] {1}, 3f)),
                i("axis", 0));
        b.output(b.node("Relu", "relu", List.of(c)));
        Graph g = OnnxImporter.parse(b.bytes(), "chains.onnx");

        assertEquals(
                List.of("Conv", "Relu"),
                g.nodes().stream().map(n -> n.op().type()).toList());
        assertArrayEquals(flat, g.initializers().get(w).data());
        assertEquals(Shape.of(8, 1, 3, 3), g.initializers().get(w).shape());
        assertArrayEquals(
                new float[] {-0.5f, 0f, 0.5f, 1f, 1.5f, 2f, 2.5f, 3f},
                g.initializers().get(bias).data());
        assertFalse(g.initializers().containsKey(halves), "a folded value nothing reads is dropped");
        assertFalse(g.initializers().containsKey(a), "a constant only folded nodes read is dropped");
        assertEquals(1, g.layers().size());
        assertEquals(w, g.layers().getFirst().weightName());

        // The same model with the folded values written as initializers runs to identical outputs.
        ModelBuilder ref = new ModelBuilder("chains", 1).opset(11);
        String rx = ref.input("x", 1, 28, 28);
        String rw = ref.floats("w", new int[] {8, 1, 3, 3}, flat);
        String rb = ref.floats("b", new int[] {8}, -0.5f, 0f, 0.5f, 1f, 1.5f, 2f, 2.5f, 3f);
        String rc = ref.node("Conv", "conv", List.of(rx, rw, rb), ints("kernel_shape", 3, 3));
        ref.output(ref.node("Relu", "relu", List.of(rc)));
        assertArrayEquals(run(OnnxImporter.parse(ref.bytes(), "ref.onnx")).data(), run(g).data());
    }

    /**
     * A lenet5-style net with an unfolded BN after each Conv and after the first Gemm; with
     * {@code blocked}, an Identity stands between each layer and its BN so that nothing folds.
     */
    private static byte[] lenetWithBatchNorm(boolean blocked) {
        ModelBuilder b = new ModelBuilder("lenet-bn", 5).opset(11);
        String x = b.input("x", 1, 28, 28);
        String c1 = b.node("Conv", "conv1", List.of(x, b.weight("w1", 6, 1, 5, 5)), ints("pads", 2, 2, 2, 2));
        String r1 = b.node("Relu", "relu1", List.of(bn(b, "bn1", c1, 6, blocked)));
        String p1 = b.node("MaxPool", "pool1", List.of(r1), ints("kernel_shape", 2, 2), ints("strides", 2, 2));
        String c2 = b.node("Conv", "conv2", List.of(p1, b.weight("w2", 16, 6, 5, 5), b.weight("b2", 16)));
        String r2 = b.node("Relu", "relu2", List.of(bn(b, "bn2", c2, 16, blocked)));
        String p2 = b.node("MaxPool", "pool2", List.of(r2), ints("kernel_shape", 2, 2), ints("strides", 2, 2));
        String flat = b.node("Flatten", "flat", List.of(p2));
        String g1 =
                b.node("Gemm", "fc1", List.of(flat, b.weight("fw1", 120, 400), b.weight("fb1", 120)), i("transB", 1));
        String r3 = b.node("Relu", "relu3", List.of(bn(b, "bn3", g1, 120, blocked)));
        String g2 = b.node("Gemm", "fc2", List.of(r3, b.weight("fw2", 120, 10), b.weight("fb2", 10)), f("beta", 0.5f));
        b.output(bn(b, "bn4", g2, 10, blocked));
        return b.bytes();
    }

    private static String bn(ModelBuilder b, String name, String in, int channels, boolean blocked) {
        String from = blocked ? b.node("Identity", name + "_gap", List.of(in)) : in;
        return b.node(
                "BatchNormalization",
                name,
                List.of(
                        from,
                        b.uniform(name + ".gamma", 0.5f, 1.5f, channels),
                        b.uniform(name + ".beta", -0.5f, 0.5f, channels),
                        b.uniform(name + ".mean", -0.3f, 0.3f, channels),
                        b.uniform(name + ".var", 0.2f, 2f, channels)),
                f("epsilon", 1e-3f));
    }

    @Test
    void batchNormAfterConvAndGemmFoldsAtImportAndKeepsTheLogits() {
        Graph folded = OnnxImporter.parse(lenetWithBatchNorm(false), "folded.onnx");
        Graph unfolded = OnnxImporter.parse(lenetWithBatchNorm(true), "unfolded.onnx");

        assertTrue(folded.nodes().stream().noneMatch(n -> n.op() instanceof Op.BatchNorm));
        assertEquals(
                4,
                unfolded.nodes().stream()
                        .filter(n -> n.op() instanceof Op.BatchNorm)
                        .count());
        assertEquals(
                List.of("conv1", "conv2", "fc1", "fc2"),
                folded.layers().stream().map(Layer::name).toList());
        assertEquals("w1.folded_bias", folded.layers().getFirst().biasName());
        // conv1's first channel, by hand: W' = W · γ/√(σ²+ε), b' = (0 − μ) · γ/√(σ²+ε) + β.
        float[] w = unfolded.initializers().get("w1").data();
        float gamma = unfolded.initializers().get("bn1.gamma").data()[0];
        float var = unfolded.initializers().get("bn1.var").data()[0];
        float mean = unfolded.initializers().get("bn1.mean").data()[0];
        float beta = unfolded.initializers().get("bn1.beta").data()[0];
        double k = gamma / Math.sqrt((double) var + 1e-3f);
        assertEquals((float) (w[3] * k), folded.initializers().get("w1").data()[3]);
        assertEquals(
                (float) (-mean * k + beta),
                folded.initializers().get("w1.folded_bias").data()[0]);

        // Folding reorders float rounding only: the logits agree to 1e-5 of their largest magnitude.
        float[] a = run(folded).data();
        float[] e = run(unfolded).data();
        float scale = 0;
        for (float v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int j = 0; j < e.length; j++) {
            assertEquals(e[j], a[j], 1e-5f * scale, "logit " + j);
        }
    }

    @Test
    void batchNormWhoseInputIsReadTwiceOrWhoseParametersAreInputsStays() {
        ModelBuilder b = new ModelBuilder("bn-stays", 1);
        String x = b.input("x", 1, 28, 28);
        String c = b.node("Conv", "conv", List.of(x, b.weight("w", 2, 1, 3, 3)));
        String n = bn(b, "bn", c, 2, false);
        b.output(b.node("Add", "add", List.of(n, c)));
        Graph g = OnnxImporter.parse(b.bytes(), "twice.onnx");
        assertEquals(
                1,
                g.nodes().stream().filter(v -> v.op() instanceof Op.BatchNorm).count());
    }

    @Test
    void inputShapesBindSymbolicDimensionsButTheBatch() {
        ModelBuilder b = new ModelBuilder("dynamic", 1);
        String x = b.input("x", 3, 1, 1);
        b.output(b.node("Relu", "relu", List.of(x)));
        ModelProto m = b.build();
        var in = m.getGraph().getInput(0).toBuilder();
        var shape = in.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        shape.getDimBuilder(2).clearDimValue().setDimParam("height");
        shape.getDimBuilder(3).clearDimValue().setDimParam("width");
        m = m.toBuilder().setGraph(m.getGraph().toBuilder().setInput(0, in)).build();
        Graph g = OnnxImporter.parse(m.toByteArray(), "dynamic.onnx");
        assertEquals(2, InputShapes.firstSymbolic(g.inputs().getFirst()));

        Graph bound = InputShapes.bind(g, Map.of("x", new int[] {1, 3, 48, 192}));
        assertEquals("x FLOAT[N, 3, 48, 192]", bound.inputs().getFirst().toString());
        assertEquals(-1, InputShapes.firstSymbolic(bound.inputs().getFirst()));
        assertEquals(Shape.of(5, 3, 48, 192), bound.inputs().getFirst().shapeForBatch(5));

        assertTrue(assertThrows(UserInputException.class, () -> InputShapes.bind(g, Map.of("y", new int[] {1})))
                .getMessage()
                .contains("input 'y'"));
        assertThrows(UserInputException.class, () -> InputShapes.bind(g, Map.of("x", new int[] {1, 3, 48})));
        assertThrows(UserInputException.class, () -> InputShapes.bind(g, Map.of("x", new int[] {1, 4, 48, 192})));
    }
}
