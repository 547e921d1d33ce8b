package org.bitbudget.kernels.requant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks that a requantization through {@link RequantizationThresholds} gives exactly the bytes of
 * {@link Requantizer#requantize} with the same parameters, on the scalar twin and on
 * {@link VectorRequantizer} at every vector width this JVM runs from the family's 256 bits: two-,
 * three- and four-bit ranges, signed and unsigned, with a fused ReLU (the range starting at the zero
 * point), saturating left shifts, awkward channel counts around the lane count and below it (6, 12),
 * 1 to 37 rows end to end (one run of vectors over the rows) or with padded leading dimensions, with
 * offsets, and accumulators at every threshold and one off it, random,
 * small and at the int32 extremes. Bytes around the output must be left untouched.
 */
class RequantizationThresholdsTest {
    private static final int[] EXTREMES = {Integer.MIN_VALUE, Integer.MIN_VALUE + 1, -1, 0, 1, Integer.MAX_VALUE};

    /** {zeroPoint, min, max}: uint2 with ReLU, int2, uint3 with a zero point, uint4, int4, one code. */
    private static final int[][] RANGES = {{0, 0, 3}, {0, -2, 1}, {2, 2, 7}, {0, 0, 15}, {0, -8, 7}, {1, 1, 1}};

    private final Requantizer scalar = new ScalarRequantizer();

    static Stream<Integer> widths() {
        return KernelProvider.widths().stream().filter(bits -> bits >= new RequantizerFamily().minimumBits());
    }

    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void thresholdsGiveTheRequantizedCodesExactly(int bits) {
        Requantizer vector = KernelProvider.vector(new RequantizerFamily(), bits);
        Random random = new Random(bits * 131L);
        int lanes = bits / Integer.SIZE;
        int[] counts = IntStream.of(1, 3, 6, 7, 12, 15, 16, 17, 33, lanes - 1, lanes, lanes + 1, 2 * lanes + 3)
                .distinct()
                .toArray();
        for (int n : counts) {
            for (int[] range : RANGES) {
                for (int m : new int[] {1, 3, 5, 37}) {
                    int[] leftShifts = random.nextBoolean() ? null : new int[n];
                    int[] multipliers = new int[n];
                    int[] shifts = new int[n];
                    for (int j = 0; j < n; j++) {
                        multipliers[j] = (1 << 30) + random.nextInt(1 << 30);
                        shifts[j] = random.nextInt(24);
                        if (leftShifts != null && random.nextInt(3) == 0) {
                            leftShifts[j] = random.nextInt(32);
                        }
                    }
                    RequantizationThresholds t =
                            RequantizationThresholds.of(leftShifts, multipliers, shifts, range[0], range[1], range[2]);
                    assertNotNull(t, "every code of the range is reached");
                    int accOff = random.nextInt(4);
                    // Rows end to end (one run, the engine's case) for 1, 5 and 37 rows, at a stride for 3.
                    boolean run = m / 2 % 2 == 0;
                    int ldAcc = n + (run ? 0 : 1 + random.nextInt(2));
                    int outOff = random.nextInt(4);
                    int ldOut = n + (run ? 0 : random.nextInt(3));
                    int[] acc = new int[accOff + m * ldAcc + random.nextInt(3)];
                    for (int x = 0; x < acc.length; x++) {
                        int j = Math.floorMod(x - accOff, ldAcc) % n;
                        acc[x] = switch (random.nextInt(4)) {
                            case 0 -> random.nextInt();
                            case 1 -> random.nextInt(1 << 16) - (1 << 15);
                            case 2 -> EXTREMES[random.nextInt(EXTREMES.length)];
                            default ->
                                t.count() == 0
                                        ? random.nextInt()
                                        : (int) Math.clamp(
                                                (long) t.values()[random.nextInt(t.count()) * n + j]
                                                        + random.nextInt(3)
                                                        - 1,
                                                Integer.MIN_VALUE,
                                                Integer.MAX_VALUE);
                        };
                    }
                    byte[] out = new byte[outOff + m * ldOut + random.nextInt(3)];
                    random.nextBytes(out);
                    byte[] expected = out.clone();
                    byte[] twin = out.clone();
                    byte[] actual = out.clone();
                    scalar.requantize(
                            m,
                            n,
                            acc,
                            accOff,
                            ldAcc,
                            leftShifts,
                            multipliers,
                            shifts,
                            range[0],
                            range[1],
                            range[2],
                            expected,
                            outOff,
                            ldOut);
                    scalar.requantize(m, n, acc, accOff, ldAcc, t, twin, outOff, ldOut);
                    vector.requantize(m, n, acc, accOff, ldAcc, t, actual, outOff, ldOut);
                    String where = bits + "-bit, m=" + m + " n=" + n + " range " + range[1] + ".." + range[2];
                    assertArrayEquals(expected, twin, "scalar twin, " + where);
                    assertArrayEquals(expected, actual, where);
                }
            }
        }
    }

    /**
     * Thresholds on sums before {@link Requantizer#shiftAdd} give the codes of the shifted
     * accumulators, for sums whose accumulators stay inside int32 (the engine's scaling keeps them below
     * 2^30): exponents 0 to 20, biases of either sign, sums at every threshold, one off it and random.
     */
    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void thresholdsBeforeTheShiftGiveTheShiftedAccumulatorsCodes(int bits) {
        Requantizer vector = KernelProvider.vector(new RequantizerFamily(), bits);
        Random random = new Random(bits * 71L);
        int lanes = bits / Integer.SIZE;
        for (int n :
                IntStream.of(1, 5, 16, 17, lanes + 1, 2 * lanes + 3).distinct().toArray()) {
            for (int[] range : RANGES) {
                int[] multipliers = new int[n];
                int[] shifts = new int[n];
                int[] exponents = new int[n];
                int[] bias = new int[n];
                for (int j = 0; j < n; j++) {
                    multipliers[j] = (1 << 30) + random.nextInt(1 << 30);
                    shifts[j] = 8 + random.nextInt(16);
                    exponents[j] = random.nextInt(21);
                    bias[j] = random.nextInt(1 << 24) - (1 << 23);
                }
                RequantizationThresholds t =
                        RequantizationThresholds.of(null, multipliers, shifts, range[0], range[1], range[2]);
                RequantizationThresholds sums = t.beforeShiftAdd(exponents, bias);
                assertNotNull(sums);
                int m = 7;
                int[] s = new int[m * n];
                for (int x = 0; x < s.length; x++) {
                    int j = x % n;
                    int limit = ((1 << 29) - Math.abs(bias[j])) >> exponents[j];
                    int value = random.nextBoolean() || sums.count() == 0
                            ? random.nextInt(-limit, limit + 1)
                            : sums.values()[random.nextInt(sums.count()) * n + j] + random.nextInt(3) - 1;
                    s[x] = Math.clamp(value, -limit, limit);
                }
                int[] acc = s.clone();
                scalar.shiftAdd(acc.length, n, acc, exponents, bias);
                byte[] expected = new byte[s.length];
                byte[] twin = new byte[s.length];
                byte[] actual = new byte[s.length];
                scalar.requantize(m, n, acc, 0, n, t, expected, 0, n);
                scalar.requantize(m, n, s, 0, n, sums, twin, 0, n);
                vector.requantize(m, n, s, 0, n, sums, actual, 0, n);
                String where = bits + "-bit, n=" + n + " range " + range[1] + ".." + range[2];
                assertArrayEquals(expected, twin, "scalar twin, " + where);
                assertArrayEquals(expected, actual, where);
            }
        }
    }

    @Test
    void wideRangesAndUnreachableCodesHaveNoThresholds() {
        int[] multipliers = {1 << 30, 1 << 30};
        int[] shifts = {0, 0};
        assertNull(RequantizationThresholds.of(null, multipliers, shifts, 0, 0, 255), "eight-bit codes");
        assertNull(RequantizationThresholds.of(null, multipliers, shifts, 0, -8, 8), "seventeen codes");
        // A zero multiplier gives the zero point's code to every accumulator: codes above it are out of reach.
        assertNull(RequantizationThresholds.of(null, new int[] {1 << 30, 0}, shifts, 0, 0, 3), "zero multiplier");
        assertNotNull(RequantizationThresholds.of(null, multipliers, shifts, 0, -8, 7), "sixteen codes");
    }
}
