package org.bitbudget.onnx;

import static org.bitbudget.testsupport.ModelBuilder.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bitbudget.engine.FakeQuantization;
import org.bitbudget.engine.FloatEngine;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.PrecisionConfigs;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The exporter writes the opset a graph needs: the highest of 13, the graph's own opset and the lowest
 * each operator needs (HardSwish 14, LayerNormalization 17, Gelu 20), with the IR version that goes with
 * it; ONNX Runtime accepts every such file and runs it with BitBudget's results (float: within 1e-5, the
 * float32 rounding of a few operators; QDQ W8A8: within one activation step of the output, see
 * {@link ExportedModelExportTest}). A graph that says opset 13 but holds newer operators (as one built
 * in code may) is raised to what they need.
 */
class ExportOpsetTest {
    private static final int BATCH = 16;

    /** x [N, 8] → MatMul → HardSwish → (LayerNormalization) → (Gelu) → MatMul → [N, 4], at {@code opset}. */
    private static Graph graph(int opset, boolean layerNorm, boolean gelu) {
        ModelBuilder b = new ModelBuilder("opset" + opset, 11).opset(opset);
        b.input("x", 8);
        String y = b.node("MatMul", "fc1", List.of("x", b.weight("w1", 8, 6)));
        y = b.node("HardSwish", "hswish", List.of(y));
        if (layerNorm) {
            y = b.node("LayerNormalization", "ln", List.of(y, b.weight("ln_scale", 6), b.weight("ln_bias", 6)));
        }
        if (gelu) {
            y = b.node("Gelu", "gelu", List.of(y));
        }
        b.output(b.node("MatMul", "fc2", List.of(y, b.weight("w2", 6, 4))));
        return OnnxImporter.parse(b.bytes(), "opset" + opset + ".onnx");
    }

    /** {@code g} as a graph built in code that declares {@code opset}. */
    private static Graph declared(Graph g, int opset) {
        return new Graph(g.name(), opset, g.inputs(), g.outputs(), g.initializers(), g.nodes(), g.metadata());
    }

    @ParameterizedTest(name = "model opset {0}, LayerNormalization {1}, Gelu {2}, declared {3}: writes {4}")
    @CsvSource({
        "14, false, false, 14, 14",
        "14, false, false, 13, 14",
        "17, true, false, 17, 17",
        "17, true, false, 13, 17",
        "20, true, true, 20, 20",
        "20, true, true, 13, 20",
        "21, true, true, 21, 21"
    })
    void writesTheOpsetTheOperatorsNeedAndOnnxRuntimeRunsIt(
            int modelOpset, boolean layerNorm, boolean gelu, int declaredOpset, int written) throws Exception {
        Graph g = declared(graph(modelOpset, layerNorm, gelu), declaredOpset);
        assertEquals(written, OnnxExporter.opset(g));
        Tensor x = Tensor.of(Shape.of(BATCH, 8), ModelBuilder.gaussian(modelOpset, BATCH * 8, 1.5f));

        ModelProto m = ModelProto.parseFrom(OnnxExporter.toBytes(g, Map.of()));
        assertEquals(written, m.getOpsetImport(0).getVersion());
        assertEquals(OnnxExporter.irVersion(written), m.getIrVersion());
        Tensor ours = FloatEngine.builder(g).threads(1).build().predict(x);
        Tensor ort = ExportedModelExportTest.onnxRuntime(m.toByteArray(), "x", x);
        double worst = maxDifference(ours, ort);
        assertTrue(worst <= 1e-5, "float export: max |difference| " + worst);

        String json = "{\"default\": {\"weights\": \"int8\", \"activations\": \"uint8\"}}";
        QuantizedGraph q = FakeQuantization.apply(g, PrecisionConfigs.parse(json, "test", false), x);
        QdqExporter.Export export = QdqExporter.export(g, q, Map.of());
        assertEquals(written, export.opset());
        Tensor fake = FloatEngine.builder(q.graph()).threads(1).build().predict(x);
        double qdq = maxDifference(fake, ExportedModelExportTest.onnxRuntime(export.bytes(), "x", x));
        double step = range(fake) / 255;
        System.out.printf(
                Locale.ROOT,
                "opset %d: float export max |difference| %.2e, QDQ W8A8 %.2e (output step %.2e)%n",
                written,
                worst,
                qdq,
                step);
        assertTrue(qdq <= step, "QDQ export: max |difference| " + qdq + ", one step " + step);
    }

    @Test
    void theFormsOfOpset18AreWrittenAsRead() throws Exception {
        // ReduceMean with its axes as an input, Split by num_outputs, Pad and Resize with axes, and Shape
        // with start/end: each written back in the form it was read, which ONNX Runtime runs.
        ModelBuilder b = new ModelBuilder("opset18", 5).opset(18);
        b.input("x", 4, 6);
        String mean = b.node("ReduceMean", "mean", List.of("x", b.longs("mean_axes", 2)));
        String centred = b.node("Sub", "centred", List.of("x", mean));
        b.node(NodeProto.newBuilder()
                .setOpType("Split")
                .setName("split")
                .addInput(centred)
                .addOutput("left")
                .addOutput("right")
                .addAttribute(ModelBuilder.i("axis", 2))
                .addAttribute(ModelBuilder.i("num_outputs", 2))
                .build());
        String padded = b.node("Pad", "pad", List.of("left", b.longs("pads", 1, 0), "", b.longs("pad_axes", 2)));
        String resized = b.node(
                "Resize",
                "resize",
                List.of(padded, "", b.floats("scales", new int[] {1}, 2f)),
                ints("axes", 2),
                ModelBuilder.s("mode", "nearest"));
        String batch = b.node("Shape", "batch", List.of("right"), ModelBuilder.i("end", 1));
        String target = b.node("Concat", "target", List.of(batch, b.longs("rest", -1)), ModelBuilder.i("axis", 0));
        String flatResized = b.node("Reshape", "flat_resized", List.of(resized, target));
        String flatRight = b.node("Reshape", "flat_right", List.of("right", target));
        b.output(b.node("Concat", "both", List.of(flatResized, flatRight), ModelBuilder.i("axis", 1)));
        Graph g = OnnxImporter.parse(b.bytes(), "opset18.onnx");
        assertEquals(18, OnnxExporter.opset(g));
        Tensor x = Tensor.of(Shape.of(BATCH, 4, 6), ModelBuilder.gaussian(18, BATCH * 24, 1f));
        Tensor ours = FloatEngine.builder(g).threads(1).build().predict(x);
        assertEquals(Shape.of(BATCH, 4 * 8 + 4 * 3), ours.shape());
        Tensor ort = ExportedModelExportTest.onnxRuntime(OnnxExporter.toBytes(g, Map.of()), "x", x);
        assertTrue(maxDifference(ours, ort) <= 1e-6, "max |difference| " + maxDifference(ours, ort));
    }

    @Test
    void anEqualSplitRaisedToOpset20CountsItsParts() throws Exception {
        // Split-13 into equal parts has no sizes; from opset 18 it must say num_outputs.
        ModelBuilder b = new ModelBuilder("split", 5).opset(13);
        b.input("x", 8);
        b.node(NodeProto.newBuilder()
                .setOpType("Split")
                .setName("split")
                .addInput("x")
                .addOutput("a")
                .addOutput("b")
                .addAttribute(ModelBuilder.i("axis", 1))
                .build());
        b.output(b.node("Add", "sum", List.of(b.node("Gelu", "gelu", List.of("a")), "b")));
        Graph g = OnnxImporter.parse(b.bytes(), "split.onnx");
        ModelProto m = ModelProto.parseFrom(OnnxExporter.toBytes(g, Map.of()));
        assertEquals(20, m.getOpsetImport(0).getVersion());
        Tensor x = Tensor.of(Shape.of(BATCH, 8), ModelBuilder.gaussian(20, BATCH * 8, 1f));
        Tensor ours = FloatEngine.builder(g).threads(1).build().predict(x);
        Tensor ort = ExportedModelExportTest.onnxRuntime(m.toByteArray(), "x", x);
        assertTrue(maxDifference(ours, ort) <= 1e-6, "max |difference| " + maxDifference(ours, ort));
    }

    @Test
    void aReductionWithItsAxesAsAnAttributeCannotBeRaisedPastOpset17() {
        // Opset 13 with a Gelu, as code may build it: Gelu raises the export to 20, where ReduceMean takes its
        // axes as an input, which the exporter does not make up; the error names the node and the opset.
        ModelBuilder b = new ModelBuilder("mixed", 3).opset(13);
        b.input("x", 8);
        String m = b.node("ReduceMean", "mean", List.of("x"), ints("axes", 1));
        b.output(b.node("Gelu", "gelu", List.of(m)));
        Graph g = OnnxImporter.parse(b.bytes(), "mixed.onnx");
        assertEquals(20, OnnxExporter.opset(g));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> OnnxExporter.toBytes(g, Map.of()));
        assertEquals("node mean: this ReduceMean has no opset-20 form", e.getMessage());
    }

    private static double maxDifference(Tensor a, Tensor b) {
        assertEquals(a.shape(), b.shape());
        double worst = 0;
        for (int i = 0; i < a.data().length; i++) {
            worst = Math.max(worst, Math.abs(a.data()[i] - b.data()[i]));
        }
        return worst;
    }

    private static double range(Tensor t) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (float v : t.data()) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return hi - lo;
    }
}
