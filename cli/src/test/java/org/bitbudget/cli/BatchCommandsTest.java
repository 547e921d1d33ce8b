package org.bitbudget.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bitbudget.experiments.batch.ResultsCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code batch}, {@code merge}, {@code dashboard} and {@code export} as a user runs them, including a
 * batch process killed with SIGKILL mid-way and resumed.
 */
class BatchCommandsTest {
    private static final Path PROJECT = Path.of(System.getProperty("bitbudget.defaultModel", "../models/x.onnx"))
            .toAbsolutePath()
            .getParent()
            .getParent();
    private static final Path LENET =
            PROJECT.resolve("../shared/models/lenet5.onnx").normalize();
    private static final String TINY = """
        name: tiny-cli
        models: [{name: lenet5, path: %s, normalize: "0.2860,0.3530"}]
        data: fashion-mnist
        formats: [int8, int4]
        activations: [uint8]
        estimators: [roundoff]
        strategies: [ilp, greedy, ga]
        budgets: ["size <= 40 KiB", "bops <= 0.6 x int8"]
        seeds: [0]
        limit: 300
        calibration: 200
        """;

    private static BitBudgetCliTest.Run run(String... args) {
        return BitBudgetCliTest.run(args);
    }

    private static Path tinyYaml(Path dir) throws Exception {
        Path yaml = dir.resolve("tiny.yaml");
        Files.writeString(yaml, TINY.formatted(LENET));
        return yaml;
    }

    @Test
    void dryRunListsTheExamplesRunsAndKeys() throws Exception {
        BitBudgetCliTest.Run r = run(
                "batch",
                PROJECT.resolve("experiments/examples/lenet5-budgets.yaml").toString(),
                "--dry-run",
                "--json",
                "--shard",
                "1/4");
        assertEquals(0, r.code(), r.err());
        JsonNode j = r.json();
        assertEquals("1/4", j.get("shard").asText());
        assertEquals(9, j.get("runs").size());
        assertEquals(1, j.get("runs").get(0).get("run_index").asInt());
        assertEquals(5, j.get("runs").get(1).get("run_index").asInt());
        assertTrue(j.get("runs").get(0).get("run_key").asText().matches("[0-9a-f]{16}"));
    }

    @Test
    void aMalformedExperimentIsOneLineAndExitTwo(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("bad.yaml");
        Files.writeString(
                yaml, TINY.formatted(LENET).replace("strategies: [ilp, greedy, ga]", "strategies: [ilp, gredy]"));
        BitBudgetCliTest.Run r =
                run("batch", yaml.toString(), "--out", dir.resolve("out").toString());
        assertEquals(2, r.code());
        assertEquals(
                "bitbudget: " + yaml + ": line 7: strategies[1]: 'gredy' is not one of ilp, ga, "
                        + "nsga2, greedy, uniform, random, exhaustive, ilp-predicted",
                r.err().strip());
        assertFalse(Files.exists(dir.resolve("out")), "nothing written");
    }

    @Test
    void shardsMergeAndTheDashboardIsWritten(@TempDir Path dir) throws Exception {
        Path yaml = tinyYaml(dir);
        for (String shard : List.of("0/2", "1/2")) {
            BitBudgetCliTest.Run r = run(
                    "batch",
                    yaml.toString(),
                    "--out",
                    dir.resolve("shard" + shard.charAt(0)).toString(),
                    "--shard",
                    shard,
                    "--json");
            assertEquals(0, r.code(), r.err());
            assertEquals(3, r.json().get("runs").asInt());
            assertEquals(3, r.json().get("done").asInt());
        }
        Path merged = dir.resolve("results.csv");
        BitBudgetCliTest.Run m = run(
                "merge",
                dir.resolve("shard0").toString(),
                dir.resolve("shard1").toString(),
                "--out",
                merged.toString(),
                "--json");
        assertEquals(0, m.code(), m.err());
        assertEquals(6, m.json().get("runs").asInt());
        BitBudgetCliTest.Run again = run(
                "merge",
                dir.resolve("shard0").toString(),
                dir.resolve("shard0").toString(),
                "--out",
                dir.resolve("twice.csv").toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("duplicate run"), again.err());

        BitBudgetCliTest.Run d = run(
                "dashboard",
                merged.toString(),
                "--out",
                dir.resolve("report.html").toString(),
                "--json");
        assertEquals(0, d.code(), d.err());
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("id=\"runs-table\"") && html.contains("<svg"));
    }

    @Test
    void aBatchKilledWithSigkillResumesToTheSameCsv(@TempDir Path dir) throws Exception {
        Path yaml = tinyYaml(dir);
        Path whole = dir.resolve("whole");
        assertEquals(0, run("batch", yaml.toString(), "--out", whole.toString()).code());

        Path killed = dir.resolve("killed");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules",
                "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-cp",
                System.getProperty("java.class.path"),
                "org.bitbudget.cli.BitBudgetCli",
                "batch",
                yaml.toString(),
                "--out",
                killed.toString()));
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("log.txt").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (finishedRuns(killed) < 2 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        boolean killedMidway = p.isAlive();
        p.destroyForcibly(); // SIGKILL on Linux
        p.waitFor(30, TimeUnit.SECONDS);
        assertTrue(
                killedMidway, "the batch was still running when killed: " + Files.readString(dir.resolve("log.txt")));
        int before = finishedRuns(killed);
        assertTrue(before >= 2 && before < 6, "killed after " + before + " runs");
        List<java.util.Map<String, String>> partial =
                ResultsCsv.read(killed.resolve("results.csv")).rows();
        assertTrue(partial.size() <= before, "results.csv holds only finished runs");

        BitBudgetCliTest.Run resumed = run("batch", yaml.toString(), "--out", killed.toString(), "--resume", "--json");
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(before, resumed.json().get("skipped").asInt());
        assertEquals(
                ResultsCsv.withoutTiming(
                        ResultsCsv.read(whole.resolve("results.csv")).rows()),
                ResultsCsv.withoutTiming(
                        ResultsCsv.read(killed.resolve("results.csv")).rows()));
    }

    private static int finishedRuns(Path out) throws Exception {
        Path runs = out.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(runs)) {
            return (int) s.filter(d -> Files.exists(d.resolve("row.csv"))).count();
        }
    }

    @Test
    void exportWritesQdqOnnx(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("w4a8.json");
        Files.writeString(config, """
            {"default": {"weights": "int4", "activations": "uint8"},
             "layers": {"/f3/Gemm": {"weights": "fp8-e4m3"}}}\
            """);
        Path out = dir.resolve("lenet5.qdq.onnx");
        BitBudgetCliTest.Run r = run(
                "export",
                "--model",
                LENET.toString(),
                "--config",
                config.toString(),
                "--out",
                out.toString(),
                "--normalize",
                "0.2860,0.3530",
                "--calibration",
                "200",
                "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode layers = r.json().get("layers");
        assertEquals("qdq-int4", layers.get(0).get("weights").asText());
        assertEquals(21, r.json().get("opset").asInt(), "INT4 weights need opset 21");
        assertEquals("fake-quant", layers.get(4).get("weights").asText());
        assertEquals("qdq-uint8", layers.get(0).get("activations").asText());
        assertTrue(Files.size(out) > 10_000);

        Files.writeString(config, """
            {"default": {"weights": "int8", "activations": "fp8-e4m3"}}\
            """);
        BitBudgetCliTest.Run bad = run(
                "export",
                "--model",
                LENET.toString(),
                "--config",
                config.toString(),
                "--out",
                dir.resolve("bad.onnx").toString(),
                "--normalize",
                "0.2860,0.3530",
                "--calibration",
                "100");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("has no QDQ form"), bad.err());
        assertFalse(Files.exists(dir.resolve("bad.onnx")));
    }

    @Test
    void dashboardRefusesACsvThatIsNotBatchResults(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("pareto.csv");
        Files.writeString(csv, "kind,budget_cost,accuracy\npareto,size,0.9\n");
        BitBudgetCliTest.Run r = run(
                "dashboard", csv.toString(), "--out", dir.resolve("report.html").toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("bitbudget: " + csv + ": not a batch results CSV: no column run_key"), r.err());
        assertFalse(Files.exists(dir.resolve("report.html")));
    }
}
