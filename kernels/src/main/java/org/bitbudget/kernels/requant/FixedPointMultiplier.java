package org.bitbudget.kernels.requant;

/**
 * A real multiplier M in (0, 1) as {@code multiplier * 2^-31 * 2^-shift}, with {@code multiplier} in
 * [2^30, 2^31 - 1] (a Q0.31 number in [0.5, 1)) and {@code shift} in 0..31, as TensorFlow Lite's
 * {@code QuantizeMultiplierSmallerThanOneExp} makes it; a multiplier too small for a 31-bit shift is
 * stored as zero, which maps every accumulator to the zero point.
 *
 * @param multiplier Q0.31 mantissa, or 0
 * @param shift      right shift applied after the multiplication, 0..31
 */
public record FixedPointMultiplier(int multiplier, int shift) {

    /** Checks the ranges documented above. */
    public FixedPointMultiplier {
        if (multiplier < 0 || (multiplier != 0 && multiplier < (1 << 30))) {
            throw new IllegalArgumentException("multiplier must be 0 or in [2^30, 2^31 - 1]: " + multiplier);
        }
        if (shift < 0 || shift > 31) {
            throw new IllegalArgumentException("shift must be in 0..31: " + shift);
        }
    }

    /**
     * The nearest representation of {@code real}, which must be in (0, 1): for the usual per-channel
     * requantization, {@code real = s_a * s_w[j] / s_out}.
     */
    public static FixedPointMultiplier of(double real) {
        if (!(real > 0 && real < 1)) {
            throw new IllegalArgumentException("real multiplier must be in (0, 1): " + real);
        }
        // real = q * 2^exponent with q in [0.5, 1), so the right shift is -exponent.
        int exponent = Math.getExponent(real) + 1;
        double q = Math.scalb(real, -exponent);
        long qFixed = Math.round(Math.scalb(q, 31));
        int shift = -exponent;
        if (qFixed == 1L << 31) {
            // q rounded up to 1.0: represent it as 0.5 with one less right shift.
            qFixed /= 2;
            shift--;
        }
        if (shift < 0) {
            // Only reals within 2^-32 of 1 get here; the largest Q0.31 value is the nearest we can hold.
            return new FixedPointMultiplier(Integer.MAX_VALUE, 0);
        }
        if (shift > 31) {
            return new FixedPointMultiplier(0, 0);
        }
        return new FixedPointMultiplier((int) qFixed, shift);
    }

    /** The real number this represents. */
    public double toDouble() {
        return Math.scalb((double) multiplier, -31 - shift);
    }
}
