package org.bitbudget.ops.compute.sgemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.blocked.ChannelBlocked16;

/**
 * The run tile of {@link VectorBlockedSgemm} at 512 bits for pixels two blocks apart in B: a
 * stride-2 convolution on a blocked input (resnet8's downsampling 3 x 3 and 1 x 1 convolutions),
 * 7 pixels addressed from one offset by 2 blocks of output channels. The distance is a constant of
 * the tile rather than a parameter of the unit-stride one because, measured on AMD Zen 4, a distance
 * passed in slowed the unit-stride tile from 55 to 44 GMAC/s (its 7 loads then need 7 bounds checks
 * and address computations instead of one). Each lane is the chain of {@link ScalarBlockedSgemm},
 * so the results are the same bits.
 */
final class VectorBlockedSgemmStride2 {
    /** A whole block; the pair tiles run only where a block is one vector. */
    private static final VectorSpecies<Float> WIDE = FloatVector.SPECIES_512;

    private static final int BLOCK = ChannelBlocked16.BLOCK;

    private VectorBlockedSgemmStride2() {}

    /**
     * 7 pixels two blocks apart in B from {@code o0} (one bounds check for all 7) by 2 blocks: block
     * v's row p of A at {@code from<v> + p * 16}, biases at {@code bias0} and {@code bias0 + 16},
     * pixel r stored at {@code c0 + r * 16} and {@code c0 + cStep + r * 16}, {@code res} (or null)
     * added from {@code rd} past.
     */
    static void run7x2(
            float[] a,
            int from0,
            int from1,
            int k,
            float[] bias,
            int bias0,
            float[] b,
            int[] rows,
            int o0,
            float[] c,
            int c0,
            int cStep,
            float[] res,
            int rd,
            float lo,
            float hi) {
        FloatVector first = FloatVector.fromArray(WIDE, bias, bias0);
        FloatVector second = FloatVector.fromArray(WIDE, bias, bias0 + BLOCK);
        FloatVector c00 = first;
        FloatVector c01 = second;
        FloatVector c10 = first;
        FloatVector c11 = second;
        FloatVector c20 = first;
        FloatVector c21 = second;
        FloatVector c30 = first;
        FloatVector c31 = second;
        FloatVector c40 = first;
        FloatVector c41 = second;
        FloatVector c50 = first;
        FloatVector c51 = second;
        FloatVector c60 = first;
        FloatVector c61 = second;
        for (int p = 0; p < k; p++) {
            int bp = rows[p] + o0;
            FloatVector a0 = FloatVector.fromArray(WIDE, a, from0 + p * BLOCK);
            FloatVector a1 = FloatVector.fromArray(WIDE, a, from1 + p * BLOCK);
            FloatVector b0 = FloatVector.broadcast(WIDE, b[bp]);
            c00 = a0.lanewise(VectorOperators.FMA, b0, c00);
            c01 = a1.lanewise(VectorOperators.FMA, b0, c01);
            FloatVector b1 = FloatVector.broadcast(WIDE, b[bp + 32]);
            c10 = a0.lanewise(VectorOperators.FMA, b1, c10);
            c11 = a1.lanewise(VectorOperators.FMA, b1, c11);
            FloatVector b2 = FloatVector.broadcast(WIDE, b[bp + 64]);
            c20 = a0.lanewise(VectorOperators.FMA, b2, c20);
            c21 = a1.lanewise(VectorOperators.FMA, b2, c21);
            FloatVector b3 = FloatVector.broadcast(WIDE, b[bp + 96]);
            c30 = a0.lanewise(VectorOperators.FMA, b3, c30);
            c31 = a1.lanewise(VectorOperators.FMA, b3, c31);
            FloatVector b4 = FloatVector.broadcast(WIDE, b[bp + 128]);
            c40 = a0.lanewise(VectorOperators.FMA, b4, c40);
            c41 = a1.lanewise(VectorOperators.FMA, b4, c41);
            FloatVector b5 = FloatVector.broadcast(WIDE, b[bp + 160]);
            c50 = a0.lanewise(VectorOperators.FMA, b5, c50);
            c51 = a1.lanewise(VectorOperators.FMA, b5, c51);
            FloatVector b6 = FloatVector.broadcast(WIDE, b[bp + 192]);
            c60 = a0.lanewise(VectorOperators.FMA, b6, c60);
            c61 = a1.lanewise(VectorOperators.FMA, b6, c61);
        }
        FloatVector low = FloatVector.broadcast(WIDE, lo);
        FloatVector high = FloatVector.broadcast(WIDE, hi);
        if (res != null) {
            c00 = c00.add(FloatVector.fromArray(WIDE, res, c0 + 0 * BLOCK + rd));
            c01 = c01.add(FloatVector.fromArray(WIDE, res, c0 + cStep + 0 * BLOCK + rd));
            c10 = c10.add(FloatVector.fromArray(WIDE, res, c0 + 1 * BLOCK + rd));
            c11 = c11.add(FloatVector.fromArray(WIDE, res, c0 + cStep + 1 * BLOCK + rd));
            c20 = c20.add(FloatVector.fromArray(WIDE, res, c0 + 2 * BLOCK + rd));
            c21 = c21.add(FloatVector.fromArray(WIDE, res, c0 + cStep + 2 * BLOCK + rd));
            c30 = c30.add(FloatVector.fromArray(WIDE, res, c0 + 3 * BLOCK + rd));
            c31 = c31.add(FloatVector.fromArray(WIDE, res, c0 + cStep + 3 * BLOCK + rd));
            c40 = c40.add(FloatVector.fromArray(WIDE, res, c0 + 4 * BLOCK + rd));
            c41 = c41.add(FloatVector.fromArray(WIDE, res, c0 + cStep + 4 * BLOCK + rd));
            c50 = c50.add(FloatVector.fromArray(WIDE, res, c0 + 5 * BLOCK + rd));
            c51 = c51.add(FloatVector.fromArray(WIDE, res, c0 + cStep + 5 * BLOCK + rd));
            c60 = c60.add(FloatVector.fromArray(WIDE, res, c0 + 6 * BLOCK + rd));
            c61 = c61.add(FloatVector.fromArray(WIDE, res, c0 + cStep + 6 * BLOCK + rd));
        }
        c00.max(low).min(high).intoArray(c, c0 + 0 * BLOCK);
        c01.max(low).min(high).intoArray(c, c0 + cStep + 0 * BLOCK);
        c10.max(low).min(high).intoArray(c, c0 + 1 * BLOCK);
        c11.max(low).min(high).intoArray(c, c0 + cStep + 1 * BLOCK);
        c20.max(low).min(high).intoArray(c, c0 + 2 * BLOCK);
        c21.max(low).min(high).intoArray(c, c0 + cStep + 2 * BLOCK);
        c30.max(low).min(high).intoArray(c, c0 + 3 * BLOCK);
        c31.max(low).min(high).intoArray(c, c0 + cStep + 3 * BLOCK);
        c40.max(low).min(high).intoArray(c, c0 + 4 * BLOCK);
        c41.max(low).min(high).intoArray(c, c0 + cStep + 4 * BLOCK);
        c50.max(low).min(high).intoArray(c, c0 + 5 * BLOCK);
        c51.max(low).min(high).intoArray(c, c0 + cStep + 5 * BLOCK);
        c60.max(low).min(high).intoArray(c, c0 + 6 * BLOCK);
        c61.max(low).min(high).intoArray(c, c0 + cStep + 6 * BLOCK);
    }
}
