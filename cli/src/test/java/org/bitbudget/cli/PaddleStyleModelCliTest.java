package org.bitbudget.cli;

import static org.bitbudget.cli.BitBudgetCliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bitbudget.cli.BitBudgetCliTest.Run;
import org.bitbudget.testsupport.PaddleStyleModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inspect}, {@code eval} and {@code quantize} on a model written as paddle2onnx writes one
 * (opset 9, Constant-node weights, unfolded BatchNorms, symbolic height and width), here with one
 * input channel so that Fashion-MNIST feeds it.
 */
class PaddleStyleModelCliTest {
    private static final String SHAPE = "x=1x1x28x28";

    @Test
    void inspectEvalAndQuantizeWithInputShape(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("paddle.onnx");
        Files.write(model, PaddleStyleModel.bytes(1, 3));
        String m = model.toString();

        Run inspect = run("inspect", "--model", m, "--input-shape", SHAPE, "--json");
        assertEquals(0, inspect.code(), inspect.err());
        assertEquals(
                PaddleStyleModel.LAYERS,
                inspect.json()
                        .get("layers")
                        .valueStream()
                        .map(l -> l.get("name").asText())
                        .toList());
        assertEquals(
                "[1,8,14,14]",
                inspect.json().get("layers").get(0).get("output_shape").toString());

        Path w8a8 = dir.resolve("w8a8.json");
        Files.writeString(w8a8, "{\"default\": {\"weights\": \"int8\", \"activations\": \"int8\"}}");
        Run eval = run(
                "eval",
                "--model",
                m,
                "--input-shape",
                SHAPE,
                "--data",
                "fashion-mnist",
                "--limit",
                "40",
                "--config",
                w8a8.toString(),
                "--json");
        assertEquals(0, eval.code(), eval.err());
        assertEquals(40, eval.json().get("samples").asInt());

        // Activation quantizers are written as Round chains, which opset 9 lacks: refused in one line.
        Path refused = dir.resolve("refused.onnx");
        Run noRound = run(
                "quantize",
                "--model",
                m,
                "--input-shape",
                SHAPE,
                "--data",
                "fashion-mnist",
                "--config",
                w8a8.toString(),
                "--out",
                refused.toString());
        assertEquals(2, noRound.code(), noRound.err());
        assertTrue(noRound.err().contains("need opset 11"), noRound.err());
        assertTrue(Files.notExists(refused));

        // Weight-only int8 written out: the file runs to the logits of the same config applied in memory.
        Path w8 = dir.resolve("w8.json");
        Files.writeString(w8, "{\"default\": {\"weights\": \"int8\"}}");
        Path quantized = dir.resolve("paddle.int8.onnx");
        Run quantize = run(
                "quantize",
                "--model",
                m,
                "--input-shape",
                SHAPE,
                "--data",
                "fashion-mnist",
                "--config",
                w8.toString(),
                "--out",
                quantized.toString(),
                "--json");
        assertEquals(0, quantize.code(), quantize.err());
        assertEquals(
                PaddleStyleModel.LAYERS.size(), quantize.json().get("layers").size());
        Path inMemory = dir.resolve("in-memory.csv");
        Path fromFile = dir.resolve("from-file.csv");
        Run a = run(
                "eval",
                "--model",
                m,
                "--input-shape",
                SHAPE,
                "--data",
                "fashion-mnist",
                "--limit",
                "40",
                "--config",
                w8.toString(),
                "--logits",
                inMemory.toString());
        Run b = run(
                "eval",
                "--model",
                quantized.toString(),
                "--input-shape",
                SHAPE,
                "--data",
                "fashion-mnist",
                "--limit",
                "40",
                "--logits",
                fromFile.toString());
        assertEquals(0, a.code(), a.err());
        assertEquals(0, b.code(), b.err());
        List<String> expected = Files.readAllLines(inMemory);
        List<String> actual = Files.readAllLines(fromFile);
        assertEquals(41, expected.size());
        assertEquals(expected, actual);
    }
}
