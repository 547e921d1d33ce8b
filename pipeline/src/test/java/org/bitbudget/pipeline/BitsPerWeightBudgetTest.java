package org.bitbudget.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import org.bitbudget.data.DataSources;
import org.bitbudget.data.Normalization;
import org.bitbudget.data.Split;
import org.bitbudget.ir.graph.Graph;
import org.bitbudget.ir.precision.PrecisionConfig;
import org.junit.jupiter.api.Test;

/**
 * {@code bpw <= 4.5} on the reference LeNet-5: the run meets it, and the average it reports is the one
 * counted by hand from the chosen formats — per layer weights × bits + one 32-bit scale per output
 * channel, over 61,470 weights (c1 150 weights in 6 channels, c2 2,400 in 16, f1 48,000 in 120, f2
 * 10,080 in 84, f3 840 in 10).
 */
class BitsPerWeightBudgetTest {
    private static final Map<String, long[]> LAYERS = Map.of(
            "/c1/Conv", new long[] {150, 6},
            "/c2/Conv", new long[] {2_400, 16},
            "/f1/Gemm", new long[] {48_000, 120},
            "/f2/Gemm", new long[] {10_080, 84},
            "/f3/Gemm", new long[] {840, 10});

    @Test
    void aBitsPerWeightBudgetHoldsAndIsCountedByHand() throws IOException {
        Graph graph = SearchPipelineTest.lenet5();
        SearchData data = new SearchData(
                DataSources.open("fashion-mnist", Split.TRAIN),
                DataSources.open("fashion-mnist", Split.TEST),
                new Normalization(0.2860f, 0.3530f));
        SearchPipeline.Result r = SearchPipeline.builder(graph, data)
                .budget("bpw <= 4.5")
                .calibration(128)
                .evaluationLimit(500)
                .paretoPoints(0)
                .build()
                .run();
        PrecisionConfig chosen = r.config();
        long bits = 0;
        for (Map.Entry<String, long[]> l : LAYERS.entrySet()) {
            bits += l.getValue()[0] * chosen.of(l.getKey()).weights().format().bits() + l.getValue()[1] * 32;
        }
        double byHand = bits / 61_470.0;
        assertEquals(byHand, r.cost("bpw"), 1e-12, chosen.toString());
        assertTrue(byHand <= 4.5, "bpw " + byHand);
    }
}
