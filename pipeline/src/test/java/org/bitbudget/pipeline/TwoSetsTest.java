package org.bitbudget.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.bitbudget.data.DataSets;
import org.bitbudget.data.DataSource;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.onnx.OnnxImporter;
import org.bitbudget.search.GeneticStrategy;
import org.bitbudget.sensitivity.SensitivityRow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Nothing a search sees is used to report its score: on the bundled LeNet-5, two runs that share the
 * calibration set but are evaluated on different samples build the same sensitivity table and choose
 * the same config by a measured GA fitness (only the reported scores differ); a calibration set that
 * holds the evaluation samples is refused; a seeded disjoint split of one source runs and says so.
 */
class TwoSetsTest {
    private static final Normalization NORM = new Normalization(0.2860f, 0.3530f);
    private static Graph graph;
    private static DataSource train;
    private static DataSource test;

    @BeforeAll
    static void load() {
        graph = OnnxImporter.load(Path.of("models/lenet5-fashion-mnist.onnx"));
        train = DataSources.open("fashion-mnist", Split.TRAIN);
        test = DataSources.open("fashion-mnist", Split.TEST);
    }

    private static SearchPipeline.Result run(SearchData data) {
        return SearchPipeline.builder(graph, data)
                .budget("size <= 0.4*int8")
                .metric("kl")
                .strategy(GeneticStrategy.builder()
                        .fitness(GeneticStrategy.Fitness.MEASURED)
                        .populationSize(8)
                        .generations(3)
                        .build())
                .calibration(64)
                .paretoPoints(0)
                .threads(2)
                .build()
                .run();
    }

    private static List<Double> scores(SearchPipeline.Result r) {
        return r.sensitivity().rows().stream().map(SensitivityRow::score).toList();
    }

    @Test
    void theSearchDependsOnTheCalibrationSetOnly() {
        SearchPipeline.Result first = run(new SearchData(train, test.limit(300), NORM));
        DataSets other = DataSets.split(test.limit(600), 3);
        SearchPipeline.Result second = run(new SearchData(train, other.evaluation(), NORM));

        assertEquals(scores(first), scores(second));
        assertEquals(first.config(), second.config());
        assertEquals(first.damage(), second.damage());
        assertNotEquals(first.score(), second.score());
        assertEquals("kl", first.metric());
        assertEquals("calibration fashion-mnist:train, evaluation fashion-mnist:test", first.data());
    }

    @Test
    void aCalibrationSetHoldingTheEvaluationSamplesIsRefused() {
        DataSource again = DataSources.open("fashion-mnist", Split.TEST);
        SettingException e = assertThrows(SettingException.class, () -> new SearchData(again, test, NORM));
        assertEquals(Setting.DATA, e.setting());
        assertEquals(
                "data: the calibration set fashion-mnist:test holds the evaluation samples; give other calibration "
                        + "data or a split of the data",
                e.getMessage());
    }

    @Test
    void aSourceWithoutSplitsIsSplitBySeedAndTheRunSaysSo() {
        DataSets sets = DataSets.choose(
                test.limit(400),
                null,
                DataSources.open("fashion-mnist", Split.TEST).limit(400),
                5);
        SearchPipeline.Result r = run(SearchData.of(sets, NORM));
        assertEquals(
                "calibration: a seeded (seed 5) random 20% of fashion-mnist:test (80 samples); evaluation: the other 320",
                r.data());
        assertEquals("kl", r.metric());
    }
}
