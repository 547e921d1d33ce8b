package org.bitbudget.experiments.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;
import org.bitbudget.ir.UserInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The experiment YAML: the example's grid and keys, and a corpus of malformed files with their one-line errors. */
class ExperimentParserTest {
    static final Path PROJECT = Path.of(System.getProperty("bitbudget.defaultModel", "../models/x.onnx"))
            .toAbsolutePath()
            .getParent()
            .getParent();
    static final Path DEFAULT_MODEL = PROJECT.resolve("models/lenet5-fashion-mnist.onnx");
    static final Path EXAMPLE = PROJECT.resolve("experiments/examples/lenet5-budgets.yaml");
    private static final Path CORPUS = Path.of("src/test/resources/batch/malformed");

    @Test
    void theExampleIsTwoModelsByThreeBudgetsByThreeStrategiesByTwoSeeds() {
        Experiment e = ExperimentParser.load(EXAMPLE, DEFAULT_MODEL);
        assertEquals("lenet5-budgets", e.name());
        assertEquals(2 * 3 * 3 * 2, e.runs().size());
        assertEquals(36, new HashSet<>(e.runs().stream().map(RunSpec::key).toList()).size(), "keys are unique");
        for (int i = 0; i < e.runs().size(); i++) {
            assertEquals(i, e.runs().get(i).index());
            assertTrue(e.runs().get(i).key().matches("[0-9a-f]{16}"));
        }
        RunSpec first = e.runs().getFirst();
        assertEquals("lenet5-fashion-mnist", first.model());
        assertEquals(List.of("int8", "int4", "int2"), first.formats());
        assertEquals(List.of("size <= 32 KiB"), first.budgets());
        assertEquals("ilp", first.strategy());
        assertEquals(0, first.seed());
        assertEquals(1, e.runs().get(1).seed(), "seeds vary fastest");
        assertEquals(
                List.of("size <= 0.6 x int8", "bops <= 0.6 x int8"),
                e.runs().get(4).budgets());
        assertEquals("lenet5-pytorch", e.runs().get(18).model());
        assertEquals(30.0, first.timeSeconds());
        assertEquals(2000, first.limit());
        assertEquals("integer", first.engine());
    }

    @Test
    void keysDependOnInputsNotOnWhereFilesLie(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("m.onnx");
        Files.copy(DEFAULT_MODEL, model);
        String yaml = """
                models: [{name: lenet, path: m.onnx}]
                data: fashion-mnist
                formats: [int8, int4]
                estimators: [roundoff]
                strategies: [ilp, greedy]
                budgets: ["size <= 32 KiB"]
                seeds: [0]
                """;
        Files.writeString(dir.resolve("a.yaml"), yaml);
        Path other = Files.createDirectories(dir.resolve("elsewhere"));
        Files.copy(DEFAULT_MODEL, other.resolve("m.onnx"));
        Files.writeString(other.resolve("b.yaml"), yaml);
        List<String> a = ExperimentParser.load(dir.resolve("a.yaml"), DEFAULT_MODEL).runs().stream()
                .map(RunSpec::key)
                .toList();
        List<String> b = ExperimentParser.load(other.resolve("b.yaml"), DEFAULT_MODEL).runs().stream()
                .map(RunSpec::key)
                .toList();
        assertEquals(a, b);
        // A different model file (same name, same path) is a different run.
        Files.copy(
                PROJECT.resolve("../shared/models/lenet5.onnx").normalize(),
                other.resolve("m.onnx"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<String> c = ExperimentParser.load(other.resolve("b.yaml"), DEFAULT_MODEL).runs().stream()
                .map(RunSpec::key)
                .toList();
        assertFalse(a.contains(c.getFirst()));
    }

    @Test
    void explicitRunsReplaceTheProduct(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("e.yaml"), """
                models: [default]
                data: fashion-mnist
                formats: [int8, int4]
                estimators: [roundoff, hessian]
                strategies: [ilp]
                budgets: ["size <= 32 KiB"]
                seeds: [0]
                runs:
                  - {estimator: hessian, seed: 4}
                  - {estimator: roundoff, budgets: "bops <= 0.5 x int8, size <= 40 KiB"}
                """);
        Experiment e = ExperimentParser.load(dir.resolve("e.yaml"), DEFAULT_MODEL);
        assertEquals(2, e.runs().size());
        assertEquals("hessian", e.runs().get(0).estimator());
        assertEquals(4, e.runs().get(0).seed());
        assertEquals(
                List.of("bops <= 0.5 x int8", "size <= 40 KiB"), e.runs().get(1).budgets());
    }

    /**
     * The README's {@code runs:} forms: a run names a model as the models list does ({@code default}), and top-level
     * axes that every run gives may be left out; a run missing a field no top-level list gives is refused by name.
     */
    @Test
    void explicitRunsTakeTheReadmeForms(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("e.yaml"), """
                models: [default]
                data: fashion-mnist
                formats: [int8, int4]
                estimators: [roundoff]
                seeds: [0]
                runs:
                  - {model: default, strategy: ilp, budgets: size <= 24 KiB, seed: 0}
                  - {model: default, strategy: greedy, budgets: size <= 24 KiB, seed: 1}
                """);
        Experiment e = ExperimentParser.load(dir.resolve("e.yaml"), DEFAULT_MODEL);
        assertEquals(
                List.of("ilp", "greedy"),
                e.runs().stream().map(RunSpec::strategy).toList());
        assertEquals(List.of("size <= 24 KiB"), e.runs().get(1).budgets());
        assertEquals(
                DEFAULT_MODEL.toAbsolutePath().normalize().toString(),
                e.runs().get(0).modelPath().toString());

        Files.writeString(dir.resolve("bare.yaml"), """
                data: fashion-mnist
                formats: [int8]
                estimators: [roundoff]
                runs:
                  - {model: default, strategy: ilp, budgets: size <= 24 KiB, seed: 0}
                """);
        assertEquals(
                1,
                ExperimentParser.load(dir.resolve("bare.yaml"), DEFAULT_MODEL)
                        .runs()
                        .size());

        Files.writeString(dir.resolve("missing.yaml"), """
                data: fashion-mnist
                formats: [int8]
                estimators: [roundoff]
                runs:
                  - {model: default, budgets: size <= 24 KiB, seed: 0}
                """);
        UserInputException e2 = assertThrows(
                UserInputException.class, () -> ExperimentParser.load(dir.resolve("missing.yaml"), DEFAULT_MODEL));
        assertTrue(e2.getMessage().contains("runs[0].strategy: missing"), e2.getMessage());
    }

    /** {@code fitness:} reaches the ga and nsga2 runs only; the other runs keep the keys they had without it. */
    @Test
    void fitnessAppliesToTheGeneticRunsOnly(@TempDir Path dir) throws IOException {
        String yaml = """
                models: [default]
                data: fashion-mnist
                formats: [int8, int4]
                estimators: [roundoff]
                strategies: [ilp, ga, nsga2]
                budgets: ["size <= 32 KiB"]
                seeds: [0]
                """;
        Files.writeString(dir.resolve("plain.yaml"), yaml);
        Files.writeString(dir.resolve("measured.yaml"), yaml + "fitness: measured\n");
        List<RunSpec> plain =
                ExperimentParser.load(dir.resolve("plain.yaml"), DEFAULT_MODEL).runs();
        List<RunSpec> measured = ExperimentParser.load(dir.resolve("measured.yaml"), DEFAULT_MODEL)
                .runs();
        assertEquals(null, measured.get(0).fitness());
        assertEquals("measured", measured.get(1).fitness());
        assertEquals("measured", measured.get(2).fitness());
        assertEquals(plain.get(0).key(), measured.get(0).key(), "the ilp run is the same run");
        assertFalse(plain.get(1).key().equals(measured.get(1).key()), "a ga run with measured fitness is another run");
    }

    /** {@code coupling:} reaches every run and its key; without it the keys are those of before the field. */
    @Test
    void couplingReachesEveryRunAndItsKey(@TempDir Path dir) throws IOException {
        String yaml = """
                models: [default]
                data: fashion-mnist
                formats: [int8, int4]
                activations: [uint8, uint4]
                estimators: [roundoff]
                strategies: [ilp, ga]
                budgets: ["bops <= 0.35 x int8"]
                seeds: [0]
                """;
        Files.writeString(dir.resolve("plain.yaml"), yaml);
        Files.writeString(dir.resolve("none.yaml"), yaml + "coupling: none\n");
        Files.writeString(dir.resolve("all.yaml"), yaml + "coupling: all\n");
        List<RunSpec> plain =
                ExperimentParser.load(dir.resolve("plain.yaml"), DEFAULT_MODEL).runs();
        List<RunSpec> none =
                ExperimentParser.load(dir.resolve("none.yaml"), DEFAULT_MODEL).runs();
        List<RunSpec> all =
                ExperimentParser.load(dir.resolve("all.yaml"), DEFAULT_MODEL).runs();
        assertEquals(null, plain.get(0).coupling());
        assertFalse(RunKeys.canonicalJson(plain.get(0)).contains("coupling"), "an old run keeps its key");
        for (int i = 0; i < 2; i++) {
            assertEquals("none", none.get(i).coupling());
            assertEquals("all", all.get(i).coupling());
            assertTrue(RunKeys.canonicalJson(none.get(i)).contains("\"coupling\":\"none\""));
            assertFalse(plain.get(i).key().equals(none.get(i).key()), "an uncoupled run is another run");
            assertFalse(none.get(i).key().equals(all.get(i).key()));
        }
    }

    /** {@code target:} and {@code ignore:} reach every run and its key; without them the keys stay those of before. */
    @Test
    void targetAndIgnoreReachEveryRunAndItsKey(@TempDir Path dir) throws IOException {
        String yaml = """
                models: [default]
                data: fashion-mnist
                formats: [int8, int4]
                estimators: [roundoff]
                strategies: [ilp, ga]
                budgets: ["size <= 0.5 x int8"]
                seeds: [0]
                """;
        Files.writeString(dir.resolve("plain.yaml"), yaml);
        Files.writeString(dir.resolve("scoped.yaml"), yaml + "target: X86-AVX2\nignore: [op:Gemm, \"/c*\"]\n");
        List<RunSpec> plain =
                ExperimentParser.load(dir.resolve("plain.yaml"), DEFAULT_MODEL).runs();
        List<RunSpec> scoped =
                ExperimentParser.load(dir.resolve("scoped.yaml"), DEFAULT_MODEL).runs();
        for (int i = 0; i < 2; i++) {
            assertEquals(null, plain.get(i).target());
            assertEquals(List.of(), plain.get(i).ignore());
            String json = RunKeys.canonicalJson(plain.get(i));
            assertFalse(json.contains("target") || json.contains("ignore"), "an old run keeps its key: " + json);
            assertEquals("x86-avx2", scoped.get(i).target());
            assertEquals(List.of("op:Gemm", "/c*"), scoped.get(i).ignore());
            assertTrue(RunKeys.canonicalJson(scoped.get(i)).contains("\"ignore\":[\"op:Gemm\",\"/c*\"]"));
            assertNotEquals(plain.get(i).key(), scoped.get(i).key(), "a scoped run is another run");
        }
    }

    @Test
    void aNamedMetricReachesTheRunAndItsKeyAndNoMetricKeepsTheOldKey(@TempDir Path dir) throws IOException {
        String yaml = """
                models: [default]
                data: fashion-mnist
                formats: [int8, int4]
                estimators: [measured]
                strategies: [ilp]
                budgets: ["size <= 32 KiB"]
                seeds: [0]
                """;
        Files.writeString(dir.resolve("plain.yaml"), yaml);
        Files.writeString(dir.resolve("kl.yaml"), yaml + "metric: kl\n");
        RunSpec plain = ExperimentParser.load(dir.resolve("plain.yaml"), DEFAULT_MODEL)
                .runs()
                .getFirst();
        RunSpec kl = ExperimentParser.load(dir.resolve("kl.yaml"), DEFAULT_MODEL)
                .runs()
                .getFirst();
        assertEquals(null, plain.metric());
        assertEquals("kl", kl.metric());
        assertFalse(RunKeys.canonicalJson(plain).contains("metric"), RunKeys.canonicalJson(plain));
        assertTrue(RunKeys.canonicalJson(kl).contains("\"metric\":\"kl\""), RunKeys.canonicalJson(kl));
        assertFalse(plain.key().equals(kl.key()));
    }

    static Stream<Path> corpus() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @Test
    void theCorpusHasAtLeastEightFiles() throws IOException {
        assertTrue(corpus().count() >= 8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyMalformedFileGetsOneLineNamingFileFieldAndLine(Path file) throws IOException {
        String first = Files.readAllLines(file).getFirst();
        assertTrue(first.startsWith("# expect: "), file + " must start with '# expect: <message part>'");
        String expected = first.substring("# expect: ".length());
        UserInputException e = assertThrows(UserInputException.class, () -> ExperimentParser.load(file, DEFAULT_MODEL));
        String message = e.getMessage();
        assertTrue(message.startsWith(file.toString() + ": "), message);
        assertTrue(message.contains(expected), "expected '" + expected + "' in: " + message);
        assertFalse(message.contains("\n"), "one line: " + message);
        if (!expected.contains("empty file")
                && !expected.contains("same run")
                && !expected.contains("missing (required)")) {
            assertTrue(message.matches(".*: line \\d+: .*"), "names the line: " + message);
        }
    }

    @Test
    void shardsComeFromSlurmOrKubernetes() {
        assertEquals(Shard.ALL, Shard.fromEnvironment(java.util.Map.of()));
        assertEquals(
                new Shard(2, 4),
                Shard.fromEnvironment(java.util.Map.of(
                        "SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_MIN", "1", "SLURM_ARRAY_TASK_COUNT", "4")));
        assertEquals(
                new Shard(1, 3),
                Shard.fromEnvironment(java.util.Map.of("JOB_COMPLETION_INDEX", "1", "JOB_COMPLETIONS", "3")));
        assertThrows(
                UserInputException.class, () -> Shard.fromEnvironment(java.util.Map.of("JOB_COMPLETION_INDEX", "1")));
        assertEquals(new Shard(0, 2), Shard.parse("0/2", "--shard"));
        for (String bad : List.of("2/2", "-1/2", "1", "a/b", "1/0")) {
            assertThrows(UserInputException.class, () -> Shard.parse(bad, "--shard"), bad);
        }
    }

    @Test
    void everyRegisteredEstimatorIsAcceptedByName(@TempDir Path dir) throws IOException {
        Files.copy(DEFAULT_MODEL, dir.resolve("m.onnx"));
        Files.writeString(dir.resolve("e.yaml"), """
                models: [{name: lenet, path: m.onnx}]
                data: fashion-mnist
                formats: [int8, int4]
                estimators: [fisher, kl]
                strategies: [ilp]
                budgets: ["size <= 32 KiB"]
                seeds: [0]
                """);
        Experiment e = ExperimentParser.load(dir.resolve("e.yaml"), DEFAULT_MODEL);
        assertEquals(
                List.of("fisher", "kl"),
                e.runs().stream().map(RunSpec::estimator).toList());
    }
}
