package org.bitbudget.kernels.engine;

/**
 * How one layer turns its exact int32 sums S into accumulators A of per-channel resolution: channel
 * j's real value {@code (S + B[j]) * accScale[j]} (B the bias in units of the sum) is held as
 * {@code A = round((S + B[j]) * 2^e[j])} with the largest e[j] that keeps |A| below 2^30 for every
 * input. A channel whose bias fits gets a left shift ({@code e >= 0}): {@code A = (S << e) + bias},
 * exact in S. A channel whose bias in sum units passes 2^30 — tiny weights with a real bias — gets a
 * right shift ({@code e < 0}): the sum and the bias are added in 64 bits at {@code g} fraction bits
 * and rounded once (half up) to the channel's coarse resolution, so no value wraps or saturates. A
 * bias beyond 2^61 sum units leaves the sum less than half a unit ({@code e <= -32}), so the rounded
 * result is {@code q} or {@code q + 1} for {@code q = floor(B * 2^e)}: {@code q + 1} exactly when the
 * sum reaches a threshold {@code T = ceil((1/2 - frac(B * 2^e)) * 2^-e)}, marked by {@code g = -1}.
 *
 * @param exponents e[j], channel j's unit is {@code accScale[j] * 2^-e[j]}
 * @param bias      for {@code e >= 0}: the bias at 2^-e units; for {@code g = -1}: q; unused otherwise
 * @param wideBias  for {@code e < 0}: the bias at 2^-g units, {@code g = wideBits[j]}, or T for
 *                  {@code g = -1}; null when no channel needs it
 * @param wideBits  for {@code e < 0}: g, or -1; null when no channel needs it
 * @param residuals per channel, the bias (in sum units) that the rounding of {@code bias} left out: a
 *                  float output adds it back, so that a bias finer than the channel's unit survives
 *                  there as it does in the float engine; 0 for {@code e < 0}
 */
record ChannelScaling(int[] exponents, int[] bias, long[] wideBias, int[] wideBits, double[] residuals) {

    /** Fraction bits of the 64-bit sum at most: enough that the bias's rounding is far below the result's. */
    private static final int WIDE_FRACTION_BITS = 16;

    /** Magnitudes of the 64-bit sum stay below 2^62, so its rounding addition cannot overflow. */
    private static final int WIDE_LIMIT_BITS = 61;

    /**
     * The scaling of a layer whose channel j sums to at most {@code sumBounds[j]} in magnitude and
     * adds {@code biasUnits[j]} (in units of the sum).
     *
     * @throws IllegalArgumentException naming the layer and channel when a bias is not finite or a sum
     *                                  can pass int32
     */
    static ChannelScaling of(String layer, double[] sumBounds, double[] biasUnits) {
        int n = sumBounds.length;
        int[] exponents = new int[n];
        int[] bias = new int[n];
        long[] wideBias = null;
        int[] wideBits = null;
        double[] residuals = new double[n];
        for (int j = 0; j < n; j++) {
            double bound = sumBounds[j] + Math.abs(biasUnits[j]);
            if (!Double.isFinite(bound) || sumBounds[j] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("layer " + layer + ": channel " + j + " has a bias of "
                        + biasUnits[j] + " accumulator units and sums up to " + sumBounds[j]
                        + ", which the integer engine cannot hold");
            }
            int used = Math.getExponent(bound + 1) + 1;
            int e = Integer.SIZE - 2 - used;
            exponents[j] = e;
            if (e >= 0) {
                bias[j] = (int) Math.rint(Math.scalb(biasUnits[j], e));
                residuals[j] = biasUnits[j] - Math.scalb((double) bias[j], -e);
            } else {
                if (wideBias == null) {
                    wideBias = new long[n];
                    wideBits = new int[n];
                }
                if (used > WIDE_LIMIT_BITS) {
                    double x = Math.scalb(biasUnits[j], e);
                    double q = Math.floor(x);
                    bias[j] = (int) q;
                    wideBits[j] = -1;
                    wideBias[j] = (long) Math.ceil(Math.scalb(0.5 - (x - q), -e));
                } else {
                    int g = Math.min(WIDE_FRACTION_BITS, WIDE_LIMIT_BITS - used);
                    wideBits[j] = g;
                    wideBias[j] = (long) Math.rint(Math.scalb(biasUnits[j], g));
                }
            }
        }
        return new ChannelScaling(exponents, bias, wideBias, wideBits, residuals);
    }

    /** Whether every channel takes the int32 left-shift form. */
    boolean narrow() {
        return wideBias == null;
    }

    /** Sums to accumulators in place, for m rows of n channels. */
    void apply(int[] acc, int m, int n) {
        if (narrow()) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    acc[i * n + j] = (acc[i * n + j] << exponents[j]) + bias[j];
                }
            }
            return;
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                acc[i * n + j] = accumulator(acc[i * n + j], j);
            }
        }
    }

    /** Channel j's accumulator of sum s. */
    int accumulator(int s, int j) {
        int e = exponents[j];
        if (e >= 0) {
            return (s << e) + bias[j];
        }
        int g = wideBits[j];
        if (g < 0) {
            return s >= wideBias[j] ? bias[j] + 1 : bias[j];
        }
        int shift = g - e;
        long wide = ((long) s << g) + wideBias[j];
        return (int) ((wide + (1L << (shift - 1))) >> shift);
    }
}
