package org.bitbudget.experiments.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.bitbudget.ir.AtomicFiles;
import org.bitbudget.ir.UserInputException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch machinery on real (small) search runs ({@link SearchRunExecutor}): an interrupted batch
 * resumed equals an uninterrupted one, shards merged equal the whole, and merge refuses duplicates
 * and other schemas. CSVs are compared without their timing columns.
 */
class BatchRunnerTest {
    static final Path LENET =
            ExperimentParserTest.PROJECT.resolve("../shared/models/lenet5.onnx").normalize();
    static final String YAML = """
            name: tiny
            models:
              - {name: lenet5, path: %s, normalize: "0.2860,0.3530"}
            data: fashion-mnist
            formats: [int8, int4, int2]
            activations: [uint8]
            estimators: [roundoff]
            strategies: [ilp, greedy]
            budgets: ["size <= 32 KiB", "bops <= 0.3 x int8", "size <= 0.6 x int8"]
            seeds: [0]
            limit: 300
            calibration: 200
            engine: integer
            """;

    @TempDir
    static Path shared;

    static Experiment experiment;
    static Path reference;
    static final SearchRunExecutor EXECUTOR = new SearchRunExecutor();

    @BeforeAll
    static void runTheWholeBatchOnce() throws Exception {
        Path yaml = shared.resolve("tiny.yaml");
        Files.writeString(yaml, YAML.formatted(LENET));
        experiment = ExperimentParser.load(yaml, ExperimentParserTest.DEFAULT_MODEL);
        reference = shared.resolve("whole");
        BatchRunner.Summary s =
                new BatchRunner(EXECUTOR, new ProvenanceFile(), null).run(experiment, reference, Shard.ALL, false);
        assertEquals(6, s.runs());
        assertEquals(6, s.executed());
        assertEquals(6, s.rows(), "failures: " + s.failed());
    }

    static List<Map<String, String>> rows(Path csv, String... alsoDrop) {
        return ResultsCsv.withoutTiming(ResultsCsv.read(csv).rows(), alsoDrop);
    }

    @Test
    void theResultsHaveTheDesignColumnsAndEveryRunFolder() throws IOException {
        ResultsCsv.Table t = ResultsCsv.read(reference.resolve("results.csv"));
        assertEquals(
                List.of(
                        "run_key",
                        "model",
                        "data",
                        "estimator",
                        "strategy",
                        "budgets",
                        "seed",
                        "accuracy",
                        "size_bits",
                        "bops",
                        "energy_pj",
                        "latency_ms",
                        "max_accumulator_bits",
                        "search_seconds",
                        "eval_seconds",
                        "engine",
                        "config_path"),
                t.header().subList(0, 17));
        assertEquals(
                experiment.runs().stream().map(RunSpec::key).toList(),
                t.rows().stream().map(r -> r.get("run_key")).toList(),
                "grid order");
        ObjectMapper json = new ObjectMapper();
        for (Map<String, String> r : t.rows()) {
            double accuracy = Double.parseDouble(r.get("accuracy"));
            assertTrue(accuracy > 0.1 && accuracy <= 1, r.toString());
            assertEquals("integer", r.get("engine"));
            Path dir = reference.resolve("runs").resolve(r.get("run_key"));
            JsonNode config =
                    json.readTree(reference.resolve(r.get("config_path")).toFile());
            assertTrue(config.has("default"));
            assertTrue(
                    Files.readString(dir.resolve("pareto.csv")).startsWith("kind,budget_cost,budget_limit,accuracy"));
            JsonNode p = json.readTree(dir.resolve("provenance.json").toFile());
            for (String field : List.of(
                    "bitbudget_version",
                    "git_commit",
                    "jdk",
                    "os_arch",
                    "cpu",
                    "vector_bits",
                    "seed",
                    "start",
                    "end",
                    "inputs")) {
                assertTrue(p.has(field), field);
            }
            assertEquals(
                    RunKeys.sha256(LENET),
                    p.get("inputs").get("model").get("sha256").asText());
            assertFalse(p.get("inputs").get("data").isEmpty(), "data file hashes");
        }
        // The budgets bite: the BOPs budget of 0.3 x W8A8 allows only 2-bit weights.
        Map<String, String> bops = t.rows().stream()
                .filter(r -> r.get("budgets").startsWith("bops"))
                .findFirst()
                .orElseThrow();
        Map<String, String> size = t.rows().stream()
                .filter(r -> r.get("budgets").equals("size <= 0.6 x int8"))
                .findFirst()
                .orElseThrow();
        assertTrue(Double.parseDouble(bops.get("bops")) < Double.parseDouble(size.get("bops")));
    }

    @Test
    void anInterruptedBatchResumedEqualsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        AtomicInteger calls = new AtomicInteger();
        RunExecutor dying = (spec, progress) -> {
            if (calls.incrementAndGet() == 3) {
                progress.phase("search", 2, 4);
                throw new IllegalStateException("killed in the middle of run 3");
            }
            return EXECUTOR.execute(spec, progress);
        };
        assertThrows(
                IllegalStateException.class,
                () -> new BatchRunner(dying, new ProvenanceFile(), null).run(experiment, out, Shard.ALL, false));
        assertEquals(2, ResultsCsv.read(out.resolve("results.csv")).rows().size(), "only finished runs have rows");
        String third = experiment.runs().get(2).key();
        assertTrue(Files.exists(out.resolve("runs").resolve(third).resolve("spec.json")));
        assertFalse(Files.exists(out.resolve("runs").resolve(third).resolve("row.csv")));
        // What kill -9 may leave behind: a half-written temporary file.
        Files.writeString(
                out.resolve("runs").resolve(third).resolve(".row.csv123" + AtomicFiles.PARTIAL), "run_key,mo");
        Files.writeString(out.resolve(".results.csv9" + AtomicFiles.PARTIAL), "garbage");

        UserInputException notResumed = assertThrows(
                UserInputException.class,
                () -> new BatchRunner(EXECUTOR, new ProvenanceFile(), null).run(experiment, out, Shard.ALL, false));
        assertTrue(notResumed.getMessage().contains("--resume"), notResumed.getMessage());

        AtomicInteger resumedCalls = new AtomicInteger();
        RunExecutor counting = (spec, progress) -> {
            resumedCalls.incrementAndGet();
            return EXECUTOR.execute(spec, progress);
        };
        BatchRunner.Summary s =
                new BatchRunner(counting, new ProvenanceFile(), null).run(experiment, out, Shard.ALL, true);
        assertEquals(2, s.skipped());
        assertEquals(4, s.executed());
        assertEquals(4, resumedCalls.get(), "finished runs are not run again");
        assertEquals(rows(reference.resolve("results.csv")), rows(out.resolve("results.csv")));

        // Resuming a finished batch runs nothing and changes nothing.
        String before = Files.readString(out.resolve("results.csv"));
        BatchRunner.Summary again = new BatchRunner(
                        (spec, p) -> {
                            throw new AssertionError("nothing to run");
                        },
                        new ProvenanceFile(),
                        null)
                .run(experiment, out, Shard.ALL, true);
        assertEquals(6, again.skipped());
        assertEquals(before, Files.readString(out.resolve("results.csv")));
    }

    @Test
    void twoShardsMergedEqualTheWholeBatch(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("shard0");
        Path b = dir.resolve("shard1");
        BatchRunner.Summary s0 =
                new BatchRunner(EXECUTOR, new ProvenanceFile(), null).run(experiment, a, new Shard(0, 2), false);
        BatchRunner.Summary s1 =
                new BatchRunner(EXECUTOR, new ProvenanceFile(), null).run(experiment, b, new Shard(1, 2), false);
        assertEquals(3, s0.runs());
        assertEquals(3, s1.runs());
        assertEquals(
                List.of(0, 2, 4),
                ResultsCsv.read(a.resolve("results.csv")).rows().stream()
                        .map(r -> Integer.parseInt(r.get("run_index")))
                        .toList());
        Path merged = dir.resolve("merged/results.csv");
        Merge.Result m = Merge.merge(List.of(b, a), merged);
        assertEquals(6, m.rows().size());
        assertEquals(rows(reference.resolve("results.csv"), "config_path"), rows(merged, "config_path"));
        for (Map<String, String> r : ResultsCsv.read(merged).rows()) {
            Path config = merged.getParent().resolve(r.get("config_path"));
            assertTrue(Files.isRegularFile(config), config.toString());
            assertEquals(
                    Files.readString(
                            reference.resolve("runs").resolve(r.get("run_key")).resolve("config.json")),
                    Files.readString(config));
        }
        // Merging results CSVs works too, and gives the same rows.
        Path fromCsvs = dir.resolve("from-csvs.csv");
        Merge.merge(List.of(a.resolve("results.csv"), b.resolve("results.csv")), fromCsvs);
        assertEquals(rows(merged, "config_path"), rows(fromCsvs, "config_path"));
    }

    @Test
    void mergeRefusesDuplicatesAndMismatchedSchemas(@TempDir Path dir) throws Exception {
        UserInputException dup = assertThrows(
                UserInputException.class,
                () -> Merge.merge(List.of(reference, reference.resolve("results.csv")), dir.resolve("m.csv")));
        assertTrue(dup.getMessage().contains("duplicate run"), dup.getMessage());
        Path other = dir.resolve("other.csv");
        Files.writeString(other, "run_key,model,accuracy\nabc,m,0.5\n");
        UserInputException schema = assertThrows(
                UserInputException.class, () -> Merge.merge(List.of(reference, other), dir.resolve("m.csv")));
        assertTrue(schema.getMessage().contains("mismatched schema"), schema.getMessage());
        assertFalse(Files.exists(dir.resolve("m.csv")), "no output after a refused merge");
    }

    @Test
    void aRunWhoseBudgetNoConfigMeetsFailsAloneAndIsRetriedOnResume(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("infeasible.yaml");
        Files.writeString(
                yaml,
                YAML.formatted(LENET)
                        .replace(
                                "budgets: [\"size <= 32 KiB\", \"bops <= 0.3 x int8\", " + "\"size <= 0.6 x int8\"]",
                                "budgets: [\"size <= 32 KiB\", \"size <= 1 KiB\"]")
                        .replace("strategies: [ilp, greedy]", "strategies: [ilp]"));
        Experiment e = ExperimentParser.load(yaml, ExperimentParserTest.DEFAULT_MODEL);
        BatchRunner.Summary s =
                new BatchRunner(EXECUTOR, new ProvenanceFile(), null).run(e, dir.resolve("out"), Shard.ALL, false);
        assertEquals(1, s.executed());
        assertEquals(1, s.failed().size());
        String key = e.runs().get(1).key();
        assertTrue(
                s.failed().get(key).contains("no config meets it"), s.failed().toString());
        assertTrue(Files.readString(dir.resolve("out/runs").resolve(key).resolve("error.txt"))
                .contains("1 KiB"));
        assertEquals(1, s.rows());
    }

    /**
     * {@code target:} and {@code ignore:} reach the search: the ignored convolutions stay float, and on
     * x86 without VNNI no layer keeps int8 weights beside uint8 activations (u8 x s8 pair sums could
     * saturate in int16), so every int8 choice became int7.
     */
    @Test
    void targetAndIgnoreReachTheSearch(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("target.yaml");
        Files.writeString(
                yaml,
                YAML.formatted(LENET)
                                .replace(
                                        "budgets: [\"size <= 32 KiB\", \"bops <= 0.3 x int8\", "
                                                + "\"size <= 0.6 x int8\"]",
                                        "budgets: [\"size <= 0.9 x int8\"]")
                                .replace("formats: [int8, int4, int2]", "formats: [int8, int4]")
                                .replace("strategies: [ilp, greedy]", "strategies: [ilp]")
                        + "target: x86-avx2\nignore: [\"op:Conv\"]\n");
        Experiment e = ExperimentParser.load(yaml, ExperimentParserTest.DEFAULT_MODEL);
        BatchRunner.Summary s =
                new BatchRunner(EXECUTOR, new ProvenanceFile(), null).run(e, dir.resolve("out"), Shard.ALL, false);
        assertEquals(1, s.rows(), "failures: " + s.failed());
        JsonNode config = new ObjectMapper()
                .readTree(dir.resolve("out/runs")
                        .resolve(e.runs().getFirst().key())
                        .resolve("config.json")
                        .toFile());
        List<String> layers = new java.util.ArrayList<>();
        config.get("layers").fieldNames().forEachRemaining(layers::add);
        assertEquals(List.of("/f1/Gemm", "/f2/Gemm", "/f3/Gemm"), layers, "the convolutions are not searched");
        assertEquals("float", config.get("default").get("weights").asText(), "so they stay float");
        List<String> weights = layers.stream()
                .map(l ->
                        config.get("layers").get(l).get("weights").get("format").asText())
                .toList();
        assertFalse(weights.contains("int8"), weights.toString());
        assertTrue(weights.contains("int7"), "the budget leaves room for the widest candidate: " + weights);
    }

    @Test
    void anotherExperimentsFolderIsRefused(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("other.yaml");
        Files.writeString(yaml, YAML.formatted(LENET).replace("name: tiny", "name: other"));
        Experiment other = ExperimentParser.load(yaml, ExperimentParserTest.DEFAULT_MODEL);
        UserInputException e = assertThrows(
                UserInputException.class,
                () -> new BatchRunner(EXECUTOR, new ProvenanceFile(), null).run(other, reference, Shard.ALL, true));
        assertTrue(e.getMessage().contains("holds results of experiment 'tiny'"), e.getMessage());
    }

    @Test
    void keysAreStableAcrossSeedsAndStrategies() {
        List<String> keys = experiment.runs().stream().map(RunSpec::key).toList();
        assertEquals(keys.size(), keys.stream().distinct().count());
        assertNotEquals(
                RunKeys.canonicalJson(experiment.runs().get(0)),
                RunKeys.canonicalJson(experiment.runs().get(1)));
        assertFalse(
                RunKeys.canonicalJson(experiment.runs().get(0)).contains(LENET.toString()),
                "the key does not depend on where the model lies");
    }
}
