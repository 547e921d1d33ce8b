package org.bitbudget.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.bitbudget.ir.UserInputException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The calibration and evaluation sets on the installed Fashion-MNIST: an idx source's train split
 * calibrates; a source without a distinct other split is split disjointly by a seed, each side
 * reading exactly the source's samples and labels; calibration data equal to the evaluation data
 * are refused.
 */
class DataSetsTest {
    private static final Normalization NORM = new Normalization(0.2860f, 0.3530f);
    private static DataSource test;
    private static DataSource train;

    @BeforeAll
    static void load() {
        test = DataSources.open("fashion-mnist", Split.TEST).limit(1000);
        train = DataSources.open("fashion-mnist", Split.TRAIN);
    }

    @Test
    void theTrainSplitCalibratesAnIdxSource() {
        DataSets sets = DataSets.choose(test, null, train, 0);
        assertSame(train, sets.calibration());
        assertSame(test, sets.evaluation());
        assertEquals("calibration fashion-mnist:train, evaluation fashion-mnist:test", sets.origin());
    }

    @Test
    void aSourceWithoutAnotherSplitIsSplitDisjointlyBySeed() {
        DataSource again = DataSources.open("fashion-mnist", Split.TEST).limit(1000);
        assertTrue(DataSets.sameSamples(test, again));
        DataSets sets = DataSets.choose(test, null, again, 7);
        assertEquals(200, sets.calibration().size());
        assertEquals(800, sets.evaluation().size());
        assertEquals(
                "calibration: a seeded (seed 7) random 20% of fashion-mnist:test (200 samples); evaluation: the other 800",
                sets.origin());
        int[] labels = test.labels();
        BitSet seen = new BitSet();
        for (DataSource side : new DataSource[] {sets.calibration(), sets.evaluation()}) {
            int[] indices = ((IndexedSamples) side).indices();
            int[] sideLabels = side.labels();
            float[] pixels = side.batch(0, side.size(), NORM).data();
            float[] expected = test.gather(indices, NORM).data();
            assertArrayEquals(expected, pixels);
            for (int i = 0; i < indices.length; i++) {
                assertFalse(seen.get(indices[i]), "index " + indices[i] + " on both sides");
                seen.set(indices[i]);
                assertEquals(labels[indices[i]], sideLabels[i]);
            }
        }
        assertEquals(1000, seen.cardinality());
        assertFalse(DataSets.sameSamples(sets.calibration(), sets.evaluation()));
        int[] sameSeed = ((IndexedSamples) DataSets.split(test, 7).calibration()).indices();
        int[] otherSeed = ((IndexedSamples) DataSets.split(test, 8).calibration()).indices();
        assertArrayEquals(((IndexedSamples) sets.calibration()).indices(), sameSeed);
        assertNotEquals(java.util.Arrays.toString(sameSeed), java.util.Arrays.toString(otherSeed));
        assertTrue(sets.calibration().provenance().preprocessing().getLast().equals("seed 7 split: calibration 20%"));
    }

    @Test
    void calibrationDataThatAreTheEvaluationDataAreRefused() {
        UserInputException e = assertThrows(
                UserInputException.class,
                () -> DataSets.choose(
                        test, DataSources.open("fashion-mnist", Split.TEST).limit(1000), train, 0));
        assertEquals("fashion-mnist:test", e.source());
        assertTrue(e.getMessage().contains("calibration data are the evaluation data"), e.getMessage());
    }
}
