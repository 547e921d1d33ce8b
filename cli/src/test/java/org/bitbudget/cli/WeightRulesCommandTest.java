package org.bitbudget.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code search --clipping max,auto --bias-correction candidate} on the reference LeNet-5: the written
 * config holds each layer's settled rule and bias shifts, and {@code eval --config} of it gives the
 * search's accuracy exactly; bad values are one-line errors naming the flag.
 */
class WeightRulesCommandTest {
    private static final Path LENET =
            Path.of(System.getProperty("bitbudget.shared", "../../shared")).resolve("models/lenet5.onnx");

    @Test
    void searchedConfigsRecordTheSettledRulesAndEvalReproducesThem(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        BitBudgetCliTest.Run search = BitBudgetCliTest.run(
                "search",
                "--model",
                LENET.toString(),
                "--normalize",
                "0.2860,0.3530",
                "--budget",
                "size <= 0.4*int8",
                "--formats",
                "int4,int3",
                "--clipping",
                "max,auto",
                "--bias-correction",
                "candidate",
                "--limit",
                "1000",
                "--calibration",
                "256",
                "--pareto",
                "0",
                "--out",
                out.toString(),
                "--json");
        assertEquals(0, search.code(), search.err());
        JsonNode j = search.json();
        assertEquals(8, j.get("uniform").size(), "2 formats x 2 rules x with/without bias correction");
        String config = Files.readString(out.resolve("config.json"));
        assertFalse(config.contains("auto"), config);
        assertFalse(config.contains("\"bias_correction\" : true"), config);
        BitBudgetCliTest.Run eval = BitBudgetCliTest.run(
                "eval",
                "--model",
                LENET.toString(),
                "--normalize",
                "0.2860,0.3530",
                "--config",
                out.resolve("config.json").toString(),
                "--limit",
                "1000",
                "--json");
        assertEquals(0, eval.code(), eval.err());
        assertEquals(j.get("engine").asText(), eval.json().get("engine").asText());
        assertEquals(j.get("accuracy").asDouble(), eval.json().get("accuracy").asDouble(), 0.0);
    }

    @Test
    void badRulesAndModesNameTheirFlag() {
        BitBudgetCliTest.Run rule =
                BitBudgetCliTest.run("search", "--model", LENET.toString(), "--clipping", "max,minmax");
        assertEquals(2, rule.code());
        assertTrue(rule.err().startsWith("bitbudget: --clipping: 'minmax' is not max, mse"), rule.err());
        BitBudgetCliTest.Run mode =
                BitBudgetCliTest.run("search", "--model", LENET.toString(), "--bias-correction", "yes");
        assertEquals(
                "bitbudget: --bias-correction: 'yes' is not off, on or candidate",
                mode.err().strip());
        BitBudgetCliTest.Run sensitivity = BitBudgetCliTest.run(
                "sensitivity", "--model", LENET.toString(), "--formats", "int4/per-channel/auto", "--json");
        assertEquals(2, sensitivity.code());
        assertTrue(
                sensitivity.err().startsWith("bitbudget: --formats: 'int4/per-channel/auto': clipping auto and bias"),
                sensitivity.err());
    }
}
