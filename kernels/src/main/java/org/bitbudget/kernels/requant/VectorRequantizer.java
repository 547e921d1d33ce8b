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
 * Vector API {@link Requantizer}: one vector of channels at a time, each row's last vector masked.
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
        // Clamping before adding the zero point keeps the sum inside int32, as the scalar form's long does.
        IntVector low = IntVector.broadcast(INTS, min - zeroPoint);
        IntVector high = IntVector.broadcast(INTS, max - zeroPoint);
        IntVector zero = IntVector.broadcast(INTS, zeroPoint);
        for (int i = 0; i < m; i++) {
            int a0 = accOff + i * ldAcc;
            int o0 = outOff + i * ldOut;
            int j = 0;
            for (; j + L <= n; j += L) {
                IntVector v = IntVector.fromArray(INTS, acc, a0 + j);
                if (leftShifts != null) {
                    v = saturatingShiftLeft(v, IntVector.fromArray(INTS, leftShifts, j));
                }
                IntVector r =
                        rescale(v, IntVector.fromArray(INTS, multipliers, j), IntVector.fromArray(INTS, shifts, j));
                // The conversion written out here, not in a helper: a helper the compiler does not inline
                // takes the vector boxed, an allocation per vector.
                ((ByteVector) r.max(low).min(high).add(zero).convertShape(VectorOperators.I2B, BYTES, 0))
                        .intoArray(out, o0 + j);
            }
            if (j < n) {
                VectorMask<Integer> mask = INTS.indexInRange(j, n);
                IntVector v = IntVector.fromArray(INTS, acc, a0 + j, mask);
                if (leftShifts != null) {
                    v = saturatingShiftLeft(v, IntVector.fromArray(INTS, leftShifts, j, mask));
                }
                IntVector r = rescale(
                        v, IntVector.fromArray(INTS, multipliers, j, mask), IntVector.fromArray(INTS, shifts, j, mask));
                ((ByteVector) r.max(low).min(high).add(zero).convertShape(VectorOperators.I2B, BYTES, 0))
                        .intoArray(out, o0 + j, BYTES.indexInRange(j, n));
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
        IntVector low = IntVector.broadcast(INTS, thresholds.min());
        int[] values = thresholds.values();
        int count = thresholds.count();
        for (int i = 0; i < m; i++) {
            int a0 = accOff + i * ldAcc;
            int o0 = outOff + i * ldOut;
            int j = 0;
            for (; j + L <= n; j += L) {
                IntVector v = IntVector.fromArray(INTS, acc, a0 + j);
                IntVector code = low;
                for (int t = 0; t < count; t++) {
                    // A set mask lane as a vector is -1: subtracting it counts the threshold reached.
                    code = code.sub((IntVector)
                            v.compare(VectorOperators.GE, IntVector.fromArray(INTS, values, t * n + j))
                                    .toVector());
                }
                ((ByteVector) code.convertShape(VectorOperators.I2B, BYTES, 0)).intoArray(out, o0 + j);
            }
            if (j < n) {
                VectorMask<Integer> mask = INTS.indexInRange(j, n);
                IntVector v = IntVector.fromArray(INTS, acc, a0 + j, mask);
                IntVector code = low;
                for (int t = 0; t < count; t++) {
                    code = code.sub((IntVector)
                            v.compare(VectorOperators.GE, IntVector.fromArray(INTS, values, t * n + j, mask))
                                    .toVector());
                }
                ((ByteVector) code.convertShape(VectorOperators.I2B, BYTES, 0))
                        .intoArray(out, o0 + j, BYTES.indexInRange(j, n));
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
            int j = 0;
            for (; j + L <= n; j += L) {
                IntVector x = IntVector.fromArray(INTS, a, row + j);
                IntVector y = IntVector.fromArray(INTS, b, row + j);
                if (aMultipliers != null) {
                    x = rescale(x, IntVector.fromArray(INTS, aMultipliers, j), IntVector.fromArray(INTS, aShifts, j));
                }
                if (bMultipliers != null) {
                    y = rescale(y, IntVector.fromArray(INTS, bMultipliers, j), IntVector.fromArray(INTS, bShifts, j));
                }
                x.add(y).intoArray(out, row + j);
            }
            if (j < n) {
                VectorMask<Integer> mask = INTS.indexInRange(j, n);
                IntVector x = IntVector.fromArray(INTS, a, row + j, mask);
                IntVector y = IntVector.fromArray(INTS, b, row + j, mask);
                if (aMultipliers != null) {
                    x = rescale(
                            x,
                            IntVector.fromArray(INTS, aMultipliers, j, mask),
                            IntVector.fromArray(INTS, aShifts, j, mask));
                }
                if (bMultipliers != null) {
                    y = rescale(
                            y,
                            IntVector.fromArray(INTS, bMultipliers, j, mask),
                            IntVector.fromArray(INTS, bShifts, j, mask));
                }
                x.add(y).intoArray(out, row + j, mask);
            }
        }
    }

    @Override
    public void shiftAdd(int length, int n, int[] acc, int[] exponents, int[] bias) {
        for (int row = 0; row < length; row += n) {
            int j = 0;
            for (; j + L <= n; j += L) {
                IntVector.fromArray(INTS, acc, row + j)
                        .lanewise(VectorOperators.LSHL, IntVector.fromArray(INTS, exponents, j))
                        .add(IntVector.fromArray(INTS, bias, j))
                        .intoArray(acc, row + j);
            }
            if (j < n) {
                VectorMask<Integer> mask = INTS.indexInRange(j, n);
                IntVector.fromArray(INTS, acc, row + j, mask)
                        .lanewise(VectorOperators.LSHL, IntVector.fromArray(INTS, exponents, j, mask))
                        .add(IntVector.fromArray(INTS, bias, j, mask))
                        .intoArray(acc, row + j, mask);
            }
        }
    }

    @Override
    public void clamp(int length, int n, int[] in, int[] low, int[] high, int[] out) {
        for (int row = 0; row < length; row += n) {
            int j = 0;
            for (; j + L <= n; j += L) {
                IntVector.fromArray(INTS, in, row + j)
                        .max(IntVector.fromArray(INTS, low, j))
                        .min(IntVector.fromArray(INTS, high, j))
                        .intoArray(out, row + j);
            }
            if (j < n) {
                VectorMask<Integer> mask = INTS.indexInRange(j, n);
                IntVector.fromArray(INTS, in, row + j, mask)
                        .max(IntVector.fromArray(INTS, low, j, mask))
                        .min(IntVector.fromArray(INTS, high, j, mask))
                        .intoArray(out, row + j, mask);
            }
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
        for (int row = 0; row < length; row += n) {
            int j = 0;
            for (; j + L <= n; j += L) {
                FloatVector x = ((FloatVector)
                                IntVector.fromArray(INTS, acc, accOff + row + j).convert(VectorOperators.I2F, 0))
                        .mul(FloatVector.fromArray(FLOATS, units, j));
                if (offsets != null) {
                    x = x.add(FloatVector.fromArray(FLOATS, offsets, j));
                }
                x.intoArray(out, outOff + row + j);
            }
            for (; j < n; j++) {
                float x = acc[accOff + row + j] * units[j];
                out[outOff + row + j] = offsets == null ? x : x + offsets[j];
            }
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
