package org.bitbudget.ops.compute.blocked;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.Elementwise;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * Vector API {@link BlockedDepthwiseConv}: a block of 16 channels is 16 / L vectors of L lanes (one at
 * 512 bits, two at 256, four at 128), each lane one channel, so every tap is one weight vector times
 * one input vector, a lane's chain the scalar twin's chain, and no lane is wasted on a narrow plane.
 * Eight output pixels at a time share each tap's weight load and keep eight independent FMA chains in
 * flight (the register tile the NCHW blocked kernel measured best); then four, then one. Every load
 * and store is a whole vector: no masks. HardSwish runs in float lanes, a whole vector at a time.
 */
public final class BlockedDepthwiseConvVector implements BlockedDepthwiseConv {
    /** At most a block's 16 lanes: a wider vector would span two blocks. */
    private static final VectorSpecies<Float> SPECIES =
            VectorSpecies.of(float.class, atMost512(VectorWidth.of(MethodHandles.lookup())));

    private static final int L = SPECIES.length();

    private static VectorShape atMost512(VectorShape shape) {
        return shape.vectorBitSize() > 512 ? VectorShape.S_512_BIT : shape;
    }

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
            boolean clamps,
            float lo,
            float hi,
            float[] out,
            int outOff) {
        FloatVector low = FloatVector.broadcast(SPECIES, lo);
        FloatVector high = FloatVector.broadcast(SPECIES, hi);
        for (int sub = 0; sub < BLOCK; sub += L) {
            FloatVector biasV = FloatVector.fromArray(SPECIES, bias, biasOff + sub);
            int j = 0;
            for (; j + 8 <= n; j += 8) {
                int p0 = inOff + pixels[j + 0] + sub;
                int p1 = inOff + pixels[j + 1] + sub;
                int p2 = inOff + pixels[j + 2] + sub;
                int p3 = inOff + pixels[j + 3] + sub;
                int p4 = inOff + pixels[j + 4] + sub;
                int p5 = inOff + pixels[j + 5] + sub;
                int p6 = inOff + pixels[j + 6] + sub;
                int p7 = inOff + pixels[j + 7] + sub;
                FloatVector acc0 = biasV;
                FloatVector acc1 = biasV;
                FloatVector acc2 = biasV;
                FloatVector acc3 = biasV;
                FloatVector acc4 = biasV;
                FloatVector acc5 = biasV;
                FloatVector acc6 = biasV;
                FloatVector acc7 = biasV;
                for (int q = 0; q < k; q++) {
                    FloatVector wv = FloatVector.fromArray(SPECIES, w, wOff + q * BLOCK + sub);
                    int t = taps[q];
                    acc0 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, p0 + t), acc0);
                    acc1 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, p1 + t), acc1);
                    acc2 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, p2 + t), acc2);
                    acc3 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, p3 + t), acc3);
                    acc4 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, p4 + t), acc4);
                    acc5 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, p5 + t), acc5);
                    acc6 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, p6 + t), acc6);
                    acc7 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, p7 + t), acc7);
                }
                if (clamps) {
                    acc0 = acc0.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
                    acc1 = acc1.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
                    acc2 = acc2.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
                    acc3 = acc3.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
                    acc4 = acc4.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
                    acc5 = acc5.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
                    acc6 = acc6.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
                    acc7 = acc7.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
                }
                acc0.intoArray(out, outOff + (j + 0) * BLOCK + sub);
                acc1.intoArray(out, outOff + (j + 1) * BLOCK + sub);
                acc2.intoArray(out, outOff + (j + 2) * BLOCK + sub);
                acc3.intoArray(out, outOff + (j + 3) * BLOCK + sub);
                acc4.intoArray(out, outOff + (j + 4) * BLOCK + sub);
                acc5.intoArray(out, outOff + (j + 5) * BLOCK + sub);
                acc6.intoArray(out, outOff + (j + 6) * BLOCK + sub);
                acc7.intoArray(out, outOff + (j + 7) * BLOCK + sub);
            }
            for (; j + 4 <= n; j += 4) {
                int p0 = inOff + pixels[j + 0] + sub;
                int p1 = inOff + pixels[j + 1] + sub;
                int p2 = inOff + pixels[j + 2] + sub;
                int p3 = inOff + pixels[j + 3] + sub;
                FloatVector acc0 = biasV;
                FloatVector acc1 = biasV;
                FloatVector acc2 = biasV;
                FloatVector acc3 = biasV;
                for (int q = 0; q < k; q++) {
                    FloatVector wv = FloatVector.fromArray(SPECIES, w, wOff + q * BLOCK + sub);
                    int t = taps[q];
                    acc0 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, p0 + t), acc0);
                    acc1 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, p1 + t), acc1);
                    acc2 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, p2 + t), acc2);
                    acc3 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, p3 + t), acc3);
                }
                if (clamps) {
                    acc0 = acc0.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
                    acc1 = acc1.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
                    acc2 = acc2.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
                    acc3 = acc3.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
                }
                acc0.intoArray(out, outOff + (j + 0) * BLOCK + sub);
                acc1.intoArray(out, outOff + (j + 1) * BLOCK + sub);
                acc2.intoArray(out, outOff + (j + 2) * BLOCK + sub);
                acc3.intoArray(out, outOff + (j + 3) * BLOCK + sub);
            }
            for (; j < n; j++) {
                int p0 = inOff + pixels[j] + sub;
                FloatVector acc0 = biasV;
                for (int q = 0; q < k; q++) {
                    FloatVector wv = FloatVector.fromArray(SPECIES, w, wOff + q * BLOCK + sub);
                    int t = taps[q];
                    acc0 = wv.lanewise(VectorOperators.FMA, FloatVector.fromArray(SPECIES, in, p0 + t), acc0);
                }
                if (clamps) {
                    acc0 = acc0.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
                }
                acc0.intoArray(out, outOff + j * BLOCK + sub);
            }
        }
    }

    /**
     * A vector of floats at a time, the scalar formula lane by lane: the lanewise FMA rounds once as
     * Math.fma does, and the clamp is two compare-and-blends, cheaper than the lanewise min and max
     * (which must order signed zeros and NaNs as Math does, several instructions each with AVX2); the
     * same floats, since the gate is never -0.0 and a NaN gate fails both comparisons and stays NaN.
     * The last floats one by one, as the scalar twin.
     */
    @Override
    public void hardSwish(float[] v, int from, int to) {
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector x = FloatVector.fromArray(SPECIES, v, i);
            FloatVector gate = x.lanewise(VectorOperators.FMA, Elementwise.HARD_SWISH_ALPHA, 0.5f);
            gate = gate.blend(1f, gate.compare(VectorOperators.GT, 1f));
            gate = gate.blend(0f, gate.compare(VectorOperators.LT, 0f));
            x.mul(gate).intoArray(v, i);
        }
        for (; i < to; i++) {
            v[i] = Elementwise.hardSwish(v[i]);
        }
    }
}
