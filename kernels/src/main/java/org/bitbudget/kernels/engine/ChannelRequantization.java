package org.bitbudget.kernels.engine;

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
}
