package org.bitbudget.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bitbudget search} on the reference LeNet-5: its outputs, and one-line errors for bad budgets. */
class SearchCommandTest {
    private static final Path LENET =
            Path.of(System.getProperty("bitbudget.shared", "../../shared")).resolve("models/lenet5.onnx");

    @Test
    void writesConfigParetoPlotAndResult(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        BitBudgetCliTest.Run r = BitBudgetCliTest.run(
                "search",
                "--model",
                LENET.toString(),
                "--normalize",
                "0.2860,0.3530",
                "--budget",
                "size <= 0.6*int8",
                "--activations",
                "uint8",
                "--formats",
                "int8,int4",
                "--limit",
                "1000",
                "--calibration",
                "256",
                "--pareto",
                "3",
                "--out",
                out.toString(),
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        for (String field : List.of(
                "config",
                "accuracy",
                "size_bits",
                "bops",
                "latency_ms",
                "strategy",
                "search_seconds",
                "pareto",
                "engine",
                "float_accuracy",
                "drop",
                "calibration_score",
                "replaced_by",
                "best_uniform",
                "metric",
                "score",
                "data_sets",
                "float_score")) {
            assertTrue(j.has(field), "JSON has " + field);
        }
        assertEquals("ilp", j.get("strategy").asText());
        assertEquals("integer", j.get("engine").asText(), "W8A8/W4A8 configs run on the integer engine");
        assertTrue(j.get("accuracy").asDouble() > 0.85, j.get("accuracy").toString());
        assertEquals(2, j.get("uniform").size());
        for (String file : List.of("config.json", "pareto.csv", "pareto.svg", "result.json")) {
            assertTrue(Files.size(out.resolve(file)) > 0, file);
        }
        List<String> csv = Files.readAllLines(out.resolve("pareto.csv"));
        assertTrue(
                csv.getFirst()
                        .startsWith("kind,budget_cost,budget_limit,accuracy,metric,score,engine,predicted_damage,drop,"
                                + "calibration_score,feasible,"),
                csv.getFirst());
        assertTrue(csv.getLast().startsWith("chosen,"), csv.getLast());
        assertTrue(csv.stream().anyMatch(line -> line.startsWith("float,")), "the float model's row");
        assertEquals(
                j.get("float_accuracy").asDouble() - j.get("accuracy").asDouble(),
                j.get("drop").asDouble(),
                1e-12);
        assertTrue(
                j.get("calibration_score").asDouble()
                        >= j.get("strategy_calibration_score").asDouble(),
                "never worse than the strategy's pick");
        assertTrue(Files.readString(out.resolve("pareto.svg")).startsWith("<svg"));
        assertEquals(
                j.get("config"),
                new ObjectMapper().readTree(out.resolve("config.json").toFile()));

        // The search folder as a dashboard of its own.
        BitBudgetCliTest.Run d = BitBudgetCliTest.run(
                "dashboard", out.toString(), "--out", dir.resolve("report.html").toString(), "--json");
        assertEquals(0, d.code(), d.err());
        assertEquals(1, d.json().get("runs").asInt());
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("class=\"budget\"") && html.contains("class=\"uniform\""), "budget and uniform marks");
    }

    @Test
    void anImpossibleBudgetSaysWhichAndHowFar(@TempDir Path dir) {
        BitBudgetCliTest.Run r = BitBudgetCliTest.run(
                "search",
                "--model",
                LENET.toString(),
                "--budget",
                "size <= 2KiB",
                "--limit",
                "100",
                "--calibration",
                "64",
                "--pareto",
                "0",
                "--out",
                dir.resolve("x").toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--budget 'size <= 2KiB': no config meets it"), r.err());
        assertTrue(r.err().contains("% over"), r.err());
        assertFalse(Files.exists(dir.resolve("x").resolve("result.json")));
    }

    @Test
    void badBudgetsAndDurationsAreOneLineErrors() {
        BitBudgetCliTest.Run syntax =
                BitBudgetCliTest.run("search", "--model", LENET.toString(), "--budget", "size <== 3KiB");
        assertEquals(2, syntax.code());
        assertTrue(syntax.err().contains("position 7"), syntax.err());
        BitBudgetCliTest.Run time = BitBudgetCliTest.run("search", "--model", LENET.toString(), "--time", "soon");
        assertEquals(2, time.code());
        assertTrue(time.err().startsWith("bitbudget: --time: "), time.err());
    }

    /** The pipeline names settings; the command line names the flags that set them (SettingFlags). */
    @Test
    void settingErrorsNameTheFlag() {
        BitBudgetCliTest.Run strategy =
                BitBudgetCliTest.run("search", "--model", LENET.toString(), "--strategy", "annealing");
        assertEquals(2, strategy.code());
        assertTrue(strategy.err().startsWith("bitbudget: --strategy: 'annealing' is not one of ilp,"), strategy.err());
        BitBudgetCliTest.Run calibration =
                BitBudgetCliTest.run("search", "--model", LENET.toString(), "--calibration", "0");
        assertEquals(
                "bitbudget: --calibration: must be at least 1, got 0",
                calibration.err().strip());
        BitBudgetCliTest.Run formats =
                BitBudgetCliTest.run("search", "--model", LENET.toString(), "--activations", "uint9x");
        assertTrue(formats.err().startsWith("bitbudget: --activations: "), formats.err());
        BitBudgetCliTest.Run fitness =
                BitBudgetCliTest.run("search", "--model", LENET.toString(), "--fitness", "measured");
        assertEquals(
                "bitbudget: --fitness: applies to the ga and nsga2 strategies, not ilp",
                fitness.err().strip());
        BitBudgetCliTest.Run drop = BitBudgetCliTest.run("search", "--model", LENET.toString(), "--max-drop", "lots");
        assertEquals(2, drop.code());
        assertTrue(drop.err().startsWith("bitbudget: --max-drop: 'lots' is not a drop"), drop.err());
    }
}
