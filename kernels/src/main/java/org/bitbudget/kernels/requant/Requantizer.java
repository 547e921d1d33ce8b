package org.bitbudget.kernels.requant;

/**
 * The integer engine's per-element integer steps on int32 accumulators, per output channel j of rows
 * of n channels, with {@link Requantization}'s gemmlowp roundings:
 * <ul>
 *   <li>{@link #requantize}: {@code clamp(RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(
 *       sat(acc << leftShift[j]), multiplier[j]), shift[j]) + zeroPoint, min, max)} stored as a byte,
 *       or the same codes through a narrow range's {@link RequantizationThresholds};</li>
 *   <li>{@link #rescaleAdd}: a residual Add, each side rescaled the same way (without left shift or
 *       clamp) and the two added with int32 wrap-around;</li>
 *   <li>{@link #shiftAdd}: exact sums to accumulators of a finer unit, {@code (sum << e[j]) + bias[j]}
 *       with int32 wrap-around;</li>
 *   <li>{@link #clamp}: a ReLU or Clip on accumulators, {@code clamp(acc, low[j], high[j])};</li>
 *   <li>{@link #quantizeFloats}: floats of a float island to a layer's integer input codes, the
 *       float32 steps of the fake quantizer;</li>
 *   <li>{@link #dequantize}: accumulators to the floats they stand for, {@code acc * unit[j] + offset[j]}.</li>
 * </ul>
 * Multipliers are {@link FixedPointMultiplier}'s, in [0, 2^31 - 1], and shifts in 0..31. Obtain an
 * implementation from {@link RequantizerFamily#get()}.
 */
public interface Requantizer {

    /**
     * Requantizes m rows of n accumulators (element (i, j) at {@code acc[accOff + i * ldAcc + j]}) into
     * codes at {@code out[outOff + i * ldOut + j]}: the low 8 bits of a value in [min, max], so that int8
     * and uint8 codes both work.
     *
     * @param leftShifts per-channel saturating left shifts 0..31 before the multiplier, or null for none
     */
    void requantize(
            int m,
            int n,
            int[] acc,
            int accOff,
            int ldAcc,
            int[] leftShifts,
            int[] multipliers,
            int[] shifts,
            int zeroPoint,
            int min,
            int max,
            byte[] out,
            int outOff,
            int ldOut);

    /**
     * {@link #requantize} through its {@link RequantizationThresholds}: m rows of n accumulators
     * (element (i, j) at {@code acc[accOff + i * ldAcc + j]}) into the codes {@code min + #{t :
     * acc >= values[t * n + j]}} at {@code out[outOff + i * ldOut + j]}, the low 8 bits stored.
     */
    void requantize(
            int m,
            int n,
            int[] acc,
            int accOff,
            int ldAcc,
            RequantizationThresholds thresholds,
            byte[] out,
            int outOff,
            int ldOut);

    /**
     * {@code out[i] = rescale(a[i]) + rescale(b[i])} for {@code i < length}, {@code length} a multiple of
     * n, channel {@code i % n}; a side whose multipliers are null is taken as it is.
     */
    void rescaleAdd(
            int length,
            int n,
            int[] a,
            int[] aMultipliers,
            int[] aShifts,
            int[] b,
            int[] bMultipliers,
            int[] bShifts,
            int[] out);

    /**
     * {@code acc[i] = (acc[i] << exponents[j]) + bias[j]} in place for {@code i < length}, {@code length}
     * a multiple of n, channel {@code j = i % n}, exponents 0..31.
     */
    void shiftAdd(int length, int n, int[] acc, int[] exponents, int[] bias);

    /**
     * {@code out[i] = min(max(in[i], low[j]), high[j])} for {@code i < length}, {@code length} a
     * multiple of n, channel {@code j = i % n}; {@code low[j] <= high[j]}.
     */
    void clamp(int length, int n, int[] in, int[] low, int[] high, int[] out);

    /**
     * Codes of {@code length} floats for an integer input format, in the fake quantizer's float32
     * steps: {@code t = x / scale}; with a nonzero zero point {@code t = rint(t) + zeroPoint}; then
     * {@code clamp((int) rint(t), min, max)} stored as a byte (NaN gives 0 before the clamp, as
     * Java's cast does). [min, max] must lie inside the format's codes, whose own clamp it then
     * makes redundant.
     */
    void quantizeFloats(
            int length, float[] src, int from, float scale, float zeroPoint, int min, int max, byte[] dst, int to);

    /**
     * {@code out[outOff + i] = (float) acc[accOff + i] * units[j]} for {@code i < length}, channel
     * {@code j = i % n}, plus {@code offsets[j]} (a separate float add, not a fused one) unless
     * offsets is null; {@code length} a multiple of n.
     */
    void dequantize(int length, int n, int[] acc, int accOff, float[] units, float[] offsets, float[] out, int outOff);
}
