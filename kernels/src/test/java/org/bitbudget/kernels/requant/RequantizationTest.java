package org.bitbudget.kernels.requant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link Requantization} exactly against BigInteger references of its documented rounding:
 * {@code floor(a * b / 2^31 + 1/2)} for SaturatingRoundingDoublingHighMul (with the one saturating
 * case INT_MIN x INT_MIN) and round-half-away-from-zero of {@code x / 2^e} for RoundingDivideByPOT,
 * on every pair of extreme values (INT_MIN, INT_MIN + 1, -2^30, -1, 0, 1, 2^30, INT_MAX, ...), every
 * shift 0..31, exact ties, and random values; then the whole requantization with bias, zero point
 * and clamping against the composed reference and against {@code round(acc * M)} in double (within
 * one unit, the two roundings' combined error); {@link FixedPointMultiplier#of} against the real it
 * represents; and the ReLU/ReLU6 ranges.
 */
class RequantizationTest {
    private static final int[] EXTREMES = {
        Integer.MIN_VALUE,
        Integer.MIN_VALUE + 1,
        -(1 << 30) - 1,
        -(1 << 30),
        -(1 << 30) + 1,
        -65536,
        -32768,
        -3,
        -2,
        -1,
        0,
        1,
        2,
        3,
        32767,
        65536,
        (1 << 30) - 1,
        1 << 30,
        (1 << 30) + 1,
        Integer.MAX_VALUE - 1,
        Integer.MAX_VALUE
    };
    private static final BigInteger TWO_31 = BigInteger.ONE.shiftLeft(31);
    private static final BigInteger TWO_30 = BigInteger.ONE.shiftLeft(30);

    @Test
    void doublingHighMulOnExtremesAndRandomValues() {
        for (int a : EXTREMES) {
            for (int b : EXTREMES) {
                assertEquals(
                        referenceHighMul(a, b), Requantization.saturatingRoundingDoublingHighMul(a, b), a + " x " + b);
            }
        }
        Random random = new Random(31);
        for (int t = 0; t < 200_000; t++) {
            int a = random.nextInt();
            int b = t % 2 == 0 ? random.nextInt() : random.nextInt(Integer.MAX_VALUE);
            assertEquals(referenceHighMul(a, b), Requantization.saturatingRoundingDoublingHighMul(a, b), a + " x " + b);
        }
        assertEquals(
                Integer.MAX_VALUE,
                Requantization.saturatingRoundingDoublingHighMul(Integer.MIN_VALUE, Integer.MIN_VALUE));
        assertEquals(
                2147483646, Requantization.saturatingRoundingDoublingHighMul(Integer.MAX_VALUE, Integer.MAX_VALUE));
    }

    @Test
    void doublingHighMulTiesGoTowardsPlusInfinity() {
        // a * b = +-2^30 is exactly half a unit of 2^31.
        assertEquals(1, Requantization.saturatingRoundingDoublingHighMul(1 << 15, 1 << 15));
        assertEquals(0, Requantization.saturatingRoundingDoublingHighMul(-(1 << 15), 1 << 15));
        assertEquals(-1, Requantization.saturatingRoundingDoublingHighMul(-3 << 15, 1 << 15));
    }

    @Test
    void roundingDivideByPowerOfTwoForEveryShift() {
        Random random = new Random(32);
        for (int e = 0; e <= 31; e++) {
            for (int x : EXTREMES) {
                assertEquals(referenceDivide(x, e), Requantization.roundingDivideByPOT(x, e), x + " / 2^" + e);
            }
            if (e > 0) {
                // Exact ties on both sides of zero, and their neighbours.
                long half = 1L << (e - 1);
                for (long q = -3; q <= 3; q++) {
                    for (long d = -1; d <= 1; d++) {
                        long x = q * (1L << e) + half + d;
                        if (x >= Integer.MIN_VALUE && x <= Integer.MAX_VALUE) {
                            assertEquals(
                                    referenceDivide((int) x, e),
                                    Requantization.roundingDivideByPOT((int) x, e),
                                    x + " / 2^" + e);
                        }
                    }
                }
            }
            for (int t = 0; t < 5_000; t++) {
                int x = random.nextInt();
                assertEquals(referenceDivide(x, e), Requantization.roundingDivideByPOT(x, e), x + " / 2^" + e);
            }
        }
        assertEquals(-1, Requantization.roundingDivideByPOT(-3, 2));
        assertEquals(-1, Requantization.roundingDivideByPOT(-2, 2));
        assertEquals(1, Requantization.roundingDivideByPOT(2, 2));
        assertEquals(-1, Requantization.roundingDivideByPOT(Integer.MIN_VALUE, 31));
        assertEquals(1, Requantization.roundingDivideByPOT(Integer.MAX_VALUE, 31));
    }

    @Test
    void requantizeEqualsComposedReferenceWithClamping() {
        Random random = new Random(33);
        int[] multipliers = {0, 1 << 30, (1 << 30) + 1, 1518500250, Integer.MAX_VALUE - 1, Integer.MAX_VALUE};
        for (int shift = 0; shift <= 31; shift++) {
            for (int multiplier : multipliers) {
                for (int acc : EXTREMES) {
                    checkRequantize(acc, multiplier, shift, random);
                }
                for (int t = 0; t < 500; t++) {
                    checkRequantize(random.nextInt(), multiplier, shift, random);
                    checkRequantize(random.nextInt(1 << 20) - (1 << 19), multiplier, shift, random);
                }
            }
        }
    }

    private static void checkRequantize(int acc, int multiplier, int shift, Random random) {
        int[][] ranges = {{-128, 127}, {0, 255}, {Integer.MIN_VALUE, Integer.MAX_VALUE}};
        int[] range = ranges[random.nextInt(ranges.length)];
        int zeroPoint = range[0] == 0 ? random.nextInt(256) : random.nextInt(256) - 128;
        long scaled = referenceDivide(referenceHighMul(acc, multiplier), shift) + (long) zeroPoint;
        long expected = Math.min(range[1], Math.max(range[0], scaled));
        assertEquals(
                expected,
                Requantization.requantize(acc, multiplier, shift, zeroPoint, range[0], range[1]),
                "acc " + acc + " multiplier " + multiplier + " shift " + shift + " zero point " + zeroPoint);
    }

    @Test
    void requantizeApproximatesTheRealMultiplierWithinOneUnit() {
        Random random = new Random(34);
        for (int t = 0; t < 100_000; t++) {
            double real = Math.exp(-random.nextDouble() * 20);
            if (real >= 1) {
                continue;
            }
            FixedPointMultiplier fp = FixedPointMultiplier.of(real);
            int acc = random.nextInt(1 << 24) - (1 << 23);
            int got = Requantization.requantize(
                    acc, fp.multiplier(), fp.shift(), 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
            assertTrue(Math.abs(got - acc * real) <= 1, acc + " x " + real + " gave " + got);
        }
    }

    @Test
    void fixedPointMultiplierRepresentsTheReal() {
        assertEquals(new FixedPointMultiplier(1 << 30, 0), FixedPointMultiplier.of(0.5));
        assertEquals(new FixedPointMultiplier(1 << 30, 1), FixedPointMultiplier.of(0.25));
        assertEquals(new FixedPointMultiplier(1 << 30, 31), FixedPointMultiplier.of(Math.scalb(1.0, -32)));
        assertEquals(new FixedPointMultiplier(0, 0), FixedPointMultiplier.of(Math.scalb(1.0, -34)));
        assertEquals(new FixedPointMultiplier(Integer.MAX_VALUE, 0), FixedPointMultiplier.of(Math.nextDown(1.0)));
        Random random = new Random(35);
        for (int t = 0; t < 100_000; t++) {
            double real = Math.scalb(0.5 + random.nextDouble() / 2, -random.nextInt(32));
            if (real >= 1) {
                continue;
            }
            FixedPointMultiplier fp = FixedPointMultiplier.of(real);
            assertTrue(fp.multiplier() >= 1 << 30, "multiplier of " + real);
            // Rounding the Q0.31 mantissa errs by at most half a unit: 2^-32 relative to 2^-shift.
            assertTrue(Math.abs(fp.toDouble() - real) <= Math.scalb(1.0, -32 - fp.shift()), "real " + real);
        }
    }

    @Test
    void biasIsAddedPerChannelBeforeRequantizing() {
        int m = 3;
        int n = 5;
        Random random = new Random(36);
        int[] acc = new int[m * n + 2];
        for (int x = 0; x < acc.length; x++) {
            acc[x] = random.nextInt(1 << 18) - (1 << 17);
        }
        int[] bias = new int[n];
        int[] multipliers = new int[n];
        int[] shifts = new int[n];
        for (int j = 0; j < n; j++) {
            bias[j] = random.nextInt(1 << 16) - (1 << 15);
            FixedPointMultiplier fp = FixedPointMultiplier.of(Math.scalb(0.5 + random.nextDouble() / 2, -9 - j));
            multipliers[j] = fp.multiplier();
            shifts[j] = fp.shift();
        }
        byte[] out = new byte[m * n + 1];
        Requantization.requantizeRows(m, n, acc, 2, n, bias, multipliers, shifts, -5, -128, 127, out, 1, n);
        byte[] expected = new byte[out.length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                expected[1 + i * n + j] = (byte) Requantization.requantize(
                        acc[2 + i * n + j] + bias[j], multipliers[j], shifts[j], -5, -128, 127);
            }
        }
        assertArrayEquals(expected, out);
    }

    @Test
    void reluAndRelu6OnlyNarrowTheRange() {
        assertArrayEquals(
                new int[] {-128, 127},
                Requantization.activationRange(Requantization.Activation.NONE, 0.1, 3, -128, 127));
        assertArrayEquals(
                new int[] {3, 127}, Requantization.activationRange(Requantization.Activation.RELU, 0.1, 3, -128, 127));
        assertArrayEquals(
                new int[] {-128, -68},
                Requantization.activationRange(Requantization.Activation.RELU6, 0.1, -128, -128, 127));
        assertArrayEquals(
                new int[] {0, 255},
                Requantization.activationRange(Requantization.Activation.RELU6, 6.0 / 255, 0, 0, 255));
        assertArrayEquals(
                new int[] {10, 255},
                Requantization.activationRange(Requantization.Activation.RELU6, 0.001, 10, 0, 255));
    }

    /** floor(a * b / 2^31 + 1/2), saturated to int32 (only INT_MIN x INT_MIN reaches 2^31). */
    private static int referenceHighMul(int a, int b) {
        BigInteger product = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b));
        BigInteger[] qr = product.add(TWO_30).divideAndRemainder(TWO_31);
        BigInteger floor = qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
        return floor.min(BigInteger.valueOf(Integer.MAX_VALUE)).intValueExact();
    }

    /** x / 2^e rounded to nearest, ties away from zero. */
    private static int referenceDivide(int x, int e) {
        return new BigDecimal(x)
                .divide(new BigDecimal(BigInteger.ONE.shiftLeft(e)))
                .setScale(0, RoundingMode.HALF_UP)
                .intValueExact();
    }
}
