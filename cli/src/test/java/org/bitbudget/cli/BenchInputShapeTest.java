package org.bitbudget.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bitbudget.testsupport.ModelBuilder;
import org.bitbudget.testsupport.NumpyFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench} of a model whose input is {@code [N, 3, H, W]} (symbolic height and width, as a text
 * recogniser exports it), bound to 48 x 192 by {@code --input-shape}: both engines run it.
 */
class BenchInputShapeTest {
    @TempDir
    static Path dir;

    private static Path model;

    @BeforeAll
    static void write() throws Exception {
        ModelBuilder b = new ModelBuilder("strip", 48);
        String x = b.symbolicInput("x", "N", 3, "H", "W");
        String conv = b.node(
                "Conv",
                "conv",
                List.of(x, b.weight("w", 4, 3, 3, 3), b.weight("bias", 4)),
                ModelBuilder.ints("pads", 1, 1, 1, 1));
        String relu = b.node("Relu", "relu", List.of(conv));
        String pool = b.node("GlobalAveragePool", "pool", List.of(relu));
        String flat = b.node("Flatten", "flatten", List.of(pool), ModelBuilder.i("axis", 1));
        b.output(b.node("Gemm", "fc", List.of(flat, b.weight("fc_w", 4, 10))));
        model = Files.write(dir.resolve("strip.onnx"), b.bytes());
        NumpyFiles.write(dir, "images", "8", "3", "48", "192");
    }

    private static JsonNode bench(String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of(
                "bench",
                "--model",
                model.toString(),
                "--input-shape",
                "x=1x3x48x192",
                "--batch",
                "2",
                "--seconds",
                "0.1",
                "--json"));
        args.addAll(List.of(extra));
        BitBudgetCliTest.Run r = BitBudgetCliTest.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return r.json();
    }

    @Test
    void bothEnginesRunA48By192Input() throws Exception {
        JsonNode f = bench();
        assertEquals("float", f.get("engine").asText());
        assertTrue(f.get("images_per_second").asDouble() > 0, f.toString());
        Path config = Files.writeString(
                dir.resolve("int8.json"), "{\"default\": {\"weights\": \"int8\", \"activations\": \"int8\"}}");
        JsonNode i = bench(
                "--engine",
                "integer",
                "--config",
                config.toString(),
                "--data",
                dir.resolve("images.npz").toString());
        assertEquals("integer", i.get("engine").asText());
        assertTrue(i.get("images_per_second").asDouble() > 0, i.toString());
    }

    @Test
    void withoutInputShapeTheErrorSaysWhichShapeToGive() {
        // The default data (grey 28 x 28 pictures) do not fit the three channels, so they bind nothing.
        BitBudgetCliTest.Run r = BitBudgetCliTest.run("bench", "--model", model.toString(), "--seconds", "0.1");
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("give --input-shape x=1x3x<H>x<W>"), r.err());
    }
}
