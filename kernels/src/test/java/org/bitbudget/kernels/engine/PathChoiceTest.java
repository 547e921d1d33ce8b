package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The decision rule of the measured kernel choice, on given timings (the timing itself is not asserted). */
class PathChoiceTest {
    @Test
    void theRulesPathStaysUnlessAnotherIsMoreThanATenthFaster() {
        assertEquals(0, PathChoice.fastest(new long[] {1000}));
        assertEquals(0, PathChoice.fastest(new long[] {1000, 900}));
        assertEquals(0, PathChoice.fastest(new long[] {1000, 950, 1200}));
        assertEquals(1, PathChoice.fastest(new long[] {1000, 899}));
        assertEquals(2, PathChoice.fastest(new long[] {1000, 899, 500, 700}));
        assertEquals(0, PathChoice.fastest(new long[] {Long.MAX_VALUE, Long.MAX_VALUE}));
    }

    @Test
    void aSwitchNeedsTheSameMarginInTheConfirmingTiming() {
        assertTrue(PathChoice.confirmed(3_300_000L, 1_000_000L));
        assertTrue(PathChoice.confirmed(1000, 899));
        assertFalse(PathChoice.confirmed(1000, 900));
        // The confirming timing finds the rule's path fast again: the switch falls back.
        assertFalse(PathChoice.confirmed(3_300_000L, 11_900_000L));
    }
}
