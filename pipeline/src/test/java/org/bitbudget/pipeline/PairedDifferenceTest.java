package org.bitbudget.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The paired difference of two configs' per-sample scores, against hand-computed values. */
class PairedDifferenceTest {
    /**
     * Eight samples, the first config right on 6, the second on 5; differences +1, +1, -1 and five 0:
     * mean 1/8, sample variance (2 × (7/8)² + (9/8)² + 5 × (1/8)²) / 7 = 2.875 / 7, standard error
     * √(2.875 / 56).
     */
    @Test
    void meanAndStandardErrorOfTheDifferences() {
        double[] a = {1, 1, 0, 1, 1, 1, 0, 1};
        double[] b = {0, 0, 1, 1, 1, 1, 0, 1};
        PairedDifference d = PairedDifference.of(a, b);
        assertEquals(0.125, d.mean(), 1e-15);
        assertEquals(Math.sqrt(2.875 / 56), d.standardError(), 1e-15);
        assertEquals(8, d.samples());
        assertTrue(d.exceeds(0.4), "0.125 > 0.4 × 0.227");
        assertFalse(d.exceeds(2), "0.125 < 2 × 0.227");
    }

    /** Configs that agree on every sample differ by nothing, and nothing is no gain. */
    @Test
    void identicalScoresAreNoGain() {
        PairedDifference d = PairedDifference.of(new double[] {1, 0, 1}, new double[] {1, 0, 1});
        assertEquals(0.0, d.mean());
        assertEquals(0.0, d.standardError());
        assertFalse(d.exceeds(2));
    }

    @Test
    void theSamplesMustPair() {
        assertThrows(IllegalArgumentException.class, () -> PairedDifference.of(new double[2], new double[3]));
    }
}
