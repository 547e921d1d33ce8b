package org.bitbudget.cli;

import static org.bitbudget.cli.BitBudgetCliTest.run;
import static org.bitbudget.testsupport.ModelBuilder.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bitbudget.cli.BitBudgetCliTest.Run;
import org.bitbudget.testsupport.ModelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inspect} on models with unsupported operators, and {@code --input-shape} on dynamic ones. */
class ImportOptionsTest {
    /** Conv, Det, Conv, Det, a foreign-domain node, Gemm: two unsupported types, three nodes. */
    private static Path unsupported(Path dir) throws Exception {
        ModelBuilder b = new ModelBuilder("partly", 1);
        String x = b.input("x", 1, 8, 8);
        String c1 = b.node("Conv", "c1", List.of(x, b.weight("w1", 2, 1, 3, 3)));
        String h1 = b.node("Det", "h1", List.of(c1));
        String c2 = b.node("Conv", "c2", List.of(h1, b.weight("w2", 3, 2, 3, 3)));
        String h2 = b.node("Det", "h2", List.of(c2));
        String flat = b.node("Flatten", "flat", List.of(h2));
        b.node(NodeProto.newBuilder()
                .setOpType("Thing")
                .setDomain("com.example")
                .setName("thing")
                .addInput(flat)
                .addOutput("thing:0")
                .build());
        b.output(b.node("Gemm", "fc", List.of("thing:0", b.weight("fw", 48, 10)), ModelBuilder.i("transB", 0)));
        Path file = dir.resolve("partly.onnx");
        Files.write(file, b.bytes());
        return file;
    }

    @Test
    void inspectListsEveryUnsupportedOperatorAndTheLayersItRead(@TempDir Path dir) throws Exception {
        Path model = unsupported(dir);
        Run r = run("inspect", "--model", model.toString(), "--json");
        assertEquals(2, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals(false, j.get("complete").asBoolean());
        JsonNode first = j.get("unsupported").get(0);
        assertEquals("Det", first.get("op").asText());
        assertEquals(2, first.get("count").asInt());
        assertEquals("h1", first.get("first_node").asText());
        assertEquals("com.example.Thing", j.get("unsupported").get(1).get("op").asText());
        assertEquals(2, j.get("unsupported").size());
        assertEquals(
                List.of("c1", "c2", "fc"),
                j.get("layers").valueStream().map(l -> l.get("name").asText()).toList());
        assertEquals(
                "bitbudget: " + model + ": 3 nodes of 2 unsupported operator types (Det, com.example.Thing)",
                r.err().strip());

        Run text = run("inspect", "--model", model.toString());
        assertEquals(2, text.code());
        assertTrue(text.out().contains("Det"), text.out());
        assertTrue(text.out().lines().anyMatch(l -> l.strip().startsWith("c2 ")), text.out());
    }

    /** x[N, 1, H, W] → Conv → GlobalAveragePool → Flatten → Gemm. */
    private static Path dynamic(Path dir) throws Exception {
        ModelBuilder b = new ModelBuilder("dynamic", 3);
        String x = b.input("x", 1, 1, 1);
        String c = b.node("Conv", "conv", List.of(x, b.weight("w", 4, 1, 3, 3)), ints("pads", 1, 1, 1, 1));
        String p = b.node("GlobalAveragePool", "gap", List.of(c));
        String flat = b.node("Flatten", "flat", List.of(p));
        b.output(b.node("Gemm", "fc", List.of(flat, b.weight("fw", 10, 4)), ModelBuilder.i("transB", 1)));
        ModelProto m = b.build();
        var in = m.getGraph().getInput(0).toBuilder();
        var shape = in.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        shape.getDimBuilder(2).clearDimValue().setDimParam("height");
        shape.getDimBuilder(3).clearDimValue().setDimParam("width");
        Path file = dir.resolve("dynamic.onnx");
        Files.write(
                file,
                m.toBuilder()
                        .setGraph(m.getGraph().toBuilder().setInput(0, in))
                        .build()
                        .toByteArray());
        return file;
    }

    @Test
    void symbolicDimensionsNeedInputShape(@TempDir Path dir) throws Exception {
        Path model = dynamic(dir);
        Run missing = run("inspect", "--model", model.toString());
        assertEquals(2, missing.code());
        assertEquals(
                "bitbudget: input 'x': dimension 2 ('height') is symbolic; give --input-shape x=1x1x<height>x<width>",
                missing.err().strip());

        Run r = run("inspect", "--model", model.toString(), "--input-shape", "x=1x1x28x28", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(
                "[1,1,28,28]", r.json().get("layers").get(0).get("input_shape").toString());

        Run eval = run(
                "eval",
                "--model",
                model.toString(),
                "--input-shape",
                "x=1x1x28x28",
                "--data",
                "fashion-mnist",
                "--limit",
                "20",
                "--json");
        assertEquals(0, eval.code(), eval.err());
        assertEquals(20, eval.json().get("samples").asInt());
        // A command with data takes the sizes from its samples, [1, 28, 28] here.
        Run fromData = run("eval", "--model", model.toString(), "--data", "fashion-mnist", "--limit", "20", "--json");
        assertEquals(0, fromData.code(), fromData.err());
        assertEquals(eval.json().get("accuracy"), fromData.json().get("accuracy"));

        Run bad = run("inspect", "--model", model.toString(), "--input-shape", "y=1x1x28x28");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("bitbudget: input 'y': the model has no such input (inputs: x)"), bad.err());
        Run malformed = run("inspect", "--model", model.toString(), "--input-shape", "x=28by28");
        assertEquals(2, malformed.code());
        assertTrue(malformed.err().startsWith("bitbudget: --input-shape x=28by28: expected NAME="), malformed.err());
    }
}
