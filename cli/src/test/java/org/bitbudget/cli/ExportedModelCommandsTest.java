package org.bitbudget.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bitbudget.experiments.batch.ResultsCsv;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.precision.QuantizedGraph;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.testsupport.ExportedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code costs}, {@code quantize}, {@code export} and a one-run {@code batch} (searching with the
 * bit-gradient estimator, whose backward pass covers every operator of the exports) on the two PyTorch
 * exports, at small sizes, as a user runs them.
 */
class ExportedModelCommandsTest {
    private static final String NORMALIZE = "0.2860,0.3530";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ExportedModels.MOBILENETV3, ExportedModels.VIT})
    void costsCountEveryLayerOfTheExport(String model) throws Exception {
        Path file = ExportedModels.model(model);
        Graph graph = OnnxImporter.load(file);
        BitBudgetCliTest.Run inspect = BitBudgetCliTest.run("inspect", "--model", file.toString(), "--json");
        assertEquals(0, inspect.code(), inspect.err());
        BitBudgetCliTest.Run r =
                BitBudgetCliTest.run("costs", "--model", file.toString(), "--formats", "int8,int4", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode int8 = r.json().get("uniform").get("int8");
        assertEquals(inspect.json().get("macs").asLong(), int8.get("macs").asLong());
        assertEquals(
                inspect.json().get("macs").asLong() * 8 * 32, int8.get("bops").asLong());
        // Weights at 8 bits, a 32-bit bias and a 32-bit float scale per output channel.
        long size = 0;
        for (Layer l : graph.layers()) {
            size += 8L * l.weightShape().size()
                    + 32L * l.biasParams()
                    + 32L * l.weightShape().dim(QuantizedGraph.channelAxis(l));
        }
        assertEquals(size, int8.get("size_bits").asLong());
        assertEquals(2 * graph.layers().size(), r.json().get("layers").size());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ExportedModels.MOBILENETV3, ExportedModels.VIT})
    void quantizeAndExportWriteModelsThatLoadBack(String model, @TempDir Path dir) throws Exception {
        Path file = ExportedModels.model(model);
        Path config = dir.resolve("w4a8.json");
        Files.writeString(config, "{\"default\": {\"weights\": \"int4\", \"activations\": \"uint8\"}}");
        Path fake = dir.resolve("q.onnx");
        BitBudgetCliTest.Run q = BitBudgetCliTest.run(
                "quantize",
                "--model",
                file.toString(),
                "--config",
                config.toString(),
                "--out",
                fake.toString(),
                "--normalize",
                NORMALIZE,
                "--calibration",
                "64",
                "--json");
        assertEquals(0, q.code(), q.err());
        int layers = OnnxImporter.load(file).layers().size();
        assertEquals(layers, q.json().get("layers").size());
        Path qdq = dir.resolve("q.qdq.onnx");
        BitBudgetCliTest.Run e = BitBudgetCliTest.run(
                "export",
                "--model",
                file.toString(),
                "--config",
                config.toString(),
                "--out",
                qdq.toString(),
                "--container",
                "int8",
                "--normalize",
                NORMALIZE,
                "--calibration",
                "64",
                "--json");
        assertEquals(0, e.code(), e.err());
        assertEquals(17, e.json().get("opset").asInt(), "the model's own opset (int8 container)");
        for (JsonNode l : e.json().get("layers")) {
            assertEquals("qdq-int8", l.get("weights").asText());
            assertEquals("qdq-uint8", l.get("activations").asText());
        }
        // The fake-quantized file is an ordinary ONNX model: eval runs it (ONNX Runtime runs both files in
        // the engine module's ExportedModelExportTest).
        BitBudgetCliTest.Run ev = BitBudgetCliTest.run(
                "eval", "--model", fake.toString(), "--normalize", NORMALIZE, "--limit", "100", "--json");
        assertEquals(0, ev.code(), ev.err());
        assertTrue(ev.json().get("accuracy").asDouble() > 0.7, ev.out());
    }

    @Test
    void batchSearchesTheVisionTransformerWithAGradientEstimator(@TempDir Path dir) throws Exception {
        String model = ExportedModels.VIT;
        Path yaml = dir.resolve("exported.yaml");
        Files.writeString(yaml, """
            name: exported
            models: [{name: %s, path: %s, normalize: "%s"}]
            data: fashion-mnist
            formats: [int8, int4, int2]
            estimators: [bit-gradient]
            strategies: [ilp]
            budgets: ["size <= 0.6 x int8"]
            seeds: [0]
            limit: 200
            calibration: 64
            """.formatted(model, ExportedModels.model(model), NORMALIZE));
        Path out = dir.resolve("out");
        BitBudgetCliTest.Run r = BitBudgetCliTest.run("batch", yaml.toString(), "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        List<Map<String, String>> rows =
                ResultsCsv.read(out.resolve("results.csv")).rows();
        assertEquals(1, rows.size());
        Map<String, String> row = rows.getFirst();
        assertEquals("bit-gradient", row.get("estimator"));
        long int8Bits = Long.parseLong(BitBudgetCliTest.run(
                        "costs", "--model", ExportedModels.model(model).toString(), "--formats", "int8", "--json")
                .json()
                .get("uniform")
                .get("int8")
                .get("size_bits")
                .asText());
        assertTrue(Double.parseDouble(row.get("size_bits")) <= 0.6 * int8Bits, row.toString());
        assertTrue(Double.parseDouble(row.get("accuracy")) > 0.7, row.toString());
    }
}
