package org.bitbudget.data.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bitbudget.ir.UnknownNameException;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Each metric against values worked out by hand on small outputs, its direction, its damage (0 for
 * the reference itself) and the registry's names.
 */
class MetricsTest {
    private static final double EPS = 1e-12;

    private static Tensor t(int n, float... v) {
        return Tensor.of(Shape.of(n, v.length / n), v);
    }

    private final Tensor out = t(2, 2, 1, 0, 0, 3, 1);
    private final Tensor ref = t(2, 1, 2, 0, 0, 3, 0);
    private final int[] labels = {0, 1};

    @Test
    void top1CountsLabelsAtTheLargestOutput() {
        assertEquals(1.0, Metrics.of("top1").score(out, ref, labels), EPS);
        assertEquals(0.5, Metrics.of("top1").score(ref, ref, labels), EPS);
    }

    @Test
    void agreementComparesWithTheReferencesLargestOutput() {
        assertEquals(0.5, Metrics.of("agreement").score(out, ref, null), EPS);
        assertEquals(1.0, Metrics.of("agreement").score(ref, ref, null), EPS);
    }

    @Test
    void mseAndSqnrOverEveryValue() {
        // differences (1, -1, 0, 0, 0, 1): 3 over 6 values; reference power 1 + 4 + 9 = 14
        assertEquals(0.5, Metrics.of("mse").score(out, ref, null), EPS);
        assertEquals(10 * Math.log10(14.0 / 3), Metrics.of("sqnr").score(out, ref, null), EPS);
        assertEquals(SqnrMetric.CEILING_DB, Metrics.of("sqnr").score(ref, ref, null), EPS);
        assertEquals(3.0 / 14, Metrics.of("sqnr").damage(out, ref, null), EPS);
    }

    @Test
    void klOfTheSoftmaxes() {
        // p = softmax(0, 0) = (1/2, 1/2); q = softmax(ln 3, 0) = (3/4, 1/4)
        Tensor reference = t(1, 0f, 0f);
        Tensor scored = t(1, (float) Math.log(3), 0f);
        double expected = 0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25);
        assertEquals(expected, Metrics.of("kl").score(scored, reference, null), 1e-7);
        assertEquals(0.0, Metrics.of("kl").score(reference, reference, null), EPS);
    }

    @Test
    void top5CountsTiesForTheLabel() {
        // label 0 has 5 larger values in the first sample, 4 larger and one tie in the second
        Tensor scored = t(2, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 1, 0);
        int[] y = {0, 0};
        assertEquals(0.5, Metrics.of("top5").score(scored, scored, y), EPS);
    }

    @Test
    void top1DamageIsTheRiseOfCrossEntropy() {
        Tensor reference = t(1, 0f, 0f);
        Tensor scored = t(1, (float) Math.log(3), 0f);
        double expected = -Math.log(0.75) - Math.log(2);
        assertEquals(expected, Metrics.of("top1").damage(scored, reference, new int[] {0}), 1e-7);
    }

    @Test
    void everyMetricGivesTheReferenceNoDamageAndKnowsItsDirection() {
        for (String name : Metrics.NAMES) {
            Metric m = Metrics.of(name);
            assertEquals(name, m.name());
            assertEquals(0.0, m.damage(ref, ref, labels), EPS, name);
            assertTrue(m.damage(out, ref, labels) != 0 || name.equals("top5"), name);
            double better = m.direction() == Metric.Direction.HIGHER_IS_BETTER ? 1 : -1;
            assertEquals(better * 0.25, m.utility(0.25), EPS, name);
        }
        assertEquals(Metric.Direction.LOWER_IS_BETTER, Metrics.of("kl").direction());
        assertEquals(Metric.Direction.LOWER_IS_BETTER, Metrics.of("mse").direction());
        assertEquals(Metric.Direction.HIGHER_IS_BETTER, Metrics.of("sqnr").direction());
    }

    @Test
    void labelFreeMetricsNeedNoLabelsAndTheOthersSayTheyNeedThem() {
        assertEquals(List.of("top1", "top5", "agreement", "kl", "sqnr", "mse"), Metrics.NAMES);
        for (String name : List.of("agreement", "kl", "sqnr", "mse")) {
            assertFalse(Metrics.of(name).needsLabels(), name);
        }
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Metrics.of("top1").score(out, ref, null));
        assertEquals("top1 needs labels and the data have none", e.getMessage());
        assertEquals("kl", Metrics.defaultFor(false).name());
        assertEquals("top1", Metrics.defaultFor(true).name());
    }

    @Test
    void shapesMustMatchAndUnknownNamesListTheKnownOnes() {
        assertThrows(IllegalArgumentException.class, () -> Metrics.of("mse").score(out, t(3, 1, 2, 3), null));
        UnknownNameException e = assertThrows(UnknownNameException.class, () -> Metrics.of("top3"));
        assertTrue(e.getMessage().contains("top1, top5, agreement, kl, sqnr"), e.getMessage());
    }
}
