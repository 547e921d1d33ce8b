package org.bitbudget.kernels.requant;

/**
 * gemmlowp/TensorFlow Lite requantization of int32 accumulators:
 * {@code out = clamp(RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(acc + bias, multiplier), shift)
 * + zeroPointOut, min, max)}, which approximates {@code round(acc * M) + zeroPointOut} for the real
 * multiplier {@code M = s_a * s_w / s_out}. The two roundings are, exactly:
 * <ul>
 *   <li>{@link #saturatingRoundingDoublingHighMul}: {@code floor(a * b / 2^31 + 1/2)} (ties towards
 *       +infinity), except that {@code a = b = Integer.MIN_VALUE} gives {@code Integer.MAX_VALUE};</li>
 *   <li>{@link #roundingDivideByPOT}: {@code x / 2^shift} rounded to nearest, ties away from zero.</li>
 * </ul>
 * ReLU and ReLU6 fuse as a narrower {@code [min, max]}, see {@link #activationRange}.
 */
public final class Requantization {

    private Requantization() {}

    /** The fused activation after requantization; each one only narrows the clamping range. */
    public enum Activation {
        /** No activation: clamp to the format's range only. */
        NONE,
        /** max(x, 0). */
        RELU,
        /** min(max(x, 0), 6). */
        RELU6
    }

    /** gemmlowp's {@code SaturatingRoundingDoublingHighMul}: the high 32 bits of 2ab, rounded. */
    public static int saturatingRoundingDoublingHighMul(int a, int b) {
        if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) {
            return Integer.MAX_VALUE;
        }
        long ab = (long) a * b;
        long nudge = ab >= 0 ? 1L << 30 : 1 - (1L << 30);
        // Java's long division truncates towards zero like C++'s, which the nudge above relies on.
        return (int) ((ab + nudge) / (1L << 31));
    }

    /** gemmlowp's {@code RoundingDivideByPOT}: x / 2^exponent rounded half away from zero, exponent 0..31. */
    public static int roundingDivideByPOT(int x, int exponent) {
        if (exponent < 0 || exponent > 31) {
            throw new IllegalArgumentException("exponent must be in 0..31: " + exponent);
        }
        int mask = (int) ((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /**
     * Requantizes one accumulator: the scaled value plus {@code zeroPointOut}, clamped to
     * [min, max]. The zero point is added in 64 bits so that clamping, not int32 wrap-around, decides
     * values near the int32 limits.
     */
    public static int requantize(int acc, int multiplier, int shift, int zeroPointOut, int min, int max) {
        long scaled =
                (long) roundingDivideByPOT(saturatingRoundingDoublingHighMul(acc, multiplier), shift) + zeroPointOut;
        return (int) Math.min(max, Math.max(min, scaled));
    }

    /**
     * Requantizes an m x n block of accumulators per output channel j, with the int32 bias added first
     * (wrapping like TensorFlow Lite's int32 addition) and the result stored as bytes (the low 8 bits
     * of a value in [min, max], so int8 and uint8 outputs both work).
     *
     * @param bias per-channel int32 bias in units of {@code s_a * s_w[j]}, or null for none
     */
    public static void requantizeRows(
            int m,
            int n,
            int[] acc,
            int accOff,
            int ldAcc,
            int[] bias,
            int[] multipliers,
            int[] shifts,
            int zeroPointOut,
            int min,
            int max,
            byte[] out,
            int outOff,
            int ldOut) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int v = acc[accOff + i * ldAcc + j] + (bias == null ? 0 : bias[j]);
                out[outOff + i * ldOut + j] = (byte) requantize(v, multipliers[j], shifts[j], zeroPointOut, min, max);
            }
        }
    }

    /**
     * The output range [min, max] that fuses {@code activation} into the clamp, for an output format
     * with range [qmin, qmax], scale {@code scaleOut} and zero point {@code zeroPointOut}; TensorFlow
     * Lite's {@code CalculateActivationRangeQuantized}: real 0 is the zero point and real 6 is
     * {@code zeroPointOut + round(6 / scaleOut)}.
     *
     * @return {min, max}
     */
    public static int[] activationRange(Activation activation, double scaleOut, int zeroPointOut, int qmin, int qmax) {
        return switch (activation) {
            case NONE -> new int[] {qmin, qmax};
            case RELU -> new int[] {Math.max(qmin, zeroPointOut), qmax};
            case RELU6 ->
                new int[] {Math.max(qmin, zeroPointOut), (int) Math.min(qmax, zeroPointOut + Math.round(6 / scaleOut))};
        };
    }
}
