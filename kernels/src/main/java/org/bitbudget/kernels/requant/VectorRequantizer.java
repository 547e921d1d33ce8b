package org.bitbudget.kernels.requant;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * Vector API {@link Requantizer}: rows of n channels laid end to end are one run of vectors (rows
 * at a stride run one by one), each vector reading its lanes' per-channel parameters from arrays
 * that repeat the channels over lcm(n, lanes) lanes, so a layer of fewer channels than a vector (6,
 * say) fills whole vectors instead of one masked vector per row; only a run's last vector is
 * masked.
 * SaturatingRoundingDoublingHighMul needs the 64-bit product, so the even and the odd int lanes are
 * multiplied apart in the long lanes the vector reinterprets as; with a non-negative multiplier it is exactly {@code (a * b + 2^30) >> 31} (the
 * nudge and the truncating division of the scalar form meet in one arithmetic shift), never the
 * saturating case. RoundingDivideByPOT, the saturating left shift and the clamp run on int lanes
 * with per-lane shift counts.
 *
 * <p>Runs at the width {@link VectorWidth} gives its class; {@link RequantizerFamily} uses it from
 * 256 bits up.
 */
public final class VectorRequantizer implements Requantizer {
    private static final VectorSpecies<Integer> INTS =
            VectorSpecies.of(int.class, VectorWidth.of(MethodHandles.lookup()));
    private static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(INTS.length() * Byte.SIZE));
    private static final int L = INTS.length();
    private static final VectorSpecies<Float> FLOATS = VectorSpecies.of(float.class, INTS.vectorShape());
    /**
     * 1.5 * 2^23: (t + ROUND) - ROUND is t rounded to the nearest integer, ties to even, as rint, for
     * |t| up to 2^22; beyond that it keeps t's sign and a magnitude above every code, so the clamp
     * gives rint's code too.
     */
    private static final float ROUND = 0x1.8p23f;

    private static final long HALF = 1L << 30;
    private static final long LOW_HALF = 0xFFFFFFFFL;

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
        if (m == 0 || n == 0) {
            return;
        }
        int period = period(n);
        int[] left = alongRun(leftShifts, n, period);
        int[] mul = alongRun(multipliers, n, period);
        int[] sh = alongRun(shifts, n, period);
        if (ldAcc == n && ldOut == n) {
            requantizeRun(m * n, acc, accOff, left, mul, sh, period, zeroPoint, min, max, out, outOff);
            return;
        }
        for (int i = 0; i < m; i++) {
            requantizeRun(
                    n, acc, accOff + i * ldAcc, left, mul, sh, period, zeroPoint, min, max, out, outOff + i * ldOut);
        }
    }

    /** {@link #requantize} of {@code length} accumulators from channel 0 on, parameters along the run. */
    private static void requantizeRun(
            int length,
            int[] acc,
            int a0,
            int[] left,
            int[] mul,
            int[] sh,
            int period,
            int zeroPoint,
            int min,
            int max,
            byte[] out,
            int o0) {
        // Clamping before adding the zero point keeps the sum inside int32, as the scalar form's long does.
        IntVector low = IntVector.broadcast(INTS, min - zeroPoint);
        IntVector high = IntVector.broadcast(INTS, max - zeroPoint);
        IntVector zero = IntVector.broadcast(INTS, zeroPoint);
        int t = 0;
        int p = 0;
        for (; t + L <= length; t += L) {
            IntVector v = IntVector.fromArray(INTS, acc, a0 + t);
            if (left != null) {
                v = saturatingShiftLeft(v, IntVector.fromArray(INTS, left, p));
            }
            IntVector r = rescale(v, IntVector.fromArray(INTS, mul, p), IntVector.fromArray(INTS, sh, p));
            // The conversion written out here, not in a helper: a helper the compiler does not inline
            // takes the vector boxed, an allocation per vector.
            ((ByteVector) r.max(low).min(high).add(zero).convertShape(VectorOperators.I2B, BYTES, 0))
                    .intoArray(out, o0 + t);
            p = next(p, period);
        }
        if (t < length) {
            VectorMask<Integer> mask = INTS.indexInRange(t, length);
            IntVector v = IntVector.fromArray(INTS, acc, a0 + t, mask);
            if (left != null) {
                v = saturatingShiftLeft(v, IntVector.fromArray(INTS, left, p));
            }
            IntVector r = rescale(v, IntVector.fromArray(INTS, mul, p), IntVector.fromArray(INTS, sh, p));
            ((ByteVector) r.max(low).min(high).add(zero).convertShape(VectorOperators.I2B, BYTES, 0))
                    .intoArray(out, o0 + t, BYTES.indexInRange(t, length));
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
        if (m == 0 || n == 0) {
            return;
        }
        int period = period(n);
        int count = thresholds.count();
        int[] values = thresholds.values();
        if (period != n) {
            values = new int[count * period];
            for (int t = 0; t < count; t++) {
                for (int q = 0; q < period; q++) {
                    values[t * period + q] = thresholds.values()[t * n + q % n];
                }
            }
        }
        if (ldAcc == n && ldOut == n) {
            thresholdsRun(m * n, acc, accOff, thresholds.min(), count, values, period, out, outOff);
            return;
        }
        for (int i = 0; i < m; i++) {
            thresholdsRun(n, acc, accOff + i * ldAcc, thresholds.min(), count, values, period, out, outOff + i * ldOut);
        }
    }

    /** Threshold codes of {@code length} accumulators from channel 0 on, code t's at {@code values[t * period]}. */
    private static void thresholdsRun(
            int length, int[] acc, int a0, int min, int count, int[] values, int period, byte[] out, int o0) {
        IntVector low = IntVector.broadcast(INTS, min);
        int t = 0;
        int p = 0;
        for (; t + L <= length; t += L) {
            IntVector v = IntVector.fromArray(INTS, acc, a0 + t);
            IntVector code = low;
            for (int c = 0; c < count; c++) {
                // A set mask lane as a vector is -1: subtracting it counts the threshold reached.
                code = code.sub((IntVector)
                        v.compare(VectorOperators.GE, IntVector.fromArray(INTS, values, c * period + p))
                                .toVector());
            }
            ((ByteVector) code.convertShape(VectorOperators.I2B, BYTES, 0)).intoArray(out, o0 + t);
            p = next(p, period);
        }
        if (t < length) {
            IntVector v = IntVector.fromArray(INTS, acc, a0 + t, INTS.indexInRange(t, length));
            IntVector code = low;
            for (int c = 0; c < count; c++) {
                code = code.sub((IntVector)
                        v.compare(VectorOperators.GE, IntVector.fromArray(INTS, values, c * period + p))
                                .toVector());
            }
            ((ByteVector) code.convertShape(VectorOperators.I2B, BYTES, 0))
                    .intoArray(out, o0 + t, BYTES.indexInRange(t, length));
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
        if (length == 0) {
            return;
        }
        int period = period(n);
        int[] aMul = alongRun(aMultipliers, n, period);
        int[] aSh = alongRun(aShifts, n, period);
        int[] bMul = alongRun(bMultipliers, n, period);
        int[] bSh = alongRun(bShifts, n, period);
        int t = 0;
        int p = 0;
        for (; t + L <= length; t += L) {
            IntVector x = IntVector.fromArray(INTS, a, t);
            IntVector y = IntVector.fromArray(INTS, b, t);
            if (aMul != null) {
                x = rescale(x, IntVector.fromArray(INTS, aMul, p), IntVector.fromArray(INTS, aSh, p));
            }
            if (bMul != null) {
                y = rescale(y, IntVector.fromArray(INTS, bMul, p), IntVector.fromArray(INTS, bSh, p));
            }
            x.add(y).intoArray(out, t);
            p = next(p, period);
        }
        if (t < length) {
            VectorMask<Integer> mask = INTS.indexInRange(t, length);
            IntVector x = IntVector.fromArray(INTS, a, t, mask);
            IntVector y = IntVector.fromArray(INTS, b, t, mask);
            if (aMul != null) {
                x = rescale(x, IntVector.fromArray(INTS, aMul, p), IntVector.fromArray(INTS, aSh, p));
            }
            if (bMul != null) {
                y = rescale(y, IntVector.fromArray(INTS, bMul, p), IntVector.fromArray(INTS, bSh, p));
            }
            x.add(y).intoArray(out, t, mask);
        }
    }

    @Override
    public void shiftAdd(int length, int n, int[] acc, int[] exponents, int[] bias) {
        if (length == 0) {
            return;
        }
        int period = period(n);
        int[] e = alongRun(exponents, n, period);
        int[] add = alongRun(bias, n, period);
        int t = 0;
        int p = 0;
        for (; t + L <= length; t += L) {
            IntVector.fromArray(INTS, acc, t)
                    .lanewise(VectorOperators.LSHL, IntVector.fromArray(INTS, e, p))
                    .add(IntVector.fromArray(INTS, add, p))
                    .intoArray(acc, t);
            p = next(p, period);
        }
        if (t < length) {
            VectorMask<Integer> mask = INTS.indexInRange(t, length);
            IntVector.fromArray(INTS, acc, t, mask)
                    .lanewise(VectorOperators.LSHL, IntVector.fromArray(INTS, e, p))
                    .add(IntVector.fromArray(INTS, add, p))
                    .intoArray(acc, t, mask);
        }
    }

    @Override
    public void clamp(int length, int n, int[] in, int[] low, int[] high, int[] out) {
        if (length == 0) {
            return;
        }
        int period = period(n);
        int[] lo = alongRun(low, n, period);
        int[] hi = alongRun(high, n, period);
        int t = 0;
        int p = 0;
        for (; t + L <= length; t += L) {
            IntVector.fromArray(INTS, in, t)
                    .max(IntVector.fromArray(INTS, lo, p))
                    .min(IntVector.fromArray(INTS, hi, p))
                    .intoArray(out, t);
            p = next(p, period);
        }
        if (t < length) {
            VectorMask<Integer> mask = INTS.indexInRange(t, length);
            IntVector.fromArray(INTS, in, t, mask)
                    .max(IntVector.fromArray(INTS, lo, p))
                    .min(IntVector.fromArray(INTS, hi, p))
                    .intoArray(out, t, mask);
        }
    }

    @Override
    public void quantizeFloats(
            int length, float[] src, int from, float scale, float zeroPoint, int min, int max, byte[] dst, int to) {
        IntVector low = IntVector.broadcast(INTS, min);
        IntVector high = IntVector.broadcast(INTS, max);
        int i = 0;
        for (; i + L <= length; i += L) {
            FloatVector t = FloatVector.fromArray(FLOATS, src, from + i).div(scale);
            if (zeroPoint != 0f) {
                t = t.add(ROUND).sub(ROUND).add(zeroPoint);
            }
            IntVector q = (IntVector) t.add(ROUND).sub(ROUND).convert(VectorOperators.F2I, 0);
            ((ByteVector) q.max(low).min(high).convertShape(VectorOperators.I2B, BYTES, 0)).intoArray(dst, to + i);
        }
        for (; i < length; i++) {
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
        if (length == 0) {
            return;
        }
        int period = period(n);
        float[] unit = alongRun(units, n, period);
        float[] offset = alongRun(offsets, n, period);
        int t = 0;
        int p = 0;
        for (; t + L <= length; t += L) {
            FloatVector x = ((FloatVector)
                            IntVector.fromArray(INTS, acc, accOff + t).convert(VectorOperators.I2F, 0))
                    .mul(FloatVector.fromArray(FLOATS, unit, p));
            if (offset != null) {
                x = x.add(FloatVector.fromArray(FLOATS, offset, p));
            }
            x.intoArray(out, outOff + t);
            p = next(p, period);
        }
        if (t < length) {
            VectorMask<Integer> mask = INTS.indexInRange(t, length);
            FloatVector x = ((FloatVector)
                            IntVector.fromArray(INTS, acc, accOff + t, mask).convert(VectorOperators.I2F, 0))
                    .mul(FloatVector.fromArray(FLOATS, unit, p));
            if (offset != null) {
                x = x.add(FloatVector.fromArray(FLOATS, offset, p));
            }
            x.intoArray(out, outOff + t, FLOATS.indexInRange(t, length));
        }
    }

    /**
     * Lanes after which channel j comes back to lane j along a run of rows of n channels: lcm(n, L),
     * a whole number of vectors and of rows, so a run's vectors read their parameters from one
     * array of that many lanes.
     */
    private static int period(int n) {
        int a = n;
        int b = L;
        while (b != 0) {
            int r = a % b;
            a = b;
            b = r;
        }
        return n / a * L;
    }

    /** The next vector's first lane in an array of {@code period} lanes. */
    private static int next(int p, int period) {
        int q = p + L;
        return q == period ? 0 : q;
    }

    /**
     * Per-channel values along a run: lane q holds channel {@code q % n}'s value; the array itself
     * when the period is n (channels a whole number of vectors), null for null.
     */
    private static int[] alongRun(int[] perChannel, int n, int period) {
        if (perChannel == null || period == n) {
            return perChannel;
        }
        int[] run = new int[period];
        for (int q = 0; q < period; q++) {
            run[q] = perChannel[q % n];
        }
        return run;
    }

    /** {@link #alongRun(int[], int, int)} of floats. */
    private static float[] alongRun(float[] perChannel, int n, int period) {
        if (perChannel == null || period == n) {
            return perChannel;
        }
        float[] run = new float[period];
        for (int q = 0; q < period; q++) {
            run[q] = perChannel[q % n];
        }
        return run;
    }

    /** {@code (long) v << s} saturated to int32, for shifts 0..31. */
    private static IntVector saturatingShiftLeft(IntVector v, IntVector s) {
        IntVector shifted = v.lanewise(VectorOperators.LSHL, s);
        VectorMask<Integer> lost = shifted.lanewise(VectorOperators.ASHR, s).compare(VectorOperators.NE, v);
        IntVector saturated = IntVector.broadcast(INTS, Integer.MAX_VALUE)
                .blend(IntVector.broadcast(INTS, Integer.MIN_VALUE), v.compare(VectorOperators.LT, 0));
        return shifted.blend(saturated, lost);
    }

    /** RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(v, multiplier), shift), lane by lane. */
    private static IntVector rescale(IntVector v, IntVector multiplier, IntVector shift) {
        IntVector high = doublingHighMul(v, multiplier);
        IntVector mask = IntVector.broadcast(INTS, 1)
                .lanewise(VectorOperators.LSHL, shift)
                .sub(1);
        IntVector remainder = high.and(mask);
        // A set mask lane as a vector is -1: subtracting it adds the rounding's one.
        IntVector threshold = mask.lanewise(VectorOperators.ASHR, 1)
                .sub((IntVector) high.compare(VectorOperators.LT, 0).toVector());
        IntVector quotient = high.lanewise(VectorOperators.ASHR, shift);
        return quotient.sub(
                (IntVector) remainder.compare(VectorOperators.GT, threshold).toVector());
    }

    /**
     * {@code (a * b + 2^30) >> 31} lane by lane, on the int pairs of long lanes: the even ints (low
     * halves) sign-extended in place, the odd ones shifted down, each multiplied in 64 bits and put
     * back in its half. Converting to longs by halves of the vector instead leaves the compiled path.
     */
    private static IntVector doublingHighMul(IntVector v, IntVector multiplier) {
        LongVector a = v.reinterpretAsLongs();
        LongVector b = multiplier.reinterpretAsLongs();
        LongVector even = a.lanewise(VectorOperators.LSHL, 32)
                .lanewise(VectorOperators.ASHR, 32)
                .mul(b.lanewise(VectorOperators.LSHL, 32).lanewise(VectorOperators.ASHR, 32))
                .add(HALF)
                .lanewise(VectorOperators.ASHR, 31)
                .and(LOW_HALF);
        LongVector odd = a.lanewise(VectorOperators.ASHR, 32)
                .mul(b.lanewise(VectorOperators.ASHR, 32))
                .add(HALF)
                .lanewise(VectorOperators.ASHR, 31)
                .lanewise(VectorOperators.LSHL, 32);
        return even.or(odd).reinterpretAsInts();
    }
}
