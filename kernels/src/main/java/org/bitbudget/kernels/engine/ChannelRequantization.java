package org.bitbudget.kernels.engine;

import java.util.Arrays;
import org.bitbudget.kernels.requant.FixedPointMultiplier;

/**
 * Per-channel fixed-point parameters that take accumulators of real unit {@code unit[j]} to codes of
 * real step {@code scale}: a Q0.31 multiplier of {@code unit[j] / scale} and a right shift, after a
 * saturating left shift for channels whose unit is a code or more.
 *
 * @param leftShifts  per-channel left shifts, or null when every channel's ratio is below one
 * @param multipliers per-channel Q0.31 multipliers
 * @param shifts      per-channel right shifts
 */
record ChannelRequantization(int[] leftShifts, int[] multipliers, int[] shifts) {

    /** Larger left shifts before a requantization saturate every nonzero accumulator alike. */
    private static final int MAX_LEFT_SHIFT = 31;

    /**
     * The parameters for {@code units} to codes of step {@code scale}.
     *
     * @throws IllegalArgumentException naming {@code layer} if a ratio is not a positive number
     */
    static ChannelRequantization of(String layer, double[] units, double scale) {
        int n = units.length;
        int[] multipliers = new int[n];
        int[] shifts = new int[n];
        int[] leftShifts = null;
        for (int j = 0; j < n; j++) {
            double real = units[j] / scale;
            if (!(real > 0 && Double.isFinite(real))) {
                throw new IllegalArgumentException("layer " + layer + ": requantization multiplier " + real
                        + " of channel " + j + " is not a positive number");
            }
            if (real >= 1) {
                // One accumulator unit is a code or more: shift left first (saturating, as TensorFlow Lite
                // does), which is exact because a saturated value lies far outside every code range.
                if (leftShifts == null) {
                    leftShifts = new int[n];
                }
                leftShifts[j] = Math.min(MAX_LEFT_SHIFT, Math.getExponent(real) + 1);
                real = Math.min(Math.scalb(real, -leftShifts[j]), Math.nextDown(1.0));
            }
            FixedPointMultiplier fpm = FixedPointMultiplier.of(real);
            multipliers[j] = fpm.multiplier();
            shifts[j] = fpm.shift();
        }
        return new ChannelRequantization(leftShifts, multipliers, shifts);
    }

    /** {multipliers, shifts} taking {@code from} units to {@code to} units, or {null, null} when equal. */
    static int[][] rescaling(double[] from, double[] to) {
        if (Arrays.equals(from, to)) {
            return new int[][] {null, null};
        }
        int[] multipliers = new int[from.length];
        int[] shifts = new int[from.length];
        for (int j = 0; j < from.length; j++) {
            double ratio = from[j] / to[j];
            // A ratio of exactly one has no Q0.31 form; 1 - 2^-31 rounds every |v| < 2^30 back to v.
            FixedPointMultiplier fpm =
                    ratio >= 1 ? new FixedPointMultiplier(Integer.MAX_VALUE, 0) : FixedPointMultiplier.of(ratio);
            multipliers[j] = fpm.multiplier();
            shifts[j] = fpm.shift();
        }
        return new int[][] {multipliers, shifts};
    }
}
