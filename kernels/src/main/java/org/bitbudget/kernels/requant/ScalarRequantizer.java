package org.bitbudget.kernels.requant;

/** The scalar twin of {@link VectorRequantizer}: {@link Requantization}'s functions element by element. */
public final class ScalarRequantizer implements Requantizer {

    @Override
    public void requantize(
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
            int ldOut) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int v = acc[accOff + i * ldAcc + j];
                if (leftShifts != null) {
                    v = (int) Math.clamp((long) v << leftShifts[j], Integer.MIN_VALUE, Integer.MAX_VALUE);
                }
                out[outOff + i * ldOut + j] =
                        (byte) Requantization.requantize(v, multipliers[j], shifts[j], zeroPoint, min, max);
            }
        }
    }

    @Override
    public void requantize(
            int m,
            int n,
            int[] acc,
            int accOff,
            int ldAcc,
            RequantizationThresholds thresholds,
            byte[] out,
            int outOff,
            int ldOut) {
        int[] values = thresholds.values();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int v = acc[accOff + i * ldAcc + j];
                int code = thresholds.min();
                for (int t = 0; t < thresholds.count(); t++) {
                    if (v >= values[t * n + j]) {
                        code++;
                    }
                }
                out[outOff + i * ldOut + j] = (byte) code;
            }
        }
    }

    @Override
    public void rescaleAdd(
            int length,
            int n,
            int[] a,
            int[] aMultipliers,
            int[] aShifts,
            int[] b,
            int[] bMultipliers,
            int[] bShifts,
            int[] out) {
        for (int row = 0; row < length; row += n) {
            for (int j = 0; j < n; j++) {
                out[row + j] =
                        rescale(a[row + j], aMultipliers, aShifts, j) + rescale(b[row + j], bMultipliers, bShifts, j);
            }
        }
    }

    @Override
    public void shiftAdd(int length, int n, int[] acc, int[] exponents, int[] bias) {
        for (int row = 0; row < length; row += n) {
            for (int j = 0; j < n; j++) {
                acc[row + j] = (acc[row + j] << exponents[j]) + bias[j];
            }
        }
    }

    @Override
    public void clamp(int length, int n, int[] in, int[] low, int[] high, int[] out) {
        for (int row = 0; row < length; row += n) {
            for (int j = 0; j < n; j++) {
                out[row + j] = Math.clamp(in[row + j], low[j], high[j]);
            }
        }
    }

    @Override
    public void quantizeFloats(
            int length, float[] src, int from, float scale, float zeroPoint, int min, int max, byte[] dst, int to) {
        for (int i = 0; i < length; i++) {
            float t = src[from + i] / scale;
            if (zeroPoint != 0f) {
                t = (float) Math.rint(t) + zeroPoint;
            }
            dst[to + i] = (byte) Math.clamp((int) (float) Math.rint(t), min, max);
        }
    }

    @Override
    public void dequantize(
            int length, int n, int[] acc, int accOff, float[] units, float[] offsets, float[] out, int outOff) {
        for (int row = 0; row < length; row += n) {
            for (int j = 0; j < n; j++) {
                float x = acc[accOff + row + j] * units[j];
                out[outOff + row + j] = offsets == null ? x : x + offsets[j];
            }
        }
    }

    private static int rescale(int v, int[] multipliers, int[] shifts, int j) {
        if (multipliers == null) {
            return v;
        }
        return Requantization.roundingDivideByPOT(
                Requantization.saturatingRoundingDoublingHighMul(v, multipliers[j]), shifts[j]);
    }
}
