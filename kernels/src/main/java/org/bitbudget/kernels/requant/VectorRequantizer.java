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
 * Vector API {@link Requantizer}: rows of n channels laid end to end are one run of vectors, each
 * vector reading its lanes' per-channel parameters from arrays that repeat the channels over
 * lcm(n, lanes) lanes, so a layer of fewer channels than a vector (6, say) fills whole vectors
 * instead of one masked vector per row; only the run's last vector is masked. Rows at a stride, and
 * wide rows whose lcm would be long (see {@code endToEnd}), run row by row.
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
        boolean endToEnd = ldAcc == n && ldOut == n && endToEnd(n);
        int period = span(n, endToEnd);
        int[] left = alongRun(leftShifts, n, period);
        int[] mul = alongRun(multipliers, n, period);
        int[] sh = alongRun(shifts, n, period);
        if (endToEnd) {
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
        boolean endToEnd = ldAcc == n && ldOut == n && endToEnd(n);
        int period = span(n, endToEnd);
        int count = thresholds.count();
        int[] perChannel = thresholds.values();
        int[] values = perChannel;
        if (period != n) {
            values = new int[count * period];
            for (int t = 0; t < count; t++) {
                repeat(perChannel, t * n, n, values, t * period, period);
            }
        }
        if (endToEnd) {
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
        boolean endToEnd = endToEnd(n);
        int period = span(n, endToEnd);
        int[] aMul = alongRun(aMultipliers, n, period);
        int[] aSh = alongRun(aShifts, n, period);
        int[] bMul = alongRun(bMultipliers, n, period);
        int[] bSh = alongRun(bShifts, n, period);
        int run = endToEnd ? length : n;
        for (int start = 0; start < length; start += run) {
            rescaleAddRun(start, run, a, aMul, aSh, b, bMul, bSh, period, out);
        }
    }

    /** {@link #rescaleAdd} of {@code length} elements from {@code start}, channel 0 there. */
    private static void rescaleAddRun(
            int start,
            int length,
            int[] a,
            int[] aMul,
            int[] aSh,
            int[] b,
            int[] bMul,
            int[] bSh,
            int period,
            int[] out) {
        int t = 0;
        int p = 0;
        for (; t + L <= length; t += L) {
            IntVector x = IntVector.fromArray(INTS, a, start + t);
            IntVector y = IntVector.fromArray(INTS, b, start + t);
            if (aMul != null) {
                x = rescale(x, IntVector.fromArray(INTS, aMul, p), IntVector.fromArray(INTS, aSh, p));
            }
            if (bMul != null) {
                y = rescale(y, IntVector.fromArray(INTS, bMul, p), IntVector.fromArray(INTS, bSh, p));
            }
            x.add(y).intoArray(out, start + t);
            p = next(p, period);
        }
        if (t < length) {
            VectorMask<Integer> mask = INTS.indexInRange(t, length);
            IntVector x = IntVector.fromArray(INTS, a, start + t, mask);
            IntVector y = IntVector.fromArray(INTS, b, start + t, mask);
            if (aMul != null) {
                x = rescale(x, IntVector.fromArray(INTS, aMul, p), IntVector.fromArray(INTS, aSh, p));
            }
            if (bMul != null) {
                y = rescale(y, IntVector.fromArray(INTS, bMul, p), IntVector.fromArray(INTS, bSh, p));
            }
            x.add(y).intoArray(out, start + t, mask);
        }
    }

    @Override
    public void shiftAdd(int length, int n, int[] acc, int[] exponents, int[] bias) {
        if (length == 0) {
            return;
        }
        boolean endToEnd = endToEnd(n);
        int period = span(n, endToEnd);
        int[] e = alongRun(exponents, n, period);
        int[] add = alongRun(bias, n, period);
        int run = endToEnd ? length : n;
        for (int start = 0; start < length; start += run) {
            shiftAddRun(start, run, acc, e, add, period);
        }
    }

    /** {@link #shiftAdd} of {@code length} elements from {@code start}, channel 0 there. */
    private static void shiftAddRun(int start, int length, int[] acc, int[] e, int[] add, int period) {
        int t = 0;
        int p = 0;
        for (; t + L <= length; t += L) {
            IntVector.fromArray(INTS, acc, start + t)
                    .lanewise(VectorOperators.LSHL, IntVector.fromArray(INTS, e, p))
                    .add(IntVector.fromArray(INTS, add, p))
                    .intoArray(acc, start + t);
            p = next(p, period);
        }
        if (t < length) {
            VectorMask<Integer> mask = INTS.indexInRange(t, length);
            IntVector.fromArray(INTS, acc, start + t, mask)
                    .lanewise(VectorOperators.LSHL, IntVector.fromArray(INTS, e, p))
                    .add(IntVector.fromArray(INTS, add, p))
                    .intoArray(acc, start + t, mask);
        }
    }

    @Override
    public void clamp(int length, int n, int[] in, int[] low, int[] high, int[] out) {
        if (length == 0) {
            return;
        }
        boolean endToEnd = endToEnd(n);
        int period = span(n, endToEnd);
        int[] lo = alongRun(low, n, period);
        int[] hi = alongRun(high, n, period);
        int run = endToEnd ? length : n;
        for (int start = 0; start < length; start += run) {
            clampRun(start, run, in, lo, hi, period, out);
        }
    }

    /** {@link #clamp} of {@code length} elements from {@code start}, channel 0 there. */
    private static void clampRun(int start, int length, int[] in, int[] lo, int[] hi, int period, int[] out) {
        int t = 0;
        int p = 0;
        for (; t + L <= length; t += L) {
            IntVector.fromArray(INTS, in, start + t)
                    .max(IntVector.fromArray(INTS, lo, p))
                    .min(IntVector.fromArray(INTS, hi, p))
                    .intoArray(out, start + t);
            p = next(p, period);
        }
        if (t < length) {
            VectorMask<Integer> mask = INTS.indexInRange(t, length);
            IntVector.fromArray(INTS, in, start + t, mask)
                    .max(IntVector.fromArray(INTS, lo, p))
                    .min(IntVector.fromArray(INTS, hi, p))
                    .intoArray(out, start + t, mask);
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
        boolean endToEnd = endToEnd(n);
        int period = span(n, endToEnd);
        float[] unit = alongRun(units, n, period);
        float[] offset = alongRun(offsets, n, period);
        int run = endToEnd ? length : n;
        for (int start = 0; start < length; start += run) {
            dequantizeRun(run, acc, accOff + start, unit, offset, period, out, outOff + start);
        }
    }

    /** {@link #dequantize} of {@code length} accumulators from {@code a0}, channel 0 there. */
    private static void dequantizeRun(
            int length, int[] acc, int a0, float[] unit, float[] offset, int period, float[] out, int o0) {
        int t = 0;
        int p = 0;
        for (; t + L <= length; t += L) {
            FloatVector x = ((FloatVector)
                            IntVector.fromArray(INTS, acc, a0 + t).convert(VectorOperators.I2F, 0))
                    .mul(FloatVector.fromArray(FLOATS, unit, p));
            if (offset != null) {
                x = x.add(FloatVector.fromArray(FLOATS, offset, p));
            }
            x.intoArray(out, o0 + t);
            p = next(p, period);
        }
        if (t < length) {
            VectorMask<Integer> mask = INTS.indexInRange(t, length);
            FloatVector x = ((FloatVector)
                            IntVector.fromArray(INTS, acc, a0 + t, mask).convert(VectorOperators.I2F, 0))
                    .mul(FloatVector.fromArray(FLOATS, unit, p));
            if (offset != null) {
                x = x.add(FloatVector.fromArray(FLOATS, offset, p));
            }
            x.intoArray(out, o0 + t, FLOATS.indexInRange(t, length));
        }
    }

    /**
     * Whether rows of n channels run end to end: when lcm(n, L) lanes, after which the channels come
     * back to the same lanes, are at most L * L (every n below L, and 24, 40, 72, 120 ... at 16 lanes),
     * so the repeated parameters stay a few hundred values. Wider layers whose n is not a whole
     * number of vectors (1,000 classes) run row by row, one masked vector per row, which costs
     * little beside the row's full vectors.
     */
    private static boolean endToEnd(int n) {
        return lcm(n) <= L * L;
    }

    /**
     * Lanes of the parameter arrays: lcm(n, L) for rows end to end, a whole number of vectors and of
     * rows; else n rounded up to whole vectors, so a row's last vector reads its parameters unmasked.
     */
    private static int span(int n, boolean endToEnd) {
        return endToEnd ? lcm(n) : Math.ceilDiv(n, L) * L;
    }

    private static int lcm(int n) {
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
     * Per-channel values over {@code span} lanes, lane q holding channel {@code q % n}'s value; the
     * array itself when the span is n (channels a whole number of vectors), null for null.
     */
    private static int[] alongRun(int[] perChannel, int n, int span) {
        if (perChannel == null || span == n) {
            return perChannel;
        }
        int[] run = new int[span];
        repeat(perChannel, 0, n, run, 0, span);
        return run;
    }

    /** {@link #alongRun(int[], int, int)} of floats. */
    private static float[] alongRun(float[] perChannel, int n, int span) {
        if (perChannel == null || span == n) {
            return perChannel;
        }
        float[] run = new float[span];
        for (int q = 0; q < span; q += n) {
            System.arraycopy(perChannel, 0, run, q, Math.min(n, span - q));
        }
        return run;
    }

    /** Copies n values from {@code from} over {@code span} lanes at {@code to}, again and again. */
    private static void repeat(int[] values, int from, int n, int[] run, int to, int span) {
        for (int q = 0; q < span; q += n) {
            System.arraycopy(values, from, run, to + q, Math.min(n, span - q));
        }
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
