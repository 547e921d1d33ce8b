package org.bitbudget.kernels.requant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.bitbudget.ir.quant.IntegerFormat;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks that {@link VectorRequantizer} gives exactly the bytes and ints of its twin {@link
 * ScalarRequantizer}, and the twin {@link Requantization}'s functions element by element, at every
 * vector width this JVM runs ({@link KernelProvider#widths()}) from the family's 256 bits: channel
 * counts 0, 1, 6, 7, 12, 15, 17, 63, 65 and 1,000 and around the lane count, 1 to 37 rows laid end
 * to end (one run of vectors over the rows, its parameters repeated over lcm(n, lanes) lanes) or at
 * a stride (row by row, each row's last vector masked), with random offsets, accumulators that are random,
 * at the int32 extremes or exact rounding ties, multipliers 0, 2^30 and 2^31 - 1, shifts 0 and 31,
 * left shifts that saturate, int8 and uint8 ranges with fused ReLU; the residual Add's rescaling with
 * either side, both or neither rescaled; and the sums' shift and bias with shifts 0 to 31. Bytes and
 * ints around the output must be left untouched.
 */
class RequantizerDifferentialTest {
    private static final int[] EXTREMES = {
        Integer.MIN_VALUE,
        Integer.MIN_VALUE + 1,
        -(1 << 30),
        -65537,
        -32768,
        -1,
        0,
        1,
        32767,
        65536,
        1 << 30,
        Integer.MAX_VALUE
    };

    private final Requantizer scalar = new ScalarRequantizer();

    /** What the accumulators and per-channel parameters hold. */
    enum Values {
        RANDOM,
        SMALL,
        EXTREME,
        TIES
    }

    static Stream<Arguments> widthsAndValues() {
        return KernelProvider.widths().stream()
                .filter(bits -> bits >= new RequantizerFamily().minimumBits())
                .flatMap(bits -> Stream.of(Values.values()).map(v -> Arguments.of(bits, v)));
    }

    private static int[] channelCounts(int bits) {
        int lanes = bits / Integer.SIZE;
        return IntStream.of(0, 1, 6, 7, 12, 15, 17, 63, 65, 1000, lanes - 1, lanes, lanes + 1, 2 * lanes + 3)
                .distinct()
                .toArray();
    }

    @ParameterizedTest(name = "{0}-bit vectors, {1} values")
    @MethodSource("widthsAndValues")
    void requantizeEqualsScalarExactly(int bits, Values values) {
        Requantizer vector = KernelProvider.vector(new RequantizerFamily(), bits);
        Random random = new Random(bits * 31L + values.ordinal());
        for (int n : channelCounts(bits)) {
            for (int m : new int[] {1, 3, 5, 37}) {
                for (int range = 0; range < 3; range++) {
                    int accOff = random.nextInt(5);
                    int outOff = random.nextInt(5);
                    // Rows end to end (one run, the engine's case) or at a stride, both for every range and m
                    // of the four.
                    boolean run = (range + m / 2) % 2 == 0;
                    int ldAcc = n + (run ? 0 : 1 + random.nextInt(3));
                    int ldOut = n + (run ? 0 : random.nextInt(4));
                    int[] acc = new int[accOff + m * ldAcc + random.nextInt(3)];
                    for (int x = 0; x < acc.length; x++) {
                        acc[x] = accumulator(random, values);
                    }
                    int[] multipliers = new int[n];
                    int[] shifts = new int[n];
                    int[] leftShifts = range == 2 ? null : new int[n];
                    for (int j = 0; j < n; j++) {
                        multipliers[j] = multiplier(random, values);
                        shifts[j] = values == Values.EXTREME ? (random.nextBoolean() ? 0 : 31) : random.nextInt(32);
                        if (leftShifts != null) {
                            leftShifts[j] = random.nextInt(4) == 0 ? random.nextInt(32) : 0;
                        }
                    }
                    // int8 with no activation, uint8 with a zero point and a fused ReLU6-like range, int4.
                    int zeroPoint = range == 1 ? random.nextInt(256) : 0;
                    int min = range == 0 ? -128 : range == 1 ? zeroPoint : -8;
                    int max = range == 0 ? 127 : range == 1 ? Math.max(zeroPoint, 200) : 7;
                    byte[] out = new byte[outOff + m * ldOut + random.nextInt(3)];
                    random.nextBytes(out);
                    byte[] expected = out.clone();
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
                            zeroPoint,
                            min,
                            max,
                            expected,
                            outOff,
                            ldOut);
                    vector.requantize(
                            m,
                            n,
                            acc,
                            accOff,
                            ldAcc,
                            leftShifts,
                            multipliers,
                            shifts,
                            zeroPoint,
                            min,
                            max,
                            actual,
                            outOff,
                            ldOut);
                    assertArrayEquals(expected, actual, bits + "-bit, m=" + m + " n=" + n + " range " + range);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            long v = acc[accOff + i * ldAcc + j];
                            if (leftShifts != null) {
                                v = Math.clamp(v << leftShifts[j], Integer.MIN_VALUE, Integer.MAX_VALUE);
                            }
                            int want =
                                    Requantization.requantize((int) v, multipliers[j], shifts[j], zeroPoint, min, max);
                            assertEquals(
                                    (byte) want, expected[outOff + i * ldOut + j], "scalar twin at " + i + "," + j);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}-bit vectors, {1} values")
    @MethodSource("widthsAndValues")
    void rescaleAddEqualsScalarExactly(int bits, Values values) {
        Requantizer vector = KernelProvider.vector(new RequantizerFamily(), bits);
        Random random = new Random(bits * 17L + values.ordinal());
        for (int n : channelCounts(bits)) {
            for (int rows : new int[] {1, 2, 5, 37}) {
                for (int sides = 0; sides < 4; sides++) {
                    int length = rows * n;
                    int[] a = new int[length];
                    int[] b = new int[length];
                    for (int x = 0; x < length; x++) {
                        a[x] = accumulator(random, values);
                        b[x] = accumulator(random, values);
                    }
                    int[] aMultipliers = (sides & 1) == 0 ? null : new int[n];
                    int[] aShifts = aMultipliers == null ? null : new int[n];
                    int[] bMultipliers = (sides & 2) == 0 ? null : new int[n];
                    int[] bShifts = bMultipliers == null ? null : new int[n];
                    for (int j = 0; j < n; j++) {
                        if (aMultipliers != null) {
                            aMultipliers[j] = multiplier(random, values);
                            aShifts[j] = random.nextInt(32);
                        }
                        if (bMultipliers != null) {
                            bMultipliers[j] = multiplier(random, values);
                            bShifts[j] = random.nextInt(32);
                        }
                    }
                    int[] out = new int[length + 3];
                    for (int x = 0; x < out.length; x++) {
                        out[x] = random.nextInt();
                    }
                    int[] expected = out.clone();
                    int[] actual = out.clone();
                    scalar.rescaleAdd(length, n, a, aMultipliers, aShifts, b, bMultipliers, bShifts, expected);
                    vector.rescaleAdd(length, n, a, aMultipliers, aShifts, b, bMultipliers, bShifts, actual);
                    assertArrayEquals(expected, actual, bits + "-bit, rows=" + rows + " n=" + n + " sides " + sides);
                    for (int x = 0; x < length; x++) {
                        int j = x % n;
                        int left = aMultipliers == null
                                ? a[x]
                                : Requantization.roundingDivideByPOT(
                                        Requantization.saturatingRoundingDoublingHighMul(a[x], aMultipliers[j]),
                                        aShifts[j]);
                        int right = bMultipliers == null
                                ? b[x]
                                : Requantization.roundingDivideByPOT(
                                        Requantization.saturatingRoundingDoublingHighMul(b[x], bMultipliers[j]),
                                        bShifts[j]);
                        assertEquals(left + right, expected[x], "scalar twin at " + x);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}-bit vectors, {1} values")
    @MethodSource("widthsAndValues")
    void shiftAddEqualsScalarExactly(int bits, Values values) {
        Requantizer vector = KernelProvider.vector(new RequantizerFamily(), bits);
        Random random = new Random(bits * 13L + values.ordinal());
        for (int n : channelCounts(bits)) {
            for (int rows : new int[] {1, 2, 5, 37}) {
                int length = rows * n;
                int[] acc = new int[length + 3];
                for (int x = 0; x < acc.length; x++) {
                    acc[x] = accumulator(random, values);
                }
                int[] exponents = new int[n];
                int[] bias = new int[n];
                for (int j = 0; j < n; j++) {
                    exponents[j] = values == Values.EXTREME ? (random.nextBoolean() ? 0 : 31) : random.nextInt(32);
                    bias[j] = accumulator(random, values);
                }
                int[] expected = acc.clone();
                int[] actual = acc.clone();
                scalar.shiftAdd(length, n, expected, exponents, bias);
                vector.shiftAdd(length, n, actual, exponents, bias);
                assertArrayEquals(expected, actual, bits + "-bit, rows=" + rows + " n=" + n);
                for (int x = 0; x < acc.length; x++) {
                    int want = x < length ? (acc[x] << exponents[x % n]) + bias[x % n] : acc[x];
                    assertEquals(want, expected[x], "scalar twin at " + x);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}-bit vectors, {1} values")
    @MethodSource("widthsAndValues")
    void clampEqualsScalarExactly(int bits, Values values) {
        Requantizer vector = KernelProvider.vector(new RequantizerFamily(), bits);
        Random random = new Random(bits * 17L + values.ordinal());
        for (int n : channelCounts(bits)) {
            for (int rows : new int[] {1, 2, 5, 37}) {
                int length = rows * n;
                int[] acc = new int[length + 3];
                for (int x = 0; x < acc.length; x++) {
                    acc[x] = accumulator(random, values);
                }
                int[] low = new int[n];
                int[] high = new int[n];
                for (int j = 0; j < n; j++) {
                    int a = accumulator(random, values);
                    int b = accumulator(random, values);
                    low[j] = Math.min(a, b);
                    high[j] = Math.max(a, b);
                }
                int[] expected = new int[acc.length];
                int[] actual = new int[acc.length];
                Arrays.fill(expected, 7);
                Arrays.fill(actual, 7);
                scalar.clamp(length, n, acc, low, high, expected);
                vector.clamp(length, n, acc, low, high, actual);
                assertArrayEquals(expected, actual, bits + "-bit, rows=" + rows + " n=" + n);
                for (int x = 0; x < acc.length; x++) {
                    int want = x < length ? Math.min(Math.max(acc[x], low[x % n]), high[x % n]) : 7;
                    assertEquals(want, expected[x], "scalar twin at " + x);
                }
            }
        }
    }

    private static int accumulator(Random random, Values values) {
        return switch (values) {
            case RANDOM -> random.nextInt();
            case SMALL -> random.nextInt(1 << 20) - (1 << 19);
            case EXTREME -> EXTREMES[random.nextInt(EXTREMES.length)];
            // Multiples of 2^k plus half of 2^k: with multiplier 2^30 exact ties of both roundings.
            case TIES -> ((random.nextInt(1 << 16) - (1 << 15)) << 12) + (random.nextBoolean() ? 1 << 11 : -(1 << 11));
        };
    }

    private static int multiplier(Random random, Values values) {
        return switch (values) {
            case RANDOM, SMALL -> (1 << 30) + random.nextInt(1 << 30);
            case EXTREME -> new int[] {0, 1 << 30, Integer.MAX_VALUE}[random.nextInt(3)];
            case TIES -> random.nextBoolean() ? 1 << 30 : Integer.MAX_VALUE;
        };
    }

    /**
     * Floats to codes at awkward lengths and offsets: random values, exact ties (k + 0.5) x scale,
     * values around 2^22 and 2^23 codes, NaN, infinities, signed zeros and 1e30, at scales from 1e-8 to
     * 1e6, with and without a zero point, for int8, uint8, a ReLU6-like and a 4-bit code range; the
     * scalar twin must equal IntegerFormat's own quantize followed by the clamp.
     */
    @ParameterizedTest(name = "{0}-bit vectors, {1} values")
    @MethodSource("widthsAndValues")
    void quantizeFloatsEqualsScalarExactly(int bits, Values values) {
        Requantizer vector = KernelProvider.vector(new RequantizerFamily(), bits);
        Random random = new Random(bits * 31L + values.ordinal());
        float[] specials = {
            Float.NaN,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            0f,
            -0f,
            1e30f,
            -1e30f,
            0x1p22f,
            -0x1p22f,
            0x1p23f,
            -0x1p23f,
            0x1.8p23f,
            -0x1.8p23f,
            0x1p24f + 2,
            Float.MAX_VALUE,
            Float.MIN_VALUE
        };
        int[][] ranges = {{-128, 127}, {0, 255}, {0, 6}, {-8, 7}};
        for (int length : new int[] {0, 1, 7, 15, 17, 63, 65, 1000, 1031}) {
            for (float scale : new float[] {1e-8f, 0.0137f, 1f, 3f, 1e6f}) {
                for (float zeroPoint : new float[] {0f, 128f, -3f, 1f}) {
                    int[] range = ranges[random.nextInt(ranges.length)];
                    int from = random.nextInt(4);
                    float[] src = new float[from + length + 3];
                    for (int i = 0; i < src.length; i++) {
                        src[i] = switch (values) {
                            case RANDOM -> (float) (random.nextGaussian() * 200 * scale);
                            case SMALL -> (float) (random.nextDouble(-3, 3) * scale);
                            case EXTREME -> specials[random.nextInt(specials.length)];
                            case TIES -> (random.nextInt(600) - 300 + 0.5f) * scale;
                        };
                    }
                    int to = random.nextInt(4);
                    byte[] expected = new byte[to + length + 3];
                    byte[] actual = new byte[to + length + 3];
                    scalar.quantizeFloats(length, src, from, scale, zeroPoint, range[0], range[1], expected, to);
                    vector.quantizeFloats(length, src, from, scale, zeroPoint, range[0], range[1], actual, to);
                    String where = bits + "-bit, length " + length + ", scale " + scale + ", zero point " + zeroPoint;
                    assertArrayEquals(expected, actual, where);
                    IntegerFormat format = range[0] < 0 ? IntegerFormat.fullRange(8) : IntegerFormat.unsigned(8);
                    for (int i = 0; i < length; i++) {
                        float t = src[from + i] / scale;
                        if (zeroPoint != 0f) {
                            t = (float) Math.rint(t) + zeroPoint;
                        }
                        int code = Math.clamp((int) format.quantize(t), range[0], range[1]);
                        assertEquals((byte) code, expected[to + i], where + " at " + i + " (" + src[from + i] + ")");
                    }
                }
            }
        }
    }

    /**
     * Accumulators to floats at awkward channel counts, with and without offsets, on random, small,
     * extreme (int32's ends, where the int-to-float conversion rounds) and tie values, units from 1e-30
     * to 1e10: the vector kernel equal to the scalar twin and both to the definition.
     */
    @ParameterizedTest(name = "{0}-bit vectors, {1} values")
    @MethodSource("widthsAndValues")
    void dequantizeEqualsScalarExactly(int bits, Values values) {
        Requantizer vector = KernelProvider.vector(new RequantizerFamily(), bits);
        Random random = new Random(bits * 17L + values.ordinal());
        for (int n : channelCounts(bits)) {
            if (n == 0) {
                continue;
            }
            int rows = 37;
            int[] acc = new int[2 + rows * n];
            for (int i = 0; i < acc.length; i++) {
                acc[i] = switch (values) {
                    case RANDOM -> random.nextInt();
                    case SMALL -> random.nextInt(-300, 300);
                    case EXTREME -> EXTREMES[random.nextInt(EXTREMES.length)];
                    case TIES -> (random.nextInt(1 << 10) << 14) + (1 << 13) + 1;
                };
            }
            float[] units = new float[n];
            float[] offsets = new float[n];
            for (int j = 0; j < n; j++) {
                units[j] = (float) Math.scalb(random.nextDouble(0.5, 1), random.nextInt(-100, 34));
                offsets[j] = (float) random.nextGaussian();
            }
            for (float[] off : new float[][] {null, offsets}) {
                float[] expected = new float[1 + rows * n];
                float[] actual = new float[1 + rows * n];
                scalar.dequantize(rows * n, n, acc, 2, units, off, expected, 1);
                vector.dequantize(rows * n, n, acc, 2, units, off, actual, 1);
                String where = bits + "-bit, n " + n + ", offsets " + (off != null);
                assertArrayEquals(expected, actual, where);
                for (int i = 0; i < rows * n; i++) {
                    float x = acc[2 + i] * units[i % n];
                    assertEquals(off == null ? x : x + off[i % n], expected[1 + i], where + " at " + i);
                }
            }
        }
    }
}
