package org.bitbudget.kernels.requant;

/**
 * A requantization to a narrow code range ({@link Requantizer#requantize}'s, with its per-channel
 * parameters) as per-channel thresholds: the code of an accumulator is {@code min} plus the number of
 * codes in (min, max] whose threshold it reaches, a compare and an add per code instead of a 64-bit
 * multiply and two roundings, which at two-bit codes (three thresholds) is the cheaper form. Exact
 * because every step of the requantization is nondecreasing in the accumulator: the saturating left
 * shift, the product with a non-negative multiplier and its round-half-up, the rounding division by a
 * power of two, the zero point's addition and the clamp; so the codes of the int32 range rise
 * through each code's threshold, the smallest accumulator whose code is that code or more.
 *
 * @param min    the lowest code
 * @param count  the codes above it, {@code max - min}
 * @param values channel j's threshold of code {@code min + 1 + t} at {@code values[t * n + j]}, n the
 *               channel count
 */
public record RequantizationThresholds(int min, int count, int[] values) {

    /** Checks the shape: a count the kernels take and a whole number of thresholds per code. */
    public RequantizationThresholds {
        if (count < 0 || count > MAX_COUNT) {
            throw new IllegalArgumentException("threshold count " + count + " outside 0.." + MAX_COUNT);
        }
        if (count > 0 && values.length % count != 0) {
            throw new IllegalArgumentException(values.length + " thresholds are not " + count + " per channel");
        }
    }

    /** The widest code range ({@code max - min}) the kernels take as thresholds: four-bit codes. */
    public static final int MAX_COUNT = 15;

    /**
     * The widest code range whose thresholds the engine uses: two-bit codes, three compares. At four
     * bits the fifteen compares lost to the multiply end to end (W4A4, one thread, batch 256, AMD EPYC
     * Zen 4 at 512 bits: resnet8 4,546 against 4,772 images/s, MobileNetV3-style 5,664 against 6,520).
     */
    public static final int FASTER_UP_TO = 3;

    /**
     * The thresholds of {@link Requantizer#requantize} with these parameters, or null when the range
     * is wider than {@link #MAX_COUNT} codes or some channel reaches a code of it at no int32
     * accumulator (its threshold would lie past the int32 range), or a multiplier is negative (the
     * requantization is then not nondecreasing, so no thresholds describe it).
     *
     * @param leftShifts per-channel saturating left shifts 0..31, or null for none
     */
    public static RequantizationThresholds of(
            int[] leftShifts, int[] multipliers, int[] shifts, int zeroPoint, int min, int max) {
        int count = max - min;
        if (count < 0 || count > MAX_COUNT) {
            return null;
        }
        int n = multipliers.length;
        for (int multiplier : multipliers) {
            if (multiplier < 0) {
                return null;
            }
        }
        int[] values = new int[count * n];
        for (int j = 0; j < n; j++) {
            for (int t = 0; t < count; t++) {
                int code = min + 1 + t;
                int left = leftShifts == null ? 0 : leftShifts[j];
                if (code(Integer.MAX_VALUE, left, multipliers[j], shifts[j], zeroPoint, min, max) < code) {
                    return null;
                }
                // The smallest accumulator of this code or more: the codes are nondecreasing in it.
                long lo = Integer.MIN_VALUE;
                long hi = Integer.MAX_VALUE;
                while (lo < hi) {
                    long mid = Math.floorDiv(lo + hi, 2);
                    if (code((int) mid, left, multipliers[j], shifts[j], zeroPoint, min, max) >= code) {
                        hi = mid;
                    } else {
                        lo = mid + 1;
                    }
                }
                values[t * n + j] = (int) lo;
            }
        }
        return new RequantizationThresholds(min, count, values);
    }

    /** {@link #of} where the range is at most {@link #FASTER_UP_TO} codes wide, null otherwise. */
    public static RequantizationThresholds whereFaster(
            int[] leftShifts, int[] multipliers, int[] shifts, int zeroPoint, int min, int max) {
        return max - min > FASTER_UP_TO ? null : of(leftShifts, multipliers, shifts, zeroPoint, min, max);
    }

    /**
     * The same codes as thresholds on the sums s whose accumulators are {@code (s << exponents[j]) +
     * bias[j]} ({@link Requantizer#shiftAdd}, exponents 0..31), for the sums whose accumulators do not
     * wrap around int32: there s reaches an accumulator threshold T exactly when {@code s >= ceil((T -
     * bias[j]) / 2^exponents[j])}. A bound below the int32 range, which every sum reaches, is held as
     * its lowest value; null when a bound lies above it (a code no int32 sum reaches).
     */
    public RequantizationThresholds beforeShiftAdd(int[] exponents, int[] bias) {
        int n = exponents.length;
        int[] sums = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            int j = i % n;
            if (exponents[j] < 0 || exponents[j] > 31) {
                throw new IllegalArgumentException("exponent " + exponents[j] + " of channel " + j + " outside 0..31");
            }
            long bound = Math.ceilDiv((long) values[i] - bias[j], 1L << exponents[j]);
            if (bound > Integer.MAX_VALUE) {
                return null;
            }
            sums[i] = (int) Math.max(bound, Integer.MIN_VALUE);
        }
        return new RequantizationThresholds(min, count, sums);
    }

    /** One accumulator's code, as {@link ScalarRequantizer#requantize} computes it. */
    private static int code(int acc, int leftShift, int multiplier, int shift, int zeroPoint, int min, int max) {
        int v = (int) Math.clamp((long) acc << leftShift, Integer.MIN_VALUE, Integer.MAX_VALUE);
        return Requantization.requantize(v, multiplier, shift, zeroPoint, min, max);
    }
}
