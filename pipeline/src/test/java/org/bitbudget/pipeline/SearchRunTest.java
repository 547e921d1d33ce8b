package org.bitbudget.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.bitbudget.model.UserInputException;
import org.bitbudget.model.data.DataSources;
import org.bitbudget.model.data.Dataset;
import org.bitbudget.model.data.Normalization;
import org.bitbudget.model.data.Split;
import org.bitbudget.model.graph.Graph;
import org.bitbudget.model.onnx.OnnxImporter;
import org.bitbudget.model.precision.PrecisionConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SearchRun} end to end on the reference LeNet-5 (../shared/models) and Fashion-MNIST, with
 * the class Javadoc's example as written (evaluation on the first 2,000 test images to keep it
 * short): the chosen config meets the budget, beats the uniform config that fits under it and the
 * run is reproducible for a seed; an impossible budget is a user error that names it.
 */
class SearchRunTest {
    private static Graph graph;
    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void load() throws IOException {
        String shared = System.getProperty("bitbudget.shared", "../../shared");
        graph = OnnxImporter.load(Path.of(shared, "models", "lenet5.onnx"));
        train = DataSources.load("fashion-mnist", Split.TRAIN);
        test = DataSources.load("fashion-mnist", Split.TEST);
    }

    /** The class Javadoc's example, plus an evaluation limit and a short sweep. */
    private static SearchRun.Result example(long seed) {
        return SearchRun.builder()
                .model(graph)
                .data(train, test, new Normalization(0.2860f, 0.3530f))
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
    void theJavadocExampleMeetsItsBudgetAndBeatsTheUniformConfigUnderIt() {
        SearchRun.Result result = example(1);
        PrecisionConfig chosen = result.config();
        assertEquals(5, chosen.layers().size());
        double int8Size = result.uniform().stream().filter(p -> p.uniform().equals("int8/float")).findFirst()
                .orElseThrow().costs().get("size");
        assertTrue(result.costs().get("size") <= 0.4 * int8Size, "size " + result.costs().get("size"));
        // int3 everywhere is the best uniform config under 0.4 x int8 (int4 is above it).
        SearchRun.Point int3 = result.uniform().stream().filter(p -> p.uniform().equals("int3/float")).findFirst()
                .orElseThrow();
        assertTrue(int3.costs().get("size") <= 0.4 * int8Size, "uniform int3 fits the budget");
        assertTrue(result.accuracy() > int3.accuracy(), "searched " + result.accuracy() + " vs uniform int3 "
                + int3.accuracy());
        assertEquals("float", result.engine(), "weight-only configs run on the float engine");
        assertFalse(result.pareto().isEmpty());
        assertEquals(4, result.uniform().size());

        SearchRun.Result again = example(1);
        assertEquals(chosen, again.config(), "same seed, same config");
        assertEquals(result.accuracy(), again.accuracy());
    }

    @Test
    void anImpossibleBudgetNamesItselfAndTheGap() {
        SearchRun run = SearchRun.builder().model(graph).data(train, test, new Normalization(0.2860f, 0.3530f))
                .budget("size <= 1KiB").paretoPoints(0).evaluationLimit(100).calibration(64).build();
        UserInputException e = assertThrows(UserInputException.class, run::run);
        assertTrue(e.getMessage().contains("size"), e.getMessage());
    }

    @Test
    void badOptionsAreUserErrorsNamingTheOption() {
        var noBudget = assertThrows(UserInputException.class,
                () -> SearchRun.builder().model(graph).data(train, test, Normalization.NONE).build());
        assertTrue(noBudget.getMessage().contains("--budget"), noBudget.getMessage());
        var badStrategy = assertThrows(UserInputException.class, () -> SearchRun.builder().model(graph)
                .data(train, test, Normalization.NONE).budget("size <= 0.5*int8").strategy("annealing").build());
        assertTrue(badStrategy.getMessage().contains("annealing"), badStrategy.getMessage());
        var badFormat = assertThrows(UserInputException.class, () -> SearchRun.builder().model(graph)
                .data(train, test, Normalization.NONE).budget("size <= 0.5*int8").weightFormats("int9x").build());
        assertTrue(badFormat.getMessage().contains("--formats"), badFormat.getMessage());
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
        SearchRun.Result r = SearchRun.builder().model(graph).data(train, test, new Normalization(0.2860f, 0.3530f))
                .weightFormats("int8", "int4").activationFormats(List.of("uint8")).accumulators(List.of(32, 16))
                .budget("accumulator <= 16").budget("size <= 0.75*int8").strategy(strategy).seed(3)
                .calibration(128).evaluationLimit(500).paretoPoints(0).build().run();
        assertTrue(r.costs().get("accumulator") <= 16, strategy + ": " + r.costs());
        r.config().layers().values().forEach(p -> assertEquals(16, p.accumulatorBits(), strategy + ": " + p));
        assertEquals("integer", r.engine(), strategy);
        assertTrue(r.accuracy() > 0.8, strategy + ": " + r.accuracy());
    }
}
