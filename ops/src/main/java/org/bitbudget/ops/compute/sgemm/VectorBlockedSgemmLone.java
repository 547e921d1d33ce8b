package org.bitbudget.ops.compute.sgemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.blocked.ChannelBlocked16;

/**
 * The 8-pixel tile of {@link VectorBlockedSgemm} at 512 bits for a lone block (a layer with 16 output
 * channels, or the last of an odd count): 8 pixels at offsets of their own in B by the block's one
 * vector. Only the 512-bit kernel calls it, so its species is a constant here, as in
 * {@link VectorBlockedSgemmStride2}. Each lane is the chain of {@link ScalarBlockedSgemm}, so the
 * results are the same bits.
 */
final class VectorBlockedSgemmLone {
    /** A whole block: the tile runs only where a block is one vector. */
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_512;

    private static final int BLOCK = ChannelBlocked16.BLOCK;

    private VectorBlockedSgemmLone() {}

    /**
     * 8 pixels at offsets {@code o[r]} of B by 1 block: row p of A at {@code from0 + p * 16}, biases at
     * {@code bias0}, pixel r stored at {@code c0 + r * 16} (the first {@code count} only), {@code res}
     * (or null) added from {@code rd} past.
     */
    static void tile8x1(
            float[] a,
            int from0,
            int k,
            float[] bias,
            int bias0,
            float[] b,
            int[] rows,
            int[] o,
            float[] c,
            int c0,
            int count,
            float[] res,
            int rd,
            float lo,
            float hi) {
        int o0 = o[0];
        int o1 = o[1];
        int o2 = o[2];
        int o3 = o[3];
        int o4 = o[4];
        int o5 = o[5];
        int o6 = o[6];
        int o7 = o[7];
        FloatVector first = FloatVector.fromArray(SPECIES, bias, bias0);
        FloatVector c00 = first;
        FloatVector c10 = first;
        FloatVector c20 = first;
        FloatVector c30 = first;
        FloatVector c40 = first;
        FloatVector c50 = first;
        FloatVector c60 = first;
        FloatVector c70 = first;
        for (int p = 0; p < k; p++) {
            int bp = rows[p];
            FloatVector a0 = FloatVector.fromArray(SPECIES, a, from0 + p * BLOCK);
            FloatVector b0 = FloatVector.broadcast(SPECIES, b[bp + o0]);
            c00 = a0.lanewise(VectorOperators.FMA, b0, c00);
            FloatVector b1 = FloatVector.broadcast(SPECIES, b[bp + o1]);
            c10 = a0.lanewise(VectorOperators.FMA, b1, c10);
            FloatVector b2 = FloatVector.broadcast(SPECIES, b[bp + o2]);
            c20 = a0.lanewise(VectorOperators.FMA, b2, c20);
            FloatVector b3 = FloatVector.broadcast(SPECIES, b[bp + o3]);
            c30 = a0.lanewise(VectorOperators.FMA, b3, c30);
            FloatVector b4 = FloatVector.broadcast(SPECIES, b[bp + o4]);
            c40 = a0.lanewise(VectorOperators.FMA, b4, c40);
            FloatVector b5 = FloatVector.broadcast(SPECIES, b[bp + o5]);
            c50 = a0.lanewise(VectorOperators.FMA, b5, c50);
            FloatVector b6 = FloatVector.broadcast(SPECIES, b[bp + o6]);
            c60 = a0.lanewise(VectorOperators.FMA, b6, c60);
            FloatVector b7 = FloatVector.broadcast(SPECIES, b[bp + o7]);
            c70 = a0.lanewise(VectorOperators.FMA, b7, c70);
        }
        FloatVector low = FloatVector.broadcast(SPECIES, lo);
        FloatVector high = FloatVector.broadcast(SPECIES, hi);
        if (res != null) {
            c00 = c00.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(0, count - 1) * BLOCK + rd));
            c10 = c10.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(1, count - 1) * BLOCK + rd));
            c20 = c20.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(2, count - 1) * BLOCK + rd));
            c30 = c30.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(3, count - 1) * BLOCK + rd));
            c40 = c40.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(4, count - 1) * BLOCK + rd));
            c50 = c50.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(5, count - 1) * BLOCK + rd));
            c60 = c60.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(6, count - 1) * BLOCK + rd));
            c70 = c70.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(7, count - 1) * BLOCK + rd));
        }
        // Every store runs, the last first: no store under an if (see the package documentation).
        int last = count - 1;
        c70.max(low).min(high).intoArray(c, c0 + Math.min(7, last) * BLOCK);
        c60.max(low).min(high).intoArray(c, c0 + Math.min(6, last) * BLOCK);
        c50.max(low).min(high).intoArray(c, c0 + Math.min(5, last) * BLOCK);
        c40.max(low).min(high).intoArray(c, c0 + Math.min(4, last) * BLOCK);
        c30.max(low).min(high).intoArray(c, c0 + Math.min(3, last) * BLOCK);
        c20.max(low).min(high).intoArray(c, c0 + Math.min(2, last) * BLOCK);
        c10.max(low).min(high).intoArray(c, c0 + Math.min(1, last) * BLOCK);
        c00.max(low).min(high).intoArray(c, c0);
    }
}
