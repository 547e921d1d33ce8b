package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ChannelScaling} on sums and biases across 60 orders of magnitude, against exact decimal
 * arithmetic: every accumulator lies within half a unit (plus the bias's own rounding at 2^-16 of a
 * sum unit or coarser in the 64-bit form) of {@code (S + B) * 2^e}, stays below 2^30 + 1 in magnitude, and in the
 * threshold form (a bias beyond 2^61 sum units) equals {@code floor((S + B) * 2^e + 1/2)} exactly.
 */
class ChannelScalingTest {

    @Test
    void accumulatorsAreTheRoundedSumPlusBiasAtEveryScale() {
        SplittableRandom random = new SplittableRandom(20);
        int checked = 0;
        for (int exponent = -40; exponent <= 80; exponent++) {
            for (int trial = 0; trial < 200; trial++) {
                double sumBound = Math.floor(Math.scalb(1.0, random.nextInt(0, 31)) * random.nextDouble());
                double b = Math.scalb(random.nextDouble() - 0.5, exponent);
                ChannelScaling scaling = ChannelScaling.of("layer", new double[] {sumBound}, new double[] {b});
                int e = scaling.exponents()[0];
                for (int s : new int[] {0, (int) sumBound, (int) -sumBound, (int) (sumBound * random.nextDouble())}) {
                    int a = scaling.accumulator(s, 0);
                    BigDecimal exact = new BigDecimal(s).add(new BigDecimal(b));
                    BigDecimal scaled = scale(exact, e);
                    assertTrue(Math.abs((double) a) <= 0x1p30 + 1, "|A| = " + a);
                    double error = scaled.subtract(new BigDecimal(a)).abs().doubleValue();
                    boolean threshold = scaling.wideBits() != null && scaling.wideBits()[0] < 0;
                    if (threshold) {
                        int expected = scaled.add(new BigDecimal("0.5"))
                                .setScale(0, RoundingMode.FLOOR)
                                .intValueExact();
                        assertEquals(expected, a, "S = " + s + ", B = " + b);
                    } else {
                        double biasRounding = e >= 0 ? 0 : Math.scalb(0.5, e - scaling.wideBits()[0]);
                        assertTrue(error <= 0.5 + biasRounding + 1e-12, "S = " + s + ", B = " + b + ": " + error);
                    }
                    checked++;
                }
            }
        }
        assertTrue(checked > 90_000);
    }

    private static BigDecimal scale(BigDecimal x, int e) {
        BigDecimal power = new BigDecimal(2).pow(Math.abs(e));
        return e >= 0 ? x.multiply(power) : x.divide(power);
    }
}
