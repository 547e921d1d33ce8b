package org.bitbudget.ops.compute.sgemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.blocked.ChannelBlocked16;

/**
 * The widest tile of {@link VectorBlockedSgemm} for a lone block of 16 output channels at 512 bits (a
 * layer with 16 output channels, e.g. resnet8's first stage): 14 pixels one block apart in B (half a
 * row of 28 outputs, a row of 14) by the block's one vector. With 7 pixels the tile spent as much on
 * its loop (the offset of B's row, A's vector, the bounds checks) as on its 7 multiply-adds; 14
 * accumulators of 32 registers share that cost among twice the multiply-adds, and B's 14 loads lie at
 * constant steps from one offset, so their bounds checks fold into one for the first and one for the
 * last. Each lane is the chain of {@link ScalarBlockedSgemm}.
 */
final class VectorBlockedSgemmRun14 {
    /** The widest species of this JVM; {@link #USABLE} says whether it is one block. */
    private static final VectorSpecies<Float> SPECIES = VectorSpecies.of(float.class, VectorShape.preferredShape());

    private static final int BLOCK = ChannelBlocked16.BLOCK;

    /** Pixels of the tile. */
    static final int PIXELS = 14;

    /** Whether this JVM's vectors are one block, the only width the tile runs at. */
    static final boolean USABLE = SPECIES.length() == BLOCK;

    private VectorBlockedSgemmRun14() {}

    /**
     * 14 pixels one block apart in B from {@code o0} by 1 vector: row p of A at {@code from0 + p * 16},
     * biases at {@code bias0}, pixel r stored at {@code c0 + r * 16}, {@code res} (or null) added from
     * {@code rd} past.
     */
    static void run14x1(
            float[] a,
            int from0,
            int k,
            float[] bias,
            int bias0,
            float[] b,
            int[] rows,
            int o0,
            float[] c,
            int c0,
            float[] res,
            int rd,
            float lo,
            float hi) {
        FloatVector first = FloatVector.fromArray(SPECIES, bias, bias0);
        FloatVector acc0 = first;
        FloatVector acc1 = first;
        FloatVector acc2 = first;
        FloatVector acc3 = first;
        FloatVector acc4 = first;
        FloatVector acc5 = first;
        FloatVector acc6 = first;
        FloatVector acc7 = first;
        FloatVector acc8 = first;
        FloatVector acc9 = first;
        FloatVector acc10 = first;
        FloatVector acc11 = first;
        FloatVector acc12 = first;
        FloatVector acc13 = first;
        for (int p = 0; p < k; p++) {
            int bp = rows[p] + o0;
            FloatVector a0 = FloatVector.fromArray(SPECIES, a, from0 + p * BLOCK);
            acc0 = a0.lanewise(VectorOperators.FMA, FloatVector.broadcast(SPECIES, b[bp + 0]), acc0);
            acc1 = a0.lanewise(VectorOperators.FMA, FloatVector.broadcast(SPECIES, b[bp + 16]), acc1);
            acc2 = a0.lanewise(VectorOperators.FMA, FloatVector.broadcast(SPECIES, b[bp + 32]), acc2);
            acc3 = a0.lanewise(VectorOperators.FMA, FloatVector.broadcast(SPECIES, b[bp + 48]), acc3);
            acc4 = a0.lanewise(VectorOperators.FMA, FloatVector.broadcast(SPECIES, b[bp + 64]), acc4);
            acc5 = a0.lanewise(VectorOperators.FMA, FloatVector.broadcast(SPECIES, b[bp + 80]), acc5);
            acc6 = a0.lanewise(VectorOperators.FMA, FloatVector.broadcast(SPECIES, b[bp + 96]), acc6);
            acc7 = a0.lanewise(VectorOperators.FMA, FloatVector.broadcast(SPECIES, b[bp + 112]), acc7);
            acc8 = a0.lanewise(VectorOperators.FMA, FloatVector.broadcast(SPECIES, b[bp + 128]), acc8);
            acc9 = a0.lanewise(VectorOperators.FMA, FloatVector.broadcast(SPECIES, b[bp + 144]), acc9);
            acc10 = a0.lanewise(VectorOperators.FMA, FloatVector.broadcast(SPECIES, b[bp + 160]), acc10);
            acc11 = a0.lanewise(VectorOperators.FMA, FloatVector.broadcast(SPECIES, b[bp + 176]), acc11);
            acc12 = a0.lanewise(VectorOperators.FMA, FloatVector.broadcast(SPECIES, b[bp + 192]), acc12);
            acc13 = a0.lanewise(VectorOperators.FMA, FloatVector.broadcast(SPECIES, b[bp + 208]), acc13);
        }
        FloatVector low = FloatVector.broadcast(SPECIES, lo);
        FloatVector high = FloatVector.broadcast(SPECIES, hi);
        if (res != null) {
            acc0 = acc0.add(FloatVector.fromArray(SPECIES, res, c0 + 0 * BLOCK + rd));
            acc1 = acc1.add(FloatVector.fromArray(SPECIES, res, c0 + 1 * BLOCK + rd));
            acc2 = acc2.add(FloatVector.fromArray(SPECIES, res, c0 + 2 * BLOCK + rd));
            acc3 = acc3.add(FloatVector.fromArray(SPECIES, res, c0 + 3 * BLOCK + rd));
            acc4 = acc4.add(FloatVector.fromArray(SPECIES, res, c0 + 4 * BLOCK + rd));
            acc5 = acc5.add(FloatVector.fromArray(SPECIES, res, c0 + 5 * BLOCK + rd));
            acc6 = acc6.add(FloatVector.fromArray(SPECIES, res, c0 + 6 * BLOCK + rd));
            acc7 = acc7.add(FloatVector.fromArray(SPECIES, res, c0 + 7 * BLOCK + rd));
            acc8 = acc8.add(FloatVector.fromArray(SPECIES, res, c0 + 8 * BLOCK + rd));
            acc9 = acc9.add(FloatVector.fromArray(SPECIES, res, c0 + 9 * BLOCK + rd));
            acc10 = acc10.add(FloatVector.fromArray(SPECIES, res, c0 + 10 * BLOCK + rd));
            acc11 = acc11.add(FloatVector.fromArray(SPECIES, res, c0 + 11 * BLOCK + rd));
            acc12 = acc12.add(FloatVector.fromArray(SPECIES, res, c0 + 12 * BLOCK + rd));
            acc13 = acc13.add(FloatVector.fromArray(SPECIES, res, c0 + 13 * BLOCK + rd));
        }
        acc0.max(low).min(high).intoArray(c, c0 + 0 * BLOCK);
        acc1.max(low).min(high).intoArray(c, c0 + 1 * BLOCK);
        acc2.max(low).min(high).intoArray(c, c0 + 2 * BLOCK);
        acc3.max(low).min(high).intoArray(c, c0 + 3 * BLOCK);
        acc4.max(low).min(high).intoArray(c, c0 + 4 * BLOCK);
        acc5.max(low).min(high).intoArray(c, c0 + 5 * BLOCK);
        acc6.max(low).min(high).intoArray(c, c0 + 6 * BLOCK);
        acc7.max(low).min(high).intoArray(c, c0 + 7 * BLOCK);
        acc8.max(low).min(high).intoArray(c, c0 + 8 * BLOCK);
        acc9.max(low).min(high).intoArray(c, c0 + 9 * BLOCK);
        acc10.max(low).min(high).intoArray(c, c0 + 10 * BLOCK);
        acc11.max(low).min(high).intoArray(c, c0 + 11 * BLOCK);
        acc12.max(low).min(high).intoArray(c, c0 + 12 * BLOCK);
        acc13.max(low).min(high).intoArray(c, c0 + 13 * BLOCK);
    }
}
