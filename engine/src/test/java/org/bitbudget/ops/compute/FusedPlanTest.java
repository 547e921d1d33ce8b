package org.bitbudget.ops.compute;

import static org.bitbudget.testsupport.ModelBuilder.f;
import static org.bitbudget.testsupport.ModelBuilder.i;
import static org.bitbudget.testsupport.ModelBuilder.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Split;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ExportedModels;
import org.bitbudget.testsupport.ModelBuilder;
import org.bitbudget.testsupport.SharedModels;
import org.junit.jupiter.api.Test;

/**
 * Checks the plan {@link FloatEngine#run} and {@link FloatEngine#predict} execute: which Relu and
 * Clip nodes it fuses into the Conv or Gemm before them (and which it must not), that it gives
 * exactly the bits of the node-by-node plan {@link FloatEngine#capture} runs, that capture and
 * valueShapes still see every value, and that the arrays it reuses between calls never reach a
 * caller.
 */
class FusedPlanTest {
    private static final long SEED = 20_250_301L;

    @Test
    void lenet5FusesEachReluIntoTheConvOrGemmBeforeIt() {
        FloatEngine engine = FloatEngine.builder(lenet5()).threads(1).build();
        assertEquals(
                List.of(
                        "Conv /c1/Conv + Relu /Relu",
                        "MaxPool /MaxPool",
                        "Conv /c2/Conv + Relu /Relu_1",
                        "MaxPool /MaxPool_1",
                        "Flatten /Flatten",
                        "Gemm /f1/Gemm + Relu /Relu_2",
                        "Gemm /f2/Gemm + Relu /Relu_3",
                        "Gemm /f3/Gemm"),
                engine.plan());
    }

    @Test
    void lenet5GivesTheNodeByNodeBitsAtEveryBatchSize() {
        Graph graph = lenet5();
        Tensor images = DataSources.open("fashion-mnist", Split.TEST)
                .batch(0, 300, new org.bitbudget.data.Normalization(0.2860f, 0.3530f));
        for (int threads : new int[] {1, 2}) {
            FloatEngine engine = FloatEngine.builder(graph).threads(threads).build();
            for (int batch : new int[] {1, 31, 256}) {
                for (int from = 0; from + batch <= 300; from += batch == 1 ? 37 : batch) {
                    Tensor x = slice(images, from, batch);
                    Tensor nodeByNode = engine.capture(Map.of("input", x), List.of("logits"))
                            .get("logits");
                    String where = "batch " + batch + " from image " + from + ", " + threads + " threads";
                    assertSameBits(nodeByNode, engine.predict(x), where + ", predict");
                    assertSameBits(nodeByNode, engine.run(Map.of("input", x)).get("logits"), where + ", run");
                }
            }
        }
    }

    @Test
    void captureAndValueShapesStillSeeTheConvOutputBeforeItsRelu() {
        FloatEngine engine = FloatEngine.builder(lenet5()).threads(1).build();
        Tensor x = Tensor.of(Shape.of(2, 1, 28, 28), ModelBuilder.gaussian(SEED, 2 * 28 * 28, 1f));
        Map<String, Tensor> values = engine.capture(Map.of("input", x), List.of("/c1/Conv_output_0", "/Relu_output_0"));
        float[] conv = values.get("/c1/Conv_output_0").data();
        float[] relu = values.get("/Relu_output_0").data();
        assertTrue(Arrays.stream(box(conv)).anyMatch(v -> v < 0), "the conv output is captured before its Relu");
        for (int k = 0; k < conv.length; k++) {
            assertEquals(Float.floatToIntBits(Math.max(conv[k], 0f)), Float.floatToIntBits(relu[k]), "value " + k);
        }
        Map<String, Shape> shapes = engine.valueShapes(3);
        assertEquals(Shape.of(3, 6, 28, 28), shapes.get("/c1/Conv_output_0"));
        assertEquals(Shape.of(3, 120), shapes.get("/f1/Gemm_output_0"));
        assertEquals(23, shapes.size(), "every initializer, input, intermediate and output: " + shapes.keySet());
    }

    @Test
    void fusesClipWithConstantBoundsOfEveryForm() {
        ModelBuilder b = new ModelBuilder("clips", SEED);
        String x = b.input("x", 3, 9, 9);
        String c1 = b.node(
                "Conv",
                "/c1/Conv",
                List.of(x, b.weight("w1", 4, 3, 3, 3), b.weight("b1", 4)),
                ints("pads", 1, 1, 1, 1));
        String r1 = b.node("Clip", "/c1/Clip", List.of(c1, b.scalar("lo", -0.1f), b.scalar("hi", 0.2f)));
        String c2 = b.node("Conv", "/c2/Conv", List.of(r1, b.weight("w2", 4, 4, 1, 1)));
        String r2 = b.node("Clip", "/c2/Clip", List.of(c2, "", b.scalar("six", 0.05f)));
        String c3 = b.node("Conv", "/c3/Conv", List.of(r2, b.weight("w3", 2, 4, 3, 3)), ints("strides", 2, 2));
        // min above max: every value becomes max.
        String r3 = b.node("Clip", "/c3/Clip", List.of(c3, b.scalar("one", 1f), b.scalar("half", 0.5f)));
        String flat = b.node("Flatten", "/flatten/Flatten", List.of(r3));
        String g = b.node("Gemm", "/fc/Gemm", List.of(flat, b.weight("wf", 5, 32), b.weight("bf", 5)), i("transB", 1));
        String y = b.node("Clip", "/fc/Clip", List.of(g, b.scalar("zero", 0f)));
        FloatEngine engine = engine(b.output(y));
        assertEquals(
                List.of(
                        "Conv /c1/Conv + Clip /c1/Clip",
                        "Conv /c2/Conv + Clip /c2/Clip",
                        "Conv /c3/Conv + Clip /c3/Clip",
                        "Flatten /flatten/Flatten",
                        "Gemm /fc/Gemm + Clip /fc/Clip"),
                engine.plan());
        assertFusedEqualsNodeByNode(engine, 4f);
    }

    @Test
    void fusesClipWithAttributeBoundsBeforeOpset11() {
        ModelBuilder b = new ModelBuilder("clip6", SEED).opset(6);
        String x = b.input("x", 2, 6, 6);
        String c = b.node("Conv", "/c/Conv", List.of(x, b.weight("w", 3, 2, 3, 3), b.weight("b", 3)));
        String y = b.node("Clip", "/c/Clip", List.of(c), f("min", 0f), f("max", 0.3f));
        FloatEngine engine = engine(b.output(y));
        assertEquals(List.of("Conv /c/Conv + Clip /c/Clip"), engine.plan());
        assertFusedEqualsNodeByNode(engine, 3f);
    }

    @Test
    void leavesAloneWhatItCannotFuse() {
        ModelBuilder b = new ModelBuilder("unfusable", SEED);
        String x = b.input("x", 3, 8, 8);
        // Read by Relu and by Add: the plain conv output must exist.
        String c1 = b.node("Conv", "/c1/Conv", List.of(x, b.weight("w1", 3, 3, 3, 3)), ints("pads", 1, 1, 1, 1));
        String r1 = b.node("Relu", "/c1/Relu", List.of(c1));
        String sum = b.node("Add", "/add/Add", List.of(r1, c1));
        // A bound computed by a node is not known when the plan is compiled.
        String bound = b.node("Identity", "/bound/Identity", List.of(b.scalar("hi", 0.5f)));
        String c2 = b.node("Conv", "/c2/Conv", List.of(sum, b.weight("w2", 3, 3, 1, 1)));
        String r2 = b.node("Clip", "/c2/Clip", List.of(c2, "", bound));
        // Relu after BatchNormalization, not after the Conv.
        String c3 = b.node("Conv", "/c3/Conv", List.of(r2, b.weight("w3", 3, 3, 1, 1)));
        String bn = b.node(
                "BatchNormalization",
                "/c3/bn",
                List.of(
                        c3,
                        b.uniform("gamma", 0.5f, 1.5f, 3),
                        b.uniform("beta", -0.5f, 0.5f, 3),
                        b.uniform("mean", -0.5f, 0.5f, 3),
                        b.uniform("var", 0.5f, 2f, 3)));
        String r3 = b.node("Relu", "/c3/Relu", List.of(bn));
        // A graph output itself.
        String c4 = b.node("Conv", "/c4/Conv", List.of(r3, b.weight("w4", 2, 3, 1, 1)));
        String r4 = b.node("Relu", "/c4/Relu", List.of(c4));
        // As written: the importer would fold the bound and the BatchNorm away.
        FloatEngine engine = FloatEngine.builder(
                        OnnxImporter.parseUnfolded(b.output(r4).output(c4).bytes(), "test.onnx"))
                .threads(2)
                .build();
        assertEquals(
                List.of(
                        "Conv /c1/Conv",
                        "Relu /c1/Relu",
                        "Add /add/Add",
                        "Identity /bound/Identity",
                        "Conv /c2/Conv",
                        "Clip /c2/Clip",
                        "Conv /c3/Conv",
                        "BatchNormalization /c3/bn",
                        "Relu /c3/Relu",
                        "Conv /c4/Conv",
                        "Relu /c4/Relu"),
                engine.plan());
        assertFusedEqualsNodeByNode(engine, 1f);
    }

    /**
     * Residual blocks as ResNet and MobileNetV3 write them: the Add (and the Relu or Clip after it)
     * joins the Conv that runs second, whose other operand is then computed; an Add reading a
     * constant that broadcasts, a depthwise Conv's Add and an Add that is a graph output fuse too.
     */
    @Test
    void fusesResidualAddsIntoTheConvThatRunsSecond() {
        ModelBuilder b = new ModelBuilder("residual", SEED);
        String x = b.input("x", 4, 10, 10);
        // Identity shortcut, 3x3 padded main branch (the wide route).
        String c1 = b.node(
                "Conv",
                "/b1/conv1/Conv",
                List.of(x, b.weight("w1", 4, 4, 3, 3), b.weight("b1", 4)),
                ints("pads", 1, 1, 1, 1));
        String r1 = b.node("Relu", "/b1/conv1/Relu", List.of(c1));
        String c2 = b.node(
                "Conv",
                "/b1/conv2/Conv",
                List.of(r1, b.weight("w2", 4, 4, 3, 3), b.weight("b2", 4)),
                ints("pads", 1, 1, 1, 1));
        String a1 = b.node("Add", "/b1/Add", List.of(c2, x));
        String y1 = b.node("Relu", "/b1/Relu", List.of(a1));
        // Strided block: the main branch runs first, so the Add joins the 1x1 strided shortcut (im2col).
        String c3 = b.node(
                "Conv",
                "/b2/conv1/Conv",
                List.of(y1, b.weight("w3", 6, 4, 3, 3)),
                ints("pads", 1, 1, 1, 1),
                ints("strides", 2, 2));
        String c4 = b.node("Conv", "/b2/conv2/Conv", List.of(c3, b.weight("w4", 6, 6, 1, 1), b.weight("b4", 6)));
        String s2 = b.node("Conv", "/b2/shortcut/Conv", List.of(y1, b.weight("ws", 6, 4, 1, 1)), ints("strides", 2, 2));
        String a2 = b.node("Add", "/b2/Add", List.of(c4, s2));
        String y2 = b.node("Clip", "/b2/Clip", List.of(a2, b.scalar("lo", -0.5f), b.scalar("hi", 0.5f)));
        // Depthwise, its input as the shortcut.
        String d = b.node(
                "Conv", "/dw/Conv", List.of(y2, b.weight("wd", 6, 1, 3, 3)), ints("pads", 1, 1, 1, 1), i("group", 6));
        String a3 = b.node("Add", "/dw/Add", List.of(y2, d));
        // Not fusable: the Add reads the Conv's result twice.
        String c5 = b.node("Conv", "/twice/Conv", List.of(a3, b.weight("w5", 6, 6, 1, 1)));
        String a4 = b.node("Add", "/twice/Add", List.of(c5, c5));
        String c6 = b.node("Conv", "/last/Conv", List.of(a4, b.weight("w6", 2, 6, 1, 1)));
        // A constant that broadcasts; the Add is a graph output.
        String y = b.node("Add", "/last/Add", List.of(c6, b.uniform("tail", -1f, 1f, 2, 5, 5)));
        FloatEngine engine = engine(b.output(y));
        assertEquals(
                List.of(
                        "Conv /b1/conv1/Conv + Relu /b1/conv1/Relu",
                        "Conv /b1/conv2/Conv + Add /b1/Add + Relu /b1/Relu",
                        "Conv /b2/conv1/Conv",
                        "Conv /b2/conv2/Conv",
                        "Conv /b2/shortcut/Conv + Add /b2/Add + Clip /b2/Clip",
                        "Conv /dw/Conv + Add /dw/Add",
                        "Conv /twice/Conv",
                        "Add /twice/Add",
                        "Conv /last/Conv + Add /last/Add"),
                engine.plan());
        assertFusedEqualsNodeByNode(engine, 2f);
    }

    /** The exported MobileNetV3-style model, whose blocks end in residual Adds, keeps its bits. */
    @Test
    void mobileNetV3GivesTheNodeByNodeBits() {
        Graph graph = OnnxImporter.load(ExportedModels.model(ExportedModels.MOBILENETV3));
        FloatEngine engine = FloatEngine.builder(graph).threads(2).build();
        assertTrue(
                engine.plan().contains("Conv /blocks/blocks.0/project/Conv + Add /blocks/blocks.0/Add"),
                engine.plan().toString());
        Tensor images = DataSources.open("fashion-mnist", Split.TEST)
                .batch(0, 40, new org.bitbudget.data.Normalization(0.2860f, 0.3530f));
        String input = graph.inputs().getFirst().name();
        String output = graph.outputs().getFirst().name();
        Tensor nodeByNode =
                engine.capture(Map.of(input, images), List.of(output)).get(output);
        assertSameBits(nodeByNode, engine.predict(images), "predict");
        assertSameBits(nodeByNode, engine.run(Map.of(input, images)).get(output), "run");
    }

    /**
     * A Conv whose result reaches the caller through Flatten, Reshape or Identity must not reuse its
     * array: the second call would overwrite what the first returned. Convolutions without bias
     * and with strides (the im2col path) must also clear a reused array before accumulating.
     */
    @Test
    void reusedArraysNeverReachTheCaller() {
        ModelBuilder b = new ModelBuilder("aliases", SEED);
        String x = b.input("x", 2, 9, 9);
        String c1 = b.node("Conv", "/c1/Conv", List.of(x, b.weight("w1", 4, 2, 3, 3)), ints("strides", 2, 2));
        String flat = b.node("Flatten", "/flatten/Flatten", List.of(c1));
        String c2 = b.node("Conv", "/c2/Conv", List.of(x, b.weight("w2", 3, 2, 3, 3)), ints("strides", 2, 2));
        String same = b.node("Identity", "/same/Identity", List.of(c2));
        String pool = b.node("MaxPool", "/pool/MaxPool", List.of(x), ints("kernel_shape", 2, 2), ints("strides", 2, 2));
        String reshaped = b.node("Reshape", "/reshape/Reshape", List.of(pool, b.longs("shape", 0, -1)));
        String c3 = b.node("Conv", "/c3/Conv", List.of(x, b.weight("w3", 3, 2, 3, 3)), ints("strides", 2, 2));
        String r3 = b.node("Relu", "/c3/Relu", List.of(c3));
        String p3 = b.node("MaxPool", "/p3/MaxPool", List.of(r3), ints("kernel_shape", 2, 2));
        String y = b.node("Flatten", "/p3/Flatten", List.of(p3));
        Graph graph = OnnxImporter.parse(
                b.output(flat).output(same).output(reshaped).output(y).bytes(), "aliases");
        FloatEngine engine = FloatEngine.builder(graph).threads(1).build();
        List<String> outputs = graph.outputs().stream().map(v -> v.name()).toList();

        Tensor first = Tensor.of(Shape.of(3, 2, 9, 9), ModelBuilder.gaussian(SEED, 3 * 2 * 81, 1f));
        Tensor second = Tensor.of(Shape.of(3, 2, 9, 9), ModelBuilder.gaussian(SEED + 1, 3 * 2 * 81, 1f));
        Map<String, Tensor> firstRun = engine.run(Map.of("x", first));
        Map<String, float[]> kept = new java.util.HashMap<>();
        firstRun.forEach((k, v) -> kept.put(k, v.data().clone()));
        Map<String, Tensor> secondRun = engine.run(Map.of("x", second));
        Map<String, Tensor> expected = engine.capture(Map.of("x", second), outputs);
        for (String name : outputs) {
            assertSameBits(
                    Tensor.of(firstRun.get(name).shape(), kept.get(name)),
                    firstRun.get(name),
                    name + " of the first call, after the second");
            assertSameBits(expected.get(name), secondRun.get(name), name + " of the second call");
        }
    }

    private static Graph lenet5() {
        return OnnxImporter.load(SharedModels.model("lenet5.onnx"));
    }

    private static FloatEngine engine(ModelBuilder b) {
        return FloatEngine.builder(OnnxImporter.parse(b.bytes(), "test.onnx"))
                .threads(2)
                .build();
    }

    /** predict and run (fused) against capture (node by node), twice, at batch 1, 3 and 33. */
    private static void assertFusedEqualsNodeByNode(FloatEngine engine, float scale) {
        Graph graph = engine.graph();
        String input = graph.inputs().getFirst().name();
        List<String> outputs = graph.outputs().stream().map(v -> v.name()).toList();
        for (int batch : new int[] {1, 3, 33, 3}) {
            Shape shape = graph.inputs().getFirst().shapeForBatch(batch);
            Tensor x = Tensor.of(shape, ModelBuilder.gaussian(SEED + batch, shape.size(), scale));
            Map<String, Tensor> nodeByNode = engine.capture(Map.of(input, x), outputs);
            Map<String, Tensor> fused = engine.run(Map.of(input, x));
            for (String name : outputs) {
                assertSameBits(nodeByNode.get(name), fused.get(name), name + " at batch " + batch);
            }
            assertSameBits(nodeByNode.get(outputs.getFirst()), engine.predict(x), "predict at batch " + batch);
        }
    }

    private static Tensor slice(Tensor images, int from, int count) {
        int per = images.shape().size() / images.shape().dim(0);
        return Tensor.of(
                images.shape().with(0, count), Arrays.copyOfRange(images.data(), from * per, (from + count) * per));
    }

    private static Float[] box(float[] v) {
        Float[] out = new Float[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = v[k];
        }
        return out;
    }

    private static void assertSameBits(Tensor expected, Tensor actual, String where) {
        assertEquals(expected.shape(), actual.shape(), where);
        for (int k = 0; k < expected.data().length; k++) {
            int e = Float.floatToIntBits(expected.data()[k]);
            int a = Float.floatToIntBits(actual.data()[k]);
            if (e != a) {
                assertEquals(expected.data()[k], actual.data()[k], where + ", value " + k);
                assertEquals(e, a, where + ", value " + k + " (sign of zero)");
            }
        }
    }
}
