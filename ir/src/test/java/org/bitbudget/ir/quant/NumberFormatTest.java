package org.bitbudget.ir.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks every {@link NumberFormat} against facts known by hand and against a brute-force
 * reference rounding.
 *
 * <ul>
 *   <li>{@code values()}: count, smallest and largest value, smallest positive value (the smallest
 *       subnormal for minifloats), strictly ascending, closed under negation for signed formats; for
 *       minifloats the k-th non-negative value decodes from bit pattern k with the standard formula
 *       (so codes are consecutive and "even code" means even index), fp4-e2m1's positives are exactly
 *       {0, 0.5, 1, 1.5, 2, 3, 4, 6}, fp8-e4m3 has no 480 and fp8-e5m2 no infinity.</li>
 *   <li>{@code quantize(x)} equals the nearest element of {@code values()} (ties to the even code,
 *       saturating beyond the ends) for a dense sweep over [−1.25·max, 1.25·max], for every value, the
 *       floats just above and below it, every midpoint between neighbours and the floats next to
 *       each midpoint.</li>
 *   <li>NaN stays NaN, ±∞ saturates to max/min (0 for unsigned formats); −0.0 keeps its sign in
 *       signed formats (IEEE rounding), becomes +0.0 in unsigned ones and +1 in {@code binary};
 *       a small negative value that rounds to zero gives −0.0 in signed formats.</li>
 *   <li>stochastic rounding with a seeded generator returns one of the two neighbours and is
 *       unbiased: the mean of 20,000 draws is within 4 standard errors of x.</li>
 *   <li>{@code parse} rejects bad names with an {@link IllegalArgumentException} naming the name
 *       and the rule it broke.</li>
 * </ul>
 */
class NumberFormatTest {
    private static final int DRAWS = 20_000;

    /**
     * Hand-known facts of one format.
     *
     * @param name             the config name
     * @param bits             storage bits
     * @param count            number of distinct representable values
     * @param min              smallest value
     * @param max              largest value
     * @param smallestPositive smallest value above zero
     */
    record Facts(String name, int bits, int count, double min, double max, double smallestPositive) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Facts> formats() {
        List<Facts> facts = new ArrayList<>();
        for (int b = 2; b <= 8; b++) {
            int q = (1 << (b - 1)) - 1;
            facts.add(new Facts("int" + b, b, 2 * q + 1, -q, q, 1));
            facts.add(new Facts("int" + b + "-full", b, 1 << b, -(q + 1), q, 1));
            facts.add(new Facts("uint" + b, b, 1 << b, 0, (1 << b) - 1, 1));
        }
        facts.add(new Facts("binary", 1, 2, -1, 1, 1));
        facts.add(new Facts("ternary", 2, 3, -1, 1, 1));
        facts.add(new Facts("fp8-e4m3", 8, 253, -448, 448, 0x1p-9));
        facts.add(new Facts("fp8-e5m2", 8, 247, -57344, 57344, 0x1p-16));
        facts.add(new Facts("fp6-e3m2", 6, 63, -28, 28, 0x1p-4));
        facts.add(new Facts("fp6-e2m3", 6, 63, -7.5, 7.5, 0x1p-3));
        facts.add(new Facts("fp4-e2m1", 4, 15, -6, 6, 0.5));
        // Generic fpN-eEmM: bias 2^(E-1)-1, every encoding finite.
        facts.add(new Facts("fp8-e3m4", 8, 255, -31, 31, 0x1p-6));
        facts.add(new Facts("fp5-e2m2", 5, 31, -7, 7, 0.25));
        return facts.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void valuesMatchTheHandKnownFacts(Facts f) {
        NumberFormat format = NumberFormat.parse(f.name());
        assertEquals(f.name(), format.name());
        assertEquals(f.bits(), format.bits());
        assertEquals(f.max(), format.maxValue());
        assertEquals(f.min(), format.minValue());
        assertEquals(f.min() >= 0, format.unsigned());

        float[] v = format.values();
        assertEquals(f.count(), v.length);
        assertEquals((float) f.min(), v[0]);
        assertEquals((float) f.max(), v[v.length - 1]);
        for (int i = 1; i < v.length; i++) {
            assertTrue(v[i - 1] < v[i], "values ascending without duplicates at index " + i);
        }
        float smallestPositive = Float.NaN;
        for (float x : v) {
            assertTrue(Float.floatToRawIntBits(x) != Float.floatToRawIntBits(-0f), "no -0.0 in values()");
            if (x > 0 && Float.isNaN(smallestPositive)) {
                smallestPositive = x;
            }
            if (f.min() == -f.max()) {
                assertTrue(Arrays.binarySearch(v, -x + 0f) >= 0, "values are symmetric: " + x);
            }
        }
        assertEquals((float) f.smallestPositive(), smallestPositive);
        if (format instanceof MiniFloatFormat m) {
            float[] nonNegative = nonNegative(v);
            for (int code = 0; code < nonNegative.length; code++) {
                assertEquals(
                        decode(code, m.exponentBits(), m.mantissaBits(), m.bias()),
                        nonNegative[code],
                        "bit pattern " + code);
            }
        }
    }

    @Test
    void minifloatSpecialFacts() {
        assertArrayEquals(
                new float[] {0, 0.5f, 1, 1.5f, 2, 3, 4, 6},
                nonNegative(NumberFormat.parse("fp4-e2m1").values()));

        float[] e4m3 = NumberFormat.parse("fp8-e4m3").values();
        assertTrue(Arrays.binarySearch(e4m3, 480f) < 0, "S.1111.111 is NaN in E4M3FN, so 480 is not a value");
        assertTrue(Arrays.binarySearch(e4m3, 0x1p-6f) >= 0, "smallest normal 2^-6");
        assertEquals(7, ((MiniFloatFormat) NumberFormat.parse("fp8-e4m3")).bias());

        float[] e5m2 = NumberFormat.parse("fp8-e5m2").values();
        assertEquals(15, ((MiniFloatFormat) NumberFormat.parse("fp8-e5m2")).bias());
        assertTrue(Arrays.binarySearch(e5m2, 0x1p-14f) >= 0, "smallest normal 2^-14");
        assertTrue(Arrays.binarySearch(e5m2, 0x1p16f) < 0, "the top exponent holds infinities and NaNs");

        assertEquals(3, ((MiniFloatFormat) NumberFormat.parse("fp6-e3m2")).bias());
        assertEquals(1, ((MiniFloatFormat) NumberFormat.parse("fp6-e2m3")).bias());
        assertEquals(1, ((MiniFloatFormat) NumberFormat.parse("fp4-e2m1")).bias());
    }

    @Test
    void javadocExamples() {
        NumberFormat f = NumberFormat.parse("fp8-e4m3");
        assertEquals(288f, f.quantize(300f));
        assertEquals(448f, f.quantize(1000f));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void quantizeIsTheNearestValueOnADenseSweep(Facts f) {
        NumberFormat format = NumberFormat.parse(f.name());
        float[] v = format.values();
        double lo = -1.25 * Math.max(Math.abs(f.min()), f.max());
        double hi = 1.25 * f.max();
        int steps = 20_000;
        for (int i = 0; i <= steps; i++) {
            float x = (float) (lo + (hi - lo) * i / steps);
            assertNearest(format, v, x);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void quantizeAtValuesMidpointsAndTheirNeighbours(Facts f) {
        NumberFormat format = NumberFormat.parse(f.name());
        float[] v = format.values();
        for (int i = 0; i < v.length; i++) {
            assertEquals(v[i], format.quantize(v[i]), "representable values are fixed points");
            assertNearest(format, v, Math.nextUp(v[i]));
            assertNearest(format, v, Math.nextDown(v[i]));
            if (i + 1 < v.length) {
                double mid = ((double) v[i] + v[i + 1]) / 2;
                float m = (float) mid;
                assertEquals(mid, m, "midpoint is a float");
                assertNearest(format, v, m);
                assertNearest(format, v, Math.nextUp(m));
                assertNearest(format, v, Math.nextDown(m));
            }
        }
        float max = (float) f.max();
        float min = (float) f.min();
        assertEquals(max, format.quantize(max));
        assertEquals(min, format.quantize(min));
        assertEquals(max, format.quantize(Math.nextUp(max)));
        assertEquals(min, format.quantize(Math.nextDown(min)));
        assertEquals(max, format.quantize(Float.MAX_VALUE));
        assertEquals(min, format.quantize(-Float.MAX_VALUE));
    }

    @Test
    void tiesGoToTheEvenCode() {
        NumberFormat int4 = NumberFormat.parse("int4");
        assertEquals(2f, int4.quantize(2.5f));
        assertEquals(4f, int4.quantize(3.5f));
        assertEquals(-2f, int4.quantize(-2.5f));
        assertEquals(6f, int4.quantize(6.5f));
        assertEquals(7f, int4.quantize(7.5f), "beyond max saturates");
        NumberFormat uint4 = NumberFormat.parse("uint4");
        assertEquals(0f, uint4.quantize(0.5f));
        assertEquals(14f, uint4.quantize(14.5f));
        NumberFormat fp4 = NumberFormat.parse("fp4-e2m1");
        assertEquals(0f, fp4.quantize(0.25f), "0 (code 0) beats 0.5 (code 1)");
        assertEquals(1f, fp4.quantize(0.75f), "1 (code 2) beats 0.5 (code 1)");
        assertEquals(2f, fp4.quantize(2.5f), "2 (code 4) beats 3 (code 5)");
        assertEquals(4f, fp4.quantize(3.5f), "4 (code 6) beats 3 (code 5)");
        assertEquals(4f, fp4.quantize(5f), "4 (code 6) beats 6 (code 7)");
        assertEquals(-4f, fp4.quantize(-5f));
        NumberFormat e4m3 = NumberFormat.parse("fp8-e4m3");
        assertEquals(0f, e4m3.quantize(0x1p-10f), "half the smallest subnormal goes to 0");
        assertEquals(0x1p-8f, e4m3.quantize(0x1.8p-9f), "1.5 subnormal steps go to 2 steps");
        assertEquals(0x1p-9f, e4m3.quantize(Math.nextUp(0x1p-10f)));
        assertEquals(0x1p-6f, e4m3.quantize(0x1.fp-7f), "the largest subnormal 7*2^-9 ties up to 2^-6");
        assertEquals(448f, e4m3.quantize(432f), "448 = 1.110b*2^8 beats 416 = 1.101b*2^8");
        assertEquals(384f, e4m3.quantize(400f), "384 = 1.100b*2^8 beats 416 = 1.101b*2^8");
        assertEquals(448f, e4m3.quantize(464f), "halfway to the NaN pattern saturates");
        NumberFormat e5m2 = NumberFormat.parse("fp8-e5m2");
        assertEquals(0f, e5m2.quantize(0x1p-17f));
        assertEquals(0x1p-15f, e5m2.quantize(0x1.8p-16f));
        assertEquals(57344f, e5m2.quantize(61440f), "halfway to infinity saturates");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void nanAndInfinities(Facts f) {
        NumberFormat format = NumberFormat.parse(f.name());
        SplittableRandom random = new SplittableRandom(1);
        assertTrue(Float.isNaN(format.quantize(Float.NaN)));
        assertTrue(Float.isNaN(format.quantize(Float.NaN, random)));
        assertEquals((float) f.max(), format.quantize(Float.POSITIVE_INFINITY));
        assertEquals((float) f.min(), format.quantize(Float.NEGATIVE_INFINITY));
        assertEquals((float) f.max(), format.quantize(Float.POSITIVE_INFINITY, random));
        assertEquals((float) f.min(), format.quantize(Float.NEGATIVE_INFINITY, random));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void negativeZero(Facts f) {
        NumberFormat format = NumberFormat.parse(f.name());
        float fromNegativeZero = format.quantize(-0f);
        float fromSmallNegative = format.quantize((float) -(f.smallestPositive() / 4));
        if (f.name().equals("binary")) {
            assertEquals(1f, fromNegativeZero, "binary maps every zero to +1");
            assertEquals(-1f, fromSmallNegative);
        } else if (format.unsigned()) {
            assertEquals(0f, fromNegativeZero, "unsigned formats give +0.0");
            assertEquals(0f, fromSmallNegative);
        } else {
            assertEquals(-0f, fromNegativeZero, "signed formats keep the sign of zero");
            assertEquals(-0f, fromSmallNegative, "a negative value rounding to zero gives -0.0");
        }
        if (!f.name().equals("binary")) {
            assertEquals(0f, format.quantize(0f), "+0.0 stays +0.0");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void stochasticRoundingPicksANeighbourAndIsUnbiased(Facts f) {
        NumberFormat format = NumberFormat.parse(f.name());
        float[] v = format.values();
        int n = v.length;
        // Points inside the first, a middle, the last and (when signed) a negative gap, at varied fractions.
        List<Float> points = new ArrayList<>();
        int zero = Arrays.binarySearch(v, 0f);
        int firstPositiveGap = Math.max(zero, 0);
        int[] gaps = {firstPositiveGap, (firstPositiveGap + n - 1) / 2, n - 2, Math.max(firstPositiveGap - 2, 0)};
        double[] fractions = {0.3, 0.5, 0.875, 0.1};
        for (int g = 0; g < gaps.length; g++) {
            float a = v[gaps[g]];
            float b = v[gaps[g] + 1];
            points.add((float) (a + fractions[g] * ((double) b - a)));
        }
        points.add(v[n / 2]);
        SplittableRandom random = new SplittableRandom(42);
        for (float x : points) {
            int i = Arrays.binarySearch(v, x);
            float lower = i >= 0 ? v[i] : v[-i - 2];
            float upper = i >= 0 ? v[i] : v[-i - 1];
            double sum = 0;
            for (int d = 0; d < DRAWS; d++) {
                float q = format.quantize(x, random);
                assertTrue(
                        q == lower || q == upper,
                        x + " rounded stochastically to " + q + ", not " + lower + " or " + upper);
                sum += q;
            }
            double mean = sum / DRAWS;
            if (lower == upper) {
                assertEquals(x, mean, "a representable value never moves");
                continue;
            }
            double p = ((double) x - lower) / ((double) upper - lower);
            double standardError = ((double) upper - lower) * Math.sqrt(p * (1 - p) / DRAWS);
            assertEquals(x, mean, 4 * standardError, "mean of " + DRAWS + " stochastic roundings of " + x);
        }
        float beyond = (float) (1.5 * f.max());
        assertEquals((float) f.max(), format.quantize(beyond, random), "stochastic rounding saturates too");
    }

    @ParameterizedTest(name = "''{0}''")
    @MethodSource("badNames")
    void parseRejectsBadNames(String name, String hint) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NumberFormat.parse(name));
        assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
        assertTrue(e.getMessage().contains(hint), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    static Stream<Arguments> badNames() {
        return Stream.of(
                Arguments.of("int9", "int2..int8"),
                Arguments.of("int1", "int2..int8"),
                Arguments.of("uint3-full", "unsigned formats have no -full variant"),
                Arguments.of("fp8-e4m4", "is 9, not 8"),
                Arguments.of("fp4-e0m3", "exponent bits must be 1..8"),
                Arguments.of("", "expected float"),
                Arguments.of("int8x", "expected float"));
    }

    @Test
    void parseAcceptsCaseAndSpaceVariantsAndFloat() {
        assertEquals(NumberFormat.parse("int8"), NumberFormat.parse(" INT8 "));
        assertSame(NumberFormat.FLOAT, NumberFormat.parse("float"));
        assertSame(NumberFormat.FLOAT, NumberFormat.parse("fp32"));
        assertEquals(0, NumberFormat.FLOAT.values().length);
        assertEquals(32, NumberFormat.FLOAT.bits());
        assertEquals(0.1f, NumberFormat.FLOAT.quantize(0.1f));
        assertEquals(1e30f, NumberFormat.FLOAT.quantize(1e30f, new SplittableRandom(1)));
    }

    /** The reference rounding: the nearest element of the sorted {@code values}, ties to the even code. */
    private static float nearest(NumberFormat format, float[] values, float x) {
        if (Float.isNaN(x)) {
            return x;
        }
        if (x <= values[0]) {
            return values[0];
        }
        if (x >= values[values.length - 1]) {
            return values[values.length - 1];
        }
        int i = Arrays.binarySearch(values, x);
        if (i >= 0) {
            return values[i];
        }
        float a = values[-i - 2];
        float b = values[-i - 1];
        double mid = ((double) a + b) / 2; // exact: adjacent values of these formats differ in few bits
        if (x != mid) {
            return x < mid ? a : b;
        }
        if (format.name().equals("binary")) {
            return 1f; // the tie at zero: binary maps zero to +1
        }
        return evenCode(format, values, a) ? a : b;
    }

    /** Integers: the even integer; minifloats: the even index among the non-negative values. */
    private static boolean evenCode(NumberFormat format, float[] values, float value) {
        if (format instanceof MiniFloatFormat) {
            return Arrays.binarySearch(nonNegative(values), Math.abs(value)) % 2 == 0;
        }
        return ((int) value) % 2 == 0;
    }

    private static void assertNearest(NumberFormat format, float[] values, float x) {
        // Adding +0.0 compares -0.0 and +0.0 as equal; the sign of zero has its own test.
        assertEquals(nearest(format, values, x) + 0f, format.quantize(x) + 0f, format.name() + " quantize(" + x + ")");
    }

    private static float[] nonNegative(float[] values) {
        int zero = Arrays.binarySearch(values, 0f);
        return Arrays.copyOfRange(values, zero, values.length);
    }

    /** Decodes non-negative bit pattern {@code code} (exponent field, then mantissa) of a minifloat. */
    private static float decode(int code, int exponentBits, int mantissaBits, int bias) {
        int field = code >> mantissaBits;
        int fraction = code & ((1 << mantissaBits) - 1);
        double significand =
                field == 0 ? fraction / (double) (1 << mantissaBits) : 1 + fraction / (double) (1 << mantissaBits);
        return (float) (significand * Math.pow(2, Math.max(field, 1) - bias));
    }
}
