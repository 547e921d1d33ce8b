package org.bitbudget.ops.compute.depthwise;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * Vector API depthwise convolution: each vector holds consecutive outputs of the run, and every tap
 * is one broadcast weight times one contiguous load, so a lane's chain is the scalar twin's chain.
 * Four vectors are computed together, to share the weight broadcasts and to keep four independent
 * FMA chains in flight; then single vectors, and the run's tail is one masked vector (lanes past
 * the run neither loaded nor stored). The run spans whole planes, so a small plane costs one masked
 * vector, not one per row.
 */
public final class VectorDepthwiseConv implements DepthwiseConv {
    private static final VectorSpecies<Float> SPECIES =
            VectorSpecies.of(float.class, VectorWidth.of(MethodHandles.lookup()));
    private static final int L = SPECIES.length();

    @Override
    public void convolve(
            float[] in, int[] taps, int k, float[] w, int wOff, float bias, float[] out, int outOff, int n) {
        FloatVector biasV = FloatVector.broadcast(SPECIES, bias);
        int t = 0;
        for (; t + 4 * L <= n; t += 4 * L) {
            FloatVector acc0 = biasV;
            FloatVector acc1 = biasV;
            FloatVector acc2 = biasV;
            FloatVector acc3 = biasV;
            for (int q = 0; q < k; q++) {
                FloatVector wv = FloatVector.broadcast(SPECIES, w[wOff + q]);
                int at = taps[q] + t;
                acc0 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, at), acc0);
                acc1 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, at + L), acc1);
                acc2 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, at + 2 * L), acc2);
                acc3 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, at + 3 * L), acc3);
            }
            acc0.intoArray(out, outOff + t);
            acc1.intoArray(out, outOff + t + L);
            acc2.intoArray(out, outOff + t + 2 * L);
            acc3.intoArray(out, outOff + t + 3 * L);
        }
        for (; t + L <= n; t += L) {
            FloatVector acc = biasV;
            for (int q = 0; q < k; q++) {
                acc = FloatVector.broadcast(SPECIES, w[wOff + q])
                        .lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, taps[q] + t), acc);
            }
            acc.intoArray(out, outOff + t);
        }
        if (t < n) {
            VectorMask<Float> mask = SPECIES.indexInRange(t, n);
            FloatVector acc = biasV;
            for (int q = 0; q < k; q++) {
                acc = FloatVector.broadcast(SPECIES, w[wOff + q])
                        .lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, taps[q] + t, mask), acc);
            }
            acc.intoArray(out, outOff + t, mask);
        }
    }

    @Override
    public int channelsPerBlock() {
        return L;
    }

    /**
     * Four pixels at a time share each tap's weight vector and keep four FMA chains in flight; the
     * last pixels one at a time. Every load and store is a whole vector: no masks.
     */
    @Override
    public void convolveBlock(
            float[] in,
            int inOff,
            int[] pixels,
            int n,
            int[] taps,
            int k,
            float[] w,
            int wOff,
            float[] bias,
            int biasOff,
            float[] out,
            int outOff) {
        FloatVector biasV = FloatVector.fromArray(SPECIES, bias, biasOff);
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            int p0 = inOff + pixels[j];
            int p1 = inOff + pixels[j + 1];
            int p2 = inOff + pixels[j + 2];
            int p3 = inOff + pixels[j + 3];
            FloatVector acc0 = biasV;
            FloatVector acc1 = biasV;
            FloatVector acc2 = biasV;
            FloatVector acc3 = biasV;
            for (int q = 0; q < k; q++) {
                FloatVector wv = FloatVector.fromArray(SPECIES, w, wOff + q * L);
                int t = taps[q];
                acc0 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, p0 + t), acc0);
                acc1 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, p1 + t), acc1);
                acc2 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, p2 + t), acc2);
                acc3 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, p3 + t), acc3);
            }
            acc0.intoArray(out, outOff + j * L);
            acc1.intoArray(out, outOff + (j + 1) * L);
            acc2.intoArray(out, outOff + (j + 2) * L);
            acc3.intoArray(out, outOff + (j + 3) * L);
        }
        for (; j < n; j++) {
            int p0 = inOff + pixels[j];
            FloatVector acc = biasV;
            for (int q = 0; q < k; q++) {
                acc = FloatVector.fromArray(SPECIES, w, wOff + q * L)
                        .lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, p0 + taps[q]), acc);
            }
            acc.intoArray(out, outOff + j * L);
        }
    }
}
