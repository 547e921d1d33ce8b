package org.bitbudget.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.ir.UserInputException;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.bitbudget.onnx.OnnxImporter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SearchPipeline} end to end on the reference LeNet-5 (../shared/models) and Fashion-MNIST
 * (evaluation on the first 2,000 test images to keep it short): the chosen config meets the budget,
 * beats the uniform config that fits under it and the run is reproducible for a seed; settings that
 * cannot work are errors naming the setting, never a command-line flag.
 */
class SearchPipelineTest {
    private static Graph graph;
    private static DataSource train;
    private static DataSource test;

    @BeforeAll
    static void load() throws IOException {
        graph = lenet5();
        train = DataSources.open("fashion-mnist", Split.TRAIN);
        test = DataSources.open("fashion-mnist", Split.TEST);
    }

    /** The reference LeNet-5 of ../shared/models. */
    static Graph lenet5() {
        return OnnxImporter.load(
                Path.of(System.getProperty("bitbudget.shared", "../../shared"), "models", "lenet5.onnx"));
    }

    private static SearchData data(Normalization normalization) {
        return new SearchData(train, test, normalization);
    }

    /** The README's search, with an evaluation limit and a short sweep. */
    private static SearchPipeline.Result example(long seed) {
        return SearchPipeline.builder(graph, data(new Normalization(0.2860f, 0.3530f)))
                .weightFormats("int8", "int4", "int3", "int2")
                .estimator("measured")
                .budget("size <= 0.4*int8")
                .strategy("ilp")
                .seed(seed)
                .evaluationLimit(2000)
                .paretoPoints(4)
                .build()
                .run();
    }

    @Test
    void theReadmeSearchMeetsItsBudgetAndBeatsTheUniformConfigUnderIt() {
        SearchPipeline.Result result = example(1);
        PrecisionConfig chosen = result.config();
        assertEquals(5, chosen.layers().size());
        double int8Size = result.uniform().stream()
                .filter(p -> p.uniform().equals("int8"))
                .findFirst()
                .orElseThrow()
                .costs()
                .get("size");
        assertTrue(
                result.costs().get("size") <= 0.4 * int8Size,
                "size " + result.costs().get("size"));
        // int3 everywhere is the best uniform config under 0.4 x int8 (int4 is above it).
        MeasuredPoint int3 = result.uniform().stream()
                .filter(p -> p.uniform().equals("int3"))
                .findFirst()
                .orElseThrow();
        assertTrue(int3.costs().get("size") <= 0.4 * int8Size, "uniform int3 fits the budget");
        assertTrue(
                result.accuracy() > int3.accuracy(),
                "searched " + result.accuracy() + " vs uniform int3 " + int3.accuracy());
        assertEquals("float", result.engine(), "weight-only configs run on the float engine");
        assertFalse(result.pareto().isEmpty());
        assertEquals(4, result.uniform().size());

        SearchPipeline.Result again = example(1);
        assertEquals(chosen, again.config(), "same seed, same config");
        assertEquals(result.accuracy(), again.accuracy());
    }

    @Test
    void anImpossibleBudgetNamesItselfAndTheGap() {
        SearchPipeline run = SearchPipeline.builder(graph, data(new Normalization(0.2860f, 0.3530f)))
                .budget("size <= 1KiB")
                .paretoPoints(0)
                .evaluationLimit(100)
                .calibration(64)
                .build();
        SettingException e = assertThrows(SettingException.class, run::run);
        assertEquals(Setting.BUDGET, e.setting());
        assertEquals("'size <= 1KiB'", e.value());
        assertTrue(
                e.getMessage().startsWith("budget 'size <= 1KiB': no config meets it: the limit is 8,192 bits"),
                e.getMessage());
    }

    @Test
    void badSettingsAreErrorsNamingTheSettingNotAFlag() {
        SettingException noBudget = assertThrows(
                SettingException.class,
                () -> SearchPipeline.builder(graph, data(Normalization.NONE)).build());
        assertEquals(Setting.BUDGET, noBudget.setting());
        assertEquals("budget: at least one budget is required", noBudget.getMessage());
        SettingException badStrategy = assertThrows(
                SettingException.class,
                () -> SearchPipeline.builder(graph, data(Normalization.NONE))
                        .budget("size <= 0.5*int8")
                        .strategy("annealing")
                        .build());
        assertEquals(Setting.STRATEGY, badStrategy.setting());
        assertTrue(
                badStrategy.getMessage().startsWith("strategy: 'annealing' is not one of ilp,"),
                badStrategy.getMessage());
        SettingException badFormat = assertThrows(
                SettingException.class,
                () -> SearchPipeline.builder(graph, data(Normalization.NONE))
                        .budget("size <= 0.5*int8")
                        .weightFormats("int9x")
                        .build());
        assertEquals(Setting.WEIGHT_FORMATS, badFormat.setting());
        assertTrue(badFormat.getMessage().startsWith("weight formats: "), badFormat.getMessage());
        SettingException noCalibration = assertThrows(
                SettingException.class,
                () -> SearchPipeline.builder(graph, data(Normalization.NONE))
                        .budget("size <= 0.5*int8")
                        .calibration(0)
                        .build());
        assertEquals("calibration images: must be at least 1, got 0", noCalibration.getMessage());
        UserInputException badBudget = assertThrows(
                UserInputException.class,
                () -> SearchPipeline.builder(graph, data(Normalization.NONE))
                        .budget("size <= 64 KB^s")
                        .build());
        assertTrue(badBudget.source().startsWith("budget 'size <= 64 KB"), badBudget.getMessage());
        for (UserInputException e : List.of(noBudget, badStrategy, badFormat, noCalibration, badBudget)) {
            assertFalse(e.getMessage().contains("--"), e.getMessage());
        }
    }

    /**
     * Accumulator bits are part of the precision: with candidates W8A8/W4A8 at 32- and 16-bit
     * accumulators and the budget {@code accumulator <= 16}, every strategy returns a config whose every
     * layer has a 16-bit accumulator (W8A8's data-type bound needs 21 to 25 bits, so only accumulator-aware
     * candidates are left), and the integer engine runs it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ilp", "ga", "nsga2", "greedy", "uniform", "random", "exhaustive"})
    void anAccumulatorBudgetHoldsWithEveryStrategy(String strategy) {
        SearchPipeline.Result r = SearchPipeline.builder(graph, data(new Normalization(0.2860f, 0.3530f)))
                .weightFormats("int8", "int4")
                .activationFormats(List.of("uint8"))
                .accumulators(List.of(32, 16))
                .budget("accumulator <= 16")
                .budget("size <= 0.75*int8")
                .strategy(strategy)
                .seed(3)
                .calibration(128)
                .evaluationLimit(500)
                .paretoPoints(0)
                .build()
                .run();
        assertTrue(r.costs().get("accumulator") <= 16, strategy + ": " + r.costs());
        r.config().layers().values().forEach(p -> assertEquals(16, p.accumulatorBits(), strategy + ": " + p));
        assertEquals("integer", r.engine(), strategy);
        assertTrue(r.accuracy() > 0.8, strategy + ": " + r.accuracy());
    }
}
