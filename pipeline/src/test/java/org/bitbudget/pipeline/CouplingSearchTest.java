package org.bitbudget.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.data.metric.Top1Metric;
import org.bitbudget.ir.graph.CouplingGroups;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.Precision;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.search.SearchControl;
import org.bitbudget.search.SearchProblem;
import org.bitbudget.search.SearchResult;
import org.bitbudget.sensitivity.SensitivityTable;
import org.bitbudget.testsupport.ExportedModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Coupling groups in real searches: on the bundled ResNet-8 and the PyTorch ViT export, with uint8 and
 * uint4 activations under a BOPs budget (so the activation format is a real decision), every strategy
 * but {@code exhaustive} (too many configs; covered in the search module) returns a config whose
 * coupled layers share their activation format, and {@code all} couples weight formats too.
 */
class CouplingSearchTest {
    private static final List<String> STRATEGIES =
            List.of("ilp", "ilp-predicted", "ga", "nsga2", "greedy", "uniform", "random");
    private static DataSource train;
    private static DataSource test;

    @BeforeAll
    static void load() throws IOException {
        train = DataSources.open("fashion-mnist", Split.TRAIN);
        test = DataSources.open("fashion-mnist", Split.TEST);
    }

    private static Graph model(String name) {
        return name.equals("resnet8")
                ? OnnxImporter.load(Path.of("models", "resnet8-fashion-mnist.onnx"))
                : OnnxImporter.load(ExportedModels.model(ExportedModels.VIT));
    }

    private static SearchPipeline.Builder search(Graph graph, String strategy) {
        return SearchPipeline.builder(graph, new SearchData(train, test, new Normalization(0.286f, 0.353f)))
                .activationFormats(List.of("uint8", "uint4"))
                .estimator("roundoff")
                .budget("bops <= 0.35*int8")
                .strategy(strategy)
                .seed(5)
                .threads(2)
                .calibration(64)
                .evaluationLimit(100)
                .paretoPoints(0)
                .integerEngine(false);
    }

    /** Checks that every group's members share their activation format (and weight format, when asked). */
    private static void assertShared(Graph graph, PrecisionConfig config, boolean weightsToo, String what) {
        List<CouplingGroups.Group> groups = CouplingGroups.of(graph).groups();
        assertFalse(groups.isEmpty());
        for (CouplingGroups.Group g : groups) {
            Set<String> activations = g.layers().stream()
                    .map(l -> config.of(l).activations().label(false))
                    .collect(Collectors.toSet());
            assertEquals(1, activations.size(), what + ": " + g.layers() + " take " + activations);
            if (weightsToo) {
                Set<String> weights = g.layers().stream()
                        .map(l -> config.of(l).weights().label(true))
                        .collect(Collectors.toSet());
                assertEquals(1, weights.size(), what + ": " + g.layers() + " take " + weights);
            }
        }
    }

    /**
     * The run's problem is built once by the phases (roundoff sensitivity, measured score on 64
     * calibration images for the strategies that measure); each strategy then searches it with 20 s.
     */
    @ParameterizedTest
    @ValueSource(strings = {"resnet8", "vit"})
    void everyStrategySharesOneActivationFormatPerGroup(String name) {
        Graph graph = model(name);
        SearchData.Samples samples = new SearchData(train, test, new Normalization(0.286f, 0.353f)).samples(64, 1);
        Candidates space = new CandidatesPhase(
                        SearchPipeline.DEFAULT_WEIGHT_FORMATS, List.of("uint8", "uint4"), List.of(32))
                .run(graph);
        SensitivityTable table = new SensitivityPhase(SensitivityPhase.named("roundoff"), 5, 2)
                .run(graph, samples, space, RunProgress.NONE);
        Costs costs = new CostPhase(List.of("bops <= 0.35*int8"), false).run(graph, space);
        CalibrationObjective objective = new CalibrationObjective(graph, samples, space, 2, new Top1Metric());
        SearchProblem problem = new ProblemPhase(false).run(space, table, costs, objective.evaluator("test"));
        assertFalse(problem.couplings().isEmpty());
        for (String strategy : STRATEGIES) {
            SearchControl control = SearchControl.builder()
                    .seed(5)
                    .threads(2)
                    .timeLimit(Duration.ofSeconds(20))
                    .build();
            SearchResult r = new StrategyPhase(StrategyPhase.named(strategy, null), control).run(problem, costs);
            assertShared(graph, space.config(r.config()), false, name + " " + strategy);
        }
    }

    @Test
    void theParetoPointsAndTheWholeFormatCouplingHoldToo() {
        Graph graph = model("resnet8");
        SearchPipeline.Result r =
                search(graph, "ilp").coupling("all").paretoPoints(4).build().run();
        assertShared(graph, r.config(), true, "ilp, coupling all");
        assertFalse(r.pareto().isEmpty());
        for (MeasuredPoint p : r.pareto()) {
            assertShared(graph, p.config(), true, "pareto point at " + p.budget());
        }
    }

    @Test
    void withoutCouplingTheGroupsMayMixFormats() {
        // The constraint is what keeps the groups together: uncoupled, the same search mixes formats in a group.
        // The pick is what shows it, not whether it beats uniform int4/uint4 on further calibration images.
        Graph graph = model("resnet8");
        PrecisionConfig free = search(graph, "ilp-predicted")
                .coupling("none")
                .confirmAgainstUniform(false)
                .build()
                .run()
                .config();
        boolean mixed = CouplingGroups.of(graph).groups().stream()
                .anyMatch(g -> g.layers().stream()
                                .map(free::of)
                                .map(Precision::activations)
                                .distinct()
                                .count()
                        > 1);
        assertTrue(mixed, "uncoupled ilp-predicted kept every group together: " + free);
    }
}
