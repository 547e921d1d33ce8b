package org.bitbudget.ir.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link RangeSearch}:
 * <ul>
 *   <li>{@code mse} clipping never has a larger sum of squared errors than {@code max} clipping, nor
 *       than any point of its α grid, on 50 seeded Gaussian and Laplace groups in signed, unsigned
 *       and minifloat formats, and is strictly better overall on heavy-tailed Laplace data;</li>
 *   <li>{@code percentile(100)} gives exactly the {@code max} parameters; other percentiles
 *       interpolate linearly between order statistics (of magnitudes for signed formats, of values
 *       at p and 100 − p for unsigned ones);</li>
 *   <li>an all-zero (or empty) group gets a usable scale and dequantizes to zeros under every rule;</li>
 *   <li>only the first n values count.</li>
 * </ul>
 */
class RangeSearchTest {
    private static final List<NumberFormat> FORMATS =
            List.of("int2", "int4", "int8", "ternary", "binary", "uint4", "fp4-e2m1", "fp8-e4m3").stream()
                    .map(NumberFormat::parse)
                    .toList();

    /** Group {@code g} of 50: even groups Gaussian, odd ones Laplace, with varied sizes, scales and offsets. */
    private static float[] group(int g) {
        SplittableRandom random = new SplittableRandom(1000 + g);
        float[] v = new float[32 + 9 * g];
        double scale = 0.01 + random.nextDouble() * 3;
        double offset = g % 5 == 0 ? scale : 0;
        for (int i = 0; i < v.length; i++) {
            double x = g % 2 == 0 ? random.nextGaussian() : laplace(random);
            v[i] = (float) (offset + scale * x);
        }
        return v;
    }

    private static double laplace(SplittableRandom random) {
        double u = random.nextDouble() - 0.5;
        return -Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
    }

    @Test
    void mseIsNeverWorseThanMaxNorAnyGridPoint() {
        for (NumberFormat format : FORMATS) {
            double laplaceMax = 0;
            double laplaceMse = 0;
            for (int g = 0; g < 50; g++) {
                float[] v = group(g);
                double maxError =
                        RangeSearch.error(v, v.length, format, RangeSearch.choose(v, v.length, format, Clipping.MAX));
                double mseError =
                        RangeSearch.error(v, v.length, format, RangeSearch.choose(v, v.length, format, Clipping.MSE));
                String where = format.name() + " group " + g;
                assertTrue(mseError <= maxError, where + ": mse " + mseError + " > max " + maxError);
                if (g % 10 == 3) {
                    for (int step = 1; step <= 100; step++) {
                        double grid = RangeSearch.error(v, v.length, format, gridPoint(v, format, step / 100.0));
                        assertTrue(
                                mseError <= grid, where + ": mse " + mseError + " > grid point " + step + ": " + grid);
                    }
                }
                if (g % 2 == 1) {
                    laplaceMax += maxError;
                    laplaceMse += mseError;
                }
            }
            assertTrue(laplaceMse < laplaceMax, format.name() + ": mse clipping should help on Laplace data");
        }
    }

    /** The parameters for α times the full range, as the documented grid defines them. */
    private static RangeSearch.Params gridPoint(float[] v, NumberFormat format, double alpha) {
        float lo = 0f;
        float hi = 0f;
        float absMax = 0f;
        for (float x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
            absMax = Math.max(absMax, Math.abs(x));
        }
        return format.unsigned()
                ? RangeSearch.asymmetric((float) (alpha * lo), (float) (alpha * hi), format)
                : RangeSearch.symmetric((float) (alpha * absMax), format);
    }

    @Test
    void percentile100IsMax() {
        Clipping p100 = Clipping.parse("percentile(100)");
        for (NumberFormat format : FORMATS) {
            for (int g = 0; g < 50; g++) {
                float[] v = group(g);
                assertEquals(
                        RangeSearch.choose(v, v.length, format, Clipping.MAX),
                        RangeSearch.choose(v, v.length, format, p100),
                        format.name() + " group " + g);
            }
        }
    }

    @Test
    void percentileInterpolatesBetweenOrderStatistics() {
        NumberFormat int4 = NumberFormat.parse("int4");
        // Magnitudes 0, 1, 2, 3: the median is at position 1.5 -> 1.5.
        float[] signed = {0f, -1f, 3f, -2f};
        assertEquals(
                new RangeSearch.Params(1.5f / 7f, 0f),
                RangeSearch.choose(signed, 4, int4, Clipping.parse("percentile(50)")));
        // Values -2 .. 6: the 10th percentile is at position 0.8 -> -1.2, the 90th at 7.2 -> 5.2.
        float[] values = {6f, -2f, 0f, 5f, -1f, 1f, 4f, 2f, 3f};
        float lo = -1.2f;
        float hi = 5.2f;
        float scale = (hi - lo) / 15f;
        RangeSearch.Params p90 = RangeSearch.choose(
                values, values.length, NumberFormat.parse("uint4"), Clipping.parse("percentile(90)"));
        assertEquals(new RangeSearch.Params(scale, (float) Math.rint(-lo / scale)), p90);
        assertEquals(3f, p90.zeroPoint());
    }

    @Test
    void maxClippingFormulas() {
        float[] v = {-3f, 1.5f, 2f};
        assertEquals(
                new RangeSearch.Params(1f, 0f), RangeSearch.choose(v, 3, NumberFormat.parse("int3"), Clipping.MAX));
        assertEquals(
                new RangeSearch.Params(3f / 448f, 0f),
                RangeSearch.choose(v, 3, NumberFormat.parse("fp8-e4m3"), Clipping.MAX));
        // uint2: range [-3, 2], scale 5/3, zero point round(3 / (5/3)) = round(1.8) = 2.
        assertEquals(
                new RangeSearch.Params(5f / 3f, 2f),
                RangeSearch.choose(v, 3, NumberFormat.parse("uint2"), Clipping.MAX));
        // All positive: the range is widened to include zero, whose code is 0.
        float[] positive = {1f, 3f};
        assertEquals(
                new RangeSearch.Params(0.2f, 0f),
                RangeSearch.choose(positive, 2, NumberFormat.parse("uint4"), Clipping.MAX));
    }

    @Test
    void allZeroAndEmptyGroupsGiveZeros() {
        List<Clipping> clippings = List.of(Clipping.MAX, Clipping.MSE, Clipping.parse("percentile(99)"));
        for (NumberFormat format : FORMATS) {
            if (format.name().equals("binary")) {
                continue; // binary has no zero: every value is ±scale
            }
            for (Clipping clipping : clippings) {
                for (int n : new int[] {0, 1, 17}) {
                    float[] zeros = new float[n];
                    RangeSearch.Params p = RangeSearch.choose(zeros, n, format, clipping);
                    String where = format.name() + " " + clipping + " n=" + n;
                    assertTrue(p.scale() > 0 && Float.isFinite(p.scale()), where + ": " + p);
                    for (float z : zeros) {
                        assertEquals(0f, p.apply(z, format), where);
                    }
                    assertEquals(0.0, RangeSearch.error(zeros, n, format, p), where);
                }
            }
        }
    }

    @Test
    void onlyTheFirstNValuesCount() {
        float[] v = {1f, -2f, 100f};
        NumberFormat int4 = NumberFormat.parse("int4");
        for (Clipping clipping : List.of(Clipping.MAX, Clipping.MSE, Clipping.parse("percentile(90)"))) {
            assertEquals(
                    RangeSearch.choose(new float[] {1f, -2f}, 2, int4, clipping),
                    RangeSearch.choose(v, 2, int4, clipping),
                    clipping.toString());
        }
    }
}
