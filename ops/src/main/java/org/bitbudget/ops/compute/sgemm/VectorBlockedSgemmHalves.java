package org.bitbudget.ops.compute.sgemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.blocked.ChannelBlocked16;

/**
 * The run tile of {@link VectorBlockedSgemm} for one block of 16 output channels taken as two 256-bit
 * halves: 7 pixels one block apart in B (addressed from one offset, so B's loads fold their bounds
 * checks into two) by the block's 2 half vectors. A layer with 16 output channels (resnet8's stem
 * and first stage) has one block, so at 512 bits its tile had one vector, one broadcast of B per
 * multiply-add: measured on AMD Zen 4, a 512-bit broadcast from memory per 512-bit multiply-add held
 * the tile near 40 GMAC/s whatever its pixel count (7 or 14), while a 256-bit broadcast (a plain
 * load) feeding two 256-bit multiply-adds ran the same work at 50. Each lane is the chain of
 * {@link ScalarBlockedSgemm}, so the results are the same bits at either width.
 */
final class VectorBlockedSgemmHalves {
    /** Half a block; a constant species, so the tile compiles to registers at any width of the class. */
    private static final VectorSpecies<Float> HALF = FloatVector.SPECIES_256;

    private static final int BLOCK = ChannelBlocked16.BLOCK;

    private static final int H = BLOCK / 2;

    private VectorBlockedSgemmHalves() {}

    /**
     * 7 pixels one block apart in B from {@code o0} by one block: row p of A at {@code from0 + p * 16},
     * biases at {@code bias0}, pixel r stored at {@code c0 + r * 16}, {@code res} (or null) added from
     * {@code rd} past.
     */
    static void run7(
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
        FloatVector first = FloatVector.fromArray(HALF, bias, bias0);
        FloatVector second = FloatVector.fromArray(HALF, bias, bias0 + H);
        FloatVector acc00 = first;
        FloatVector acc01 = second;
        FloatVector acc10 = first;
        FloatVector acc11 = second;
        FloatVector acc20 = first;
        FloatVector acc21 = second;
        FloatVector acc30 = first;
        FloatVector acc31 = second;
        FloatVector acc40 = first;
        FloatVector acc41 = second;
        FloatVector acc50 = first;
        FloatVector acc51 = second;
        FloatVector acc60 = first;
        FloatVector acc61 = second;
        for (int p = 0; p < k; p++) {
            int bp = rows[p] + o0;
            FloatVector a0 = FloatVector.fromArray(HALF, a, from0 + p * BLOCK);
            FloatVector a1 = FloatVector.fromArray(HALF, a, from0 + p * BLOCK + H);
            FloatVector b0 = FloatVector.broadcast(HALF, b[bp + 0]);
            acc00 = a0.lanewise(VectorOperators.FMA, b0, acc00);
            acc01 = a1.lanewise(VectorOperators.FMA, b0, acc01);
            FloatVector b1 = FloatVector.broadcast(HALF, b[bp + 16]);
            acc10 = a0.lanewise(VectorOperators.FMA, b1, acc10);
            acc11 = a1.lanewise(VectorOperators.FMA, b1, acc11);
            FloatVector b2 = FloatVector.broadcast(HALF, b[bp + 32]);
            acc20 = a0.lanewise(VectorOperators.FMA, b2, acc20);
            acc21 = a1.lanewise(VectorOperators.FMA, b2, acc21);
            FloatVector b3 = FloatVector.broadcast(HALF, b[bp + 48]);
            acc30 = a0.lanewise(VectorOperators.FMA, b3, acc30);
            acc31 = a1.lanewise(VectorOperators.FMA, b3, acc31);
            FloatVector b4 = FloatVector.broadcast(HALF, b[bp + 64]);
            acc40 = a0.lanewise(VectorOperators.FMA, b4, acc40);
            acc41 = a1.lanewise(VectorOperators.FMA, b4, acc41);
            FloatVector b5 = FloatVector.broadcast(HALF, b[bp + 80]);
            acc50 = a0.lanewise(VectorOperators.FMA, b5, acc50);
            acc51 = a1.lanewise(VectorOperators.FMA, b5, acc51);
            FloatVector b6 = FloatVector.broadcast(HALF, b[bp + 96]);
            acc60 = a0.lanewise(VectorOperators.FMA, b6, acc60);
            acc61 = a1.lanewise(VectorOperators.FMA, b6, acc61);
        }
        FloatVector low = FloatVector.broadcast(HALF, lo);
        FloatVector high = FloatVector.broadcast(HALF, hi);
        if (res != null) {
            acc00 = acc00.add(FloatVector.fromArray(HALF, res, c0 + 0 * BLOCK + rd));
            acc01 = acc01.add(FloatVector.fromArray(HALF, res, c0 + 0 * BLOCK + H + rd));
            acc10 = acc10.add(FloatVector.fromArray(HALF, res, c0 + 1 * BLOCK + rd));
            acc11 = acc11.add(FloatVector.fromArray(HALF, res, c0 + 1 * BLOCK + H + rd));
            acc20 = acc20.add(FloatVector.fromArray(HALF, res, c0 + 2 * BLOCK + rd));
            acc21 = acc21.add(FloatVector.fromArray(HALF, res, c0 + 2 * BLOCK + H + rd));
            acc30 = acc30.add(FloatVector.fromArray(HALF, res, c0 + 3 * BLOCK + rd));
            acc31 = acc31.add(FloatVector.fromArray(HALF, res, c0 + 3 * BLOCK + H + rd));
            acc40 = acc40.add(FloatVector.fromArray(HALF, res, c0 + 4 * BLOCK + rd));
            acc41 = acc41.add(FloatVector.fromArray(HALF, res, c0 + 4 * BLOCK + H + rd));
            acc50 = acc50.add(FloatVector.fromArray(HALF, res, c0 + 5 * BLOCK + rd));
            acc51 = acc51.add(FloatVector.fromArray(HALF, res, c0 + 5 * BLOCK + H + rd));
            acc60 = acc60.add(FloatVector.fromArray(HALF, res, c0 + 6 * BLOCK + rd));
            acc61 = acc61.add(FloatVector.fromArray(HALF, res, c0 + 6 * BLOCK + H + rd));
        }
        acc00.max(low).min(high).intoArray(c, c0 + 0 * BLOCK);
        acc01.max(low).min(high).intoArray(c, c0 + 0 * BLOCK + H);
        acc10.max(low).min(high).intoArray(c, c0 + 1 * BLOCK);
        acc11.max(low).min(high).intoArray(c, c0 + 1 * BLOCK + H);
        acc20.max(low).min(high).intoArray(c, c0 + 2 * BLOCK);
        acc21.max(low).min(high).intoArray(c, c0 + 2 * BLOCK + H);
        acc30.max(low).min(high).intoArray(c, c0 + 3 * BLOCK);
        acc31.max(low).min(high).intoArray(c, c0 + 3 * BLOCK + H);
        acc40.max(low).min(high).intoArray(c, c0 + 4 * BLOCK);
        acc41.max(low).min(high).intoArray(c, c0 + 4 * BLOCK + H);
        acc50.max(low).min(high).intoArray(c, c0 + 5 * BLOCK);
        acc51.max(low).min(high).intoArray(c, c0 + 5 * BLOCK + H);
        acc60.max(low).min(high).intoArray(c, c0 + 6 * BLOCK);
        acc61.max(low).min(high).intoArray(c, c0 + 6 * BLOCK + H);
    }

    /**
     * {@link #run7} with 5 pixels, for 16 vector registers (AVX2): its 10 accumulators, the 2 halves
     * of row p of A and the broadcasts of B that C2 schedules ahead stay in registers. Measured with
     * -XX:UseAVX=2 on AMD Zen 4, run7 (14 accumulators) and even a 6-pixel tile (12) had accumulators
     * spilled to the stack, each step of p then waiting on a store and reload: about 24 GMAC/s for a
     * 16-channel 3 x 3 layer on 28 x 28, against 47 with this tile.
     */
    static void run5(
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
        // The first step apart (k >= 1): each accumulator enters the loop as a value of its own
        // rather than one of five copies of a bias vector, which left C2 copying registers in the
        // loop (31 instructions a step, 29 without; 42 -> 44 GMAC/s on resnet8's 16 -> 16 layer).
        FloatVector first = FloatVector.fromArray(HALF, bias, bias0);
        FloatVector second = FloatVector.fromArray(HALF, bias, bias0 + H);
        int bp0 = rows[0] + o0;
        FloatVector a00 = FloatVector.fromArray(HALF, a, from0);
        FloatVector a10 = FloatVector.fromArray(HALF, a, from0 + H);
        FloatVector b00 = FloatVector.broadcast(HALF, b[bp0]);
        FloatVector acc00 = a00.lanewise(VectorOperators.FMA, b00, first);
        FloatVector acc01 = a10.lanewise(VectorOperators.FMA, b00, second);
        FloatVector b10 = FloatVector.broadcast(HALF, b[bp0 + 16]);
        FloatVector acc10 = a00.lanewise(VectorOperators.FMA, b10, first);
        FloatVector acc11 = a10.lanewise(VectorOperators.FMA, b10, second);
        FloatVector b20 = FloatVector.broadcast(HALF, b[bp0 + 32]);
        FloatVector acc20 = a00.lanewise(VectorOperators.FMA, b20, first);
        FloatVector acc21 = a10.lanewise(VectorOperators.FMA, b20, second);
        FloatVector b30 = FloatVector.broadcast(HALF, b[bp0 + 48]);
        FloatVector acc30 = a00.lanewise(VectorOperators.FMA, b30, first);
        FloatVector acc31 = a10.lanewise(VectorOperators.FMA, b30, second);
        FloatVector b40 = FloatVector.broadcast(HALF, b[bp0 + 64]);
        FloatVector acc40 = a00.lanewise(VectorOperators.FMA, b40, first);
        FloatVector acc41 = a10.lanewise(VectorOperators.FMA, b40, second);
        for (int p = 1; p < k; p++) {
            int bp = rows[p] + o0;
            FloatVector a0 = FloatVector.fromArray(HALF, a, from0 + p * BLOCK);
            FloatVector a1 = FloatVector.fromArray(HALF, a, from0 + p * BLOCK + H);
            FloatVector b0 = FloatVector.broadcast(HALF, b[bp + 0]);
            acc00 = a0.lanewise(VectorOperators.FMA, b0, acc00);
            acc01 = a1.lanewise(VectorOperators.FMA, b0, acc01);
            FloatVector b1 = FloatVector.broadcast(HALF, b[bp + 16]);
            acc10 = a0.lanewise(VectorOperators.FMA, b1, acc10);
            acc11 = a1.lanewise(VectorOperators.FMA, b1, acc11);
            FloatVector b2 = FloatVector.broadcast(HALF, b[bp + 32]);
            acc20 = a0.lanewise(VectorOperators.FMA, b2, acc20);
            acc21 = a1.lanewise(VectorOperators.FMA, b2, acc21);
            FloatVector b3 = FloatVector.broadcast(HALF, b[bp + 48]);
            acc30 = a0.lanewise(VectorOperators.FMA, b3, acc30);
            acc31 = a1.lanewise(VectorOperators.FMA, b3, acc31);
            FloatVector b4 = FloatVector.broadcast(HALF, b[bp + 64]);
            acc40 = a0.lanewise(VectorOperators.FMA, b4, acc40);
            acc41 = a1.lanewise(VectorOperators.FMA, b4, acc41);
        }
        FloatVector low = FloatVector.broadcast(HALF, lo);
        FloatVector high = FloatVector.broadcast(HALF, hi);
        if (res != null) {
            acc00 = acc00.add(FloatVector.fromArray(HALF, res, c0 + 0 * BLOCK + rd));
            acc01 = acc01.add(FloatVector.fromArray(HALF, res, c0 + 0 * BLOCK + H + rd));
            acc10 = acc10.add(FloatVector.fromArray(HALF, res, c0 + 1 * BLOCK + rd));
            acc11 = acc11.add(FloatVector.fromArray(HALF, res, c0 + 1 * BLOCK + H + rd));
            acc20 = acc20.add(FloatVector.fromArray(HALF, res, c0 + 2 * BLOCK + rd));
            acc21 = acc21.add(FloatVector.fromArray(HALF, res, c0 + 2 * BLOCK + H + rd));
            acc30 = acc30.add(FloatVector.fromArray(HALF, res, c0 + 3 * BLOCK + rd));
            acc31 = acc31.add(FloatVector.fromArray(HALF, res, c0 + 3 * BLOCK + H + rd));
            acc40 = acc40.add(FloatVector.fromArray(HALF, res, c0 + 4 * BLOCK + rd));
            acc41 = acc41.add(FloatVector.fromArray(HALF, res, c0 + 4 * BLOCK + H + rd));
        }
        acc00.max(low).min(high).intoArray(c, c0 + 0 * BLOCK);
        acc01.max(low).min(high).intoArray(c, c0 + 0 * BLOCK + H);
        acc10.max(low).min(high).intoArray(c, c0 + 1 * BLOCK);
        acc11.max(low).min(high).intoArray(c, c0 + 1 * BLOCK + H);
        acc20.max(low).min(high).intoArray(c, c0 + 2 * BLOCK);
        acc21.max(low).min(high).intoArray(c, c0 + 2 * BLOCK + H);
        acc30.max(low).min(high).intoArray(c, c0 + 3 * BLOCK);
        acc31.max(low).min(high).intoArray(c, c0 + 3 * BLOCK + H);
        acc40.max(low).min(high).intoArray(c, c0 + 4 * BLOCK);
        acc41.max(low).min(high).intoArray(c, c0 + 4 * BLOCK + H);
    }

    /**
     * {@link #run5} for 5 pixels two blocks apart in B from {@code o0} (a stride-2 convolution on a
     * blocked input), whose loads of B also sit at constant distances from one offset.
     */
    static void run5Stride2(
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
        // The first step apart, as in run5.
        FloatVector first = FloatVector.fromArray(HALF, bias, bias0);
        FloatVector second = FloatVector.fromArray(HALF, bias, bias0 + H);
        int bp0 = rows[0] + o0;
        FloatVector a00 = FloatVector.fromArray(HALF, a, from0);
        FloatVector a10 = FloatVector.fromArray(HALF, a, from0 + H);
        FloatVector b00 = FloatVector.broadcast(HALF, b[bp0]);
        FloatVector acc00 = a00.lanewise(VectorOperators.FMA, b00, first);
        FloatVector acc01 = a10.lanewise(VectorOperators.FMA, b00, second);
        FloatVector b10 = FloatVector.broadcast(HALF, b[bp0 + 32]);
        FloatVector acc10 = a00.lanewise(VectorOperators.FMA, b10, first);
        FloatVector acc11 = a10.lanewise(VectorOperators.FMA, b10, second);
        FloatVector b20 = FloatVector.broadcast(HALF, b[bp0 + 64]);
        FloatVector acc20 = a00.lanewise(VectorOperators.FMA, b20, first);
        FloatVector acc21 = a10.lanewise(VectorOperators.FMA, b20, second);
        FloatVector b30 = FloatVector.broadcast(HALF, b[bp0 + 96]);
        FloatVector acc30 = a00.lanewise(VectorOperators.FMA, b30, first);
        FloatVector acc31 = a10.lanewise(VectorOperators.FMA, b30, second);
        FloatVector b40 = FloatVector.broadcast(HALF, b[bp0 + 128]);
        FloatVector acc40 = a00.lanewise(VectorOperators.FMA, b40, first);
        FloatVector acc41 = a10.lanewise(VectorOperators.FMA, b40, second);
        for (int p = 1; p < k; p++) {
            int bp = rows[p] + o0;
            FloatVector a0 = FloatVector.fromArray(HALF, a, from0 + p * BLOCK);
            FloatVector a1 = FloatVector.fromArray(HALF, a, from0 + p * BLOCK + H);
            FloatVector b0 = FloatVector.broadcast(HALF, b[bp + 0]);
            acc00 = a0.lanewise(VectorOperators.FMA, b0, acc00);
            acc01 = a1.lanewise(VectorOperators.FMA, b0, acc01);
            FloatVector b1 = FloatVector.broadcast(HALF, b[bp + 32]);
            acc10 = a0.lanewise(VectorOperators.FMA, b1, acc10);
            acc11 = a1.lanewise(VectorOperators.FMA, b1, acc11);
            FloatVector b2 = FloatVector.broadcast(HALF, b[bp + 64]);
            acc20 = a0.lanewise(VectorOperators.FMA, b2, acc20);
            acc21 = a1.lanewise(VectorOperators.FMA, b2, acc21);
            FloatVector b3 = FloatVector.broadcast(HALF, b[bp + 96]);
            acc30 = a0.lanewise(VectorOperators.FMA, b3, acc30);
            acc31 = a1.lanewise(VectorOperators.FMA, b3, acc31);
            FloatVector b4 = FloatVector.broadcast(HALF, b[bp + 128]);
            acc40 = a0.lanewise(VectorOperators.FMA, b4, acc40);
            acc41 = a1.lanewise(VectorOperators.FMA, b4, acc41);
        }
        FloatVector low = FloatVector.broadcast(HALF, lo);
        FloatVector high = FloatVector.broadcast(HALF, hi);
        if (res != null) {
            acc00 = acc00.add(FloatVector.fromArray(HALF, res, c0 + 0 * BLOCK + rd));
            acc01 = acc01.add(FloatVector.fromArray(HALF, res, c0 + 0 * BLOCK + H + rd));
            acc10 = acc10.add(FloatVector.fromArray(HALF, res, c0 + 1 * BLOCK + rd));
            acc11 = acc11.add(FloatVector.fromArray(HALF, res, c0 + 1 * BLOCK + H + rd));
            acc20 = acc20.add(FloatVector.fromArray(HALF, res, c0 + 2 * BLOCK + rd));
            acc21 = acc21.add(FloatVector.fromArray(HALF, res, c0 + 2 * BLOCK + H + rd));
            acc30 = acc30.add(FloatVector.fromArray(HALF, res, c0 + 3 * BLOCK + rd));
            acc31 = acc31.add(FloatVector.fromArray(HALF, res, c0 + 3 * BLOCK + H + rd));
            acc40 = acc40.add(FloatVector.fromArray(HALF, res, c0 + 4 * BLOCK + rd));
            acc41 = acc41.add(FloatVector.fromArray(HALF, res, c0 + 4 * BLOCK + H + rd));
        }
        acc00.max(low).min(high).intoArray(c, c0 + 0 * BLOCK);
        acc01.max(low).min(high).intoArray(c, c0 + 0 * BLOCK + H);
        acc10.max(low).min(high).intoArray(c, c0 + 1 * BLOCK);
        acc11.max(low).min(high).intoArray(c, c0 + 1 * BLOCK + H);
        acc20.max(low).min(high).intoArray(c, c0 + 2 * BLOCK);
        acc21.max(low).min(high).intoArray(c, c0 + 2 * BLOCK + H);
        acc30.max(low).min(high).intoArray(c, c0 + 3 * BLOCK);
        acc31.max(low).min(high).intoArray(c, c0 + 3 * BLOCK + H);
        acc40.max(low).min(high).intoArray(c, c0 + 4 * BLOCK);
        acc41.max(low).min(high).intoArray(c, c0 + 4 * BLOCK + H);
    }

    /**
     * {@link #run5} for 5 adjacent pixels of B, a unit-stride convolution on an NCHW input: resnet8's
     * stem (one input channel, k = 9) at 256 bits, which took 4 pixels at offsets of their own before.
     */
    static void run5Planar(
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
        // The first step apart, as in run5.
        FloatVector first = FloatVector.fromArray(HALF, bias, bias0);
        FloatVector second = FloatVector.fromArray(HALF, bias, bias0 + H);
        int bp0 = rows[0] + o0;
        FloatVector a00 = FloatVector.fromArray(HALF, a, from0);
        FloatVector a10 = FloatVector.fromArray(HALF, a, from0 + H);
        FloatVector b00 = FloatVector.broadcast(HALF, b[bp0]);
        FloatVector acc00 = a00.lanewise(VectorOperators.FMA, b00, first);
        FloatVector acc01 = a10.lanewise(VectorOperators.FMA, b00, second);
        FloatVector b10 = FloatVector.broadcast(HALF, b[bp0 + 1]);
        FloatVector acc10 = a00.lanewise(VectorOperators.FMA, b10, first);
        FloatVector acc11 = a10.lanewise(VectorOperators.FMA, b10, second);
        FloatVector b20 = FloatVector.broadcast(HALF, b[bp0 + 2]);
        FloatVector acc20 = a00.lanewise(VectorOperators.FMA, b20, first);
        FloatVector acc21 = a10.lanewise(VectorOperators.FMA, b20, second);
        FloatVector b30 = FloatVector.broadcast(HALF, b[bp0 + 3]);
        FloatVector acc30 = a00.lanewise(VectorOperators.FMA, b30, first);
        FloatVector acc31 = a10.lanewise(VectorOperators.FMA, b30, second);
        FloatVector b40 = FloatVector.broadcast(HALF, b[bp0 + 4]);
        FloatVector acc40 = a00.lanewise(VectorOperators.FMA, b40, first);
        FloatVector acc41 = a10.lanewise(VectorOperators.FMA, b40, second);
        for (int p = 1; p < k; p++) {
            int bp = rows[p] + o0;
            FloatVector a0 = FloatVector.fromArray(HALF, a, from0 + p * BLOCK);
            FloatVector a1 = FloatVector.fromArray(HALF, a, from0 + p * BLOCK + H);
            FloatVector b0 = FloatVector.broadcast(HALF, b[bp + 0]);
            acc00 = a0.lanewise(VectorOperators.FMA, b0, acc00);
            acc01 = a1.lanewise(VectorOperators.FMA, b0, acc01);
            FloatVector b1 = FloatVector.broadcast(HALF, b[bp + 1]);
            acc10 = a0.lanewise(VectorOperators.FMA, b1, acc10);
            acc11 = a1.lanewise(VectorOperators.FMA, b1, acc11);
            FloatVector b2 = FloatVector.broadcast(HALF, b[bp + 2]);
            acc20 = a0.lanewise(VectorOperators.FMA, b2, acc20);
            acc21 = a1.lanewise(VectorOperators.FMA, b2, acc21);
            FloatVector b3 = FloatVector.broadcast(HALF, b[bp + 3]);
            acc30 = a0.lanewise(VectorOperators.FMA, b3, acc30);
            acc31 = a1.lanewise(VectorOperators.FMA, b3, acc31);
            FloatVector b4 = FloatVector.broadcast(HALF, b[bp + 4]);
            acc40 = a0.lanewise(VectorOperators.FMA, b4, acc40);
            acc41 = a1.lanewise(VectorOperators.FMA, b4, acc41);
        }
        FloatVector low = FloatVector.broadcast(HALF, lo);
        FloatVector high = FloatVector.broadcast(HALF, hi);
        if (res != null) {
            acc00 = acc00.add(FloatVector.fromArray(HALF, res, c0 + 0 * BLOCK + rd));
            acc01 = acc01.add(FloatVector.fromArray(HALF, res, c0 + 0 * BLOCK + H + rd));
            acc10 = acc10.add(FloatVector.fromArray(HALF, res, c0 + 1 * BLOCK + rd));
            acc11 = acc11.add(FloatVector.fromArray(HALF, res, c0 + 1 * BLOCK + H + rd));
            acc20 = acc20.add(FloatVector.fromArray(HALF, res, c0 + 2 * BLOCK + rd));
            acc21 = acc21.add(FloatVector.fromArray(HALF, res, c0 + 2 * BLOCK + H + rd));
            acc30 = acc30.add(FloatVector.fromArray(HALF, res, c0 + 3 * BLOCK + rd));
            acc31 = acc31.add(FloatVector.fromArray(HALF, res, c0 + 3 * BLOCK + H + rd));
            acc40 = acc40.add(FloatVector.fromArray(HALF, res, c0 + 4 * BLOCK + rd));
            acc41 = acc41.add(FloatVector.fromArray(HALF, res, c0 + 4 * BLOCK + H + rd));
        }
        acc00.max(low).min(high).intoArray(c, c0 + 0 * BLOCK);
        acc01.max(low).min(high).intoArray(c, c0 + 0 * BLOCK + H);
        acc10.max(low).min(high).intoArray(c, c0 + 1 * BLOCK);
        acc11.max(low).min(high).intoArray(c, c0 + 1 * BLOCK + H);
        acc20.max(low).min(high).intoArray(c, c0 + 2 * BLOCK);
        acc21.max(low).min(high).intoArray(c, c0 + 2 * BLOCK + H);
        acc30.max(low).min(high).intoArray(c, c0 + 3 * BLOCK);
        acc31.max(low).min(high).intoArray(c, c0 + 3 * BLOCK + H);
        acc40.max(low).min(high).intoArray(c, c0 + 4 * BLOCK);
        acc41.max(low).min(high).intoArray(c, c0 + 4 * BLOCK + H);
    }

    /**
     * {@link #run7} for 7 adjacent pixels of B, a unit-stride convolution on an NCHW input (resnet8's
     * stem reads its one input channel so). The distance is a constant of the tile, as in
     * {@link VectorBlockedSgemmStride2}, for one bounds check for all 7 loads.
     */
    static void run7Planar(
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
        FloatVector first = FloatVector.fromArray(HALF, bias, bias0);
        FloatVector second = FloatVector.fromArray(HALF, bias, bias0 + H);
        FloatVector acc00 = first;
        FloatVector acc01 = second;
        FloatVector acc10 = first;
        FloatVector acc11 = second;
        FloatVector acc20 = first;
        FloatVector acc21 = second;
        FloatVector acc30 = first;
        FloatVector acc31 = second;
        FloatVector acc40 = first;
        FloatVector acc41 = second;
        FloatVector acc50 = first;
        FloatVector acc51 = second;
        FloatVector acc60 = first;
        FloatVector acc61 = second;
        for (int p = 0; p < k; p++) {
            int bp = rows[p] + o0;
            FloatVector a0 = FloatVector.fromArray(HALF, a, from0 + p * BLOCK);
            FloatVector a1 = FloatVector.fromArray(HALF, a, from0 + p * BLOCK + H);
            FloatVector b0 = FloatVector.broadcast(HALF, b[bp]);
            acc00 = a0.lanewise(VectorOperators.FMA, b0, acc00);
            acc01 = a1.lanewise(VectorOperators.FMA, b0, acc01);
            FloatVector b1 = FloatVector.broadcast(HALF, b[bp + 1]);
            acc10 = a0.lanewise(VectorOperators.FMA, b1, acc10);
            acc11 = a1.lanewise(VectorOperators.FMA, b1, acc11);
            FloatVector b2 = FloatVector.broadcast(HALF, b[bp + 2]);
            acc20 = a0.lanewise(VectorOperators.FMA, b2, acc20);
            acc21 = a1.lanewise(VectorOperators.FMA, b2, acc21);
            FloatVector b3 = FloatVector.broadcast(HALF, b[bp + 3]);
            acc30 = a0.lanewise(VectorOperators.FMA, b3, acc30);
            acc31 = a1.lanewise(VectorOperators.FMA, b3, acc31);
            FloatVector b4 = FloatVector.broadcast(HALF, b[bp + 4]);
            acc40 = a0.lanewise(VectorOperators.FMA, b4, acc40);
            acc41 = a1.lanewise(VectorOperators.FMA, b4, acc41);
            FloatVector b5 = FloatVector.broadcast(HALF, b[bp + 5]);
            acc50 = a0.lanewise(VectorOperators.FMA, b5, acc50);
            acc51 = a1.lanewise(VectorOperators.FMA, b5, acc51);
            FloatVector b6 = FloatVector.broadcast(HALF, b[bp + 6]);
            acc60 = a0.lanewise(VectorOperators.FMA, b6, acc60);
            acc61 = a1.lanewise(VectorOperators.FMA, b6, acc61);
        }
        FloatVector low = FloatVector.broadcast(HALF, lo);
        FloatVector high = FloatVector.broadcast(HALF, hi);
        if (res != null) {
            acc00 = acc00.add(FloatVector.fromArray(HALF, res, c0 + 0 * BLOCK + rd));
            acc01 = acc01.add(FloatVector.fromArray(HALF, res, c0 + 0 * BLOCK + H + rd));
            acc10 = acc10.add(FloatVector.fromArray(HALF, res, c0 + 1 * BLOCK + rd));
            acc11 = acc11.add(FloatVector.fromArray(HALF, res, c0 + 1 * BLOCK + H + rd));
            acc20 = acc20.add(FloatVector.fromArray(HALF, res, c0 + 2 * BLOCK + rd));
            acc21 = acc21.add(FloatVector.fromArray(HALF, res, c0 + 2 * BLOCK + H + rd));
            acc30 = acc30.add(FloatVector.fromArray(HALF, res, c0 + 3 * BLOCK + rd));
            acc31 = acc31.add(FloatVector.fromArray(HALF, res, c0 + 3 * BLOCK + H + rd));
            acc40 = acc40.add(FloatVector.fromArray(HALF, res, c0 + 4 * BLOCK + rd));
            acc41 = acc41.add(FloatVector.fromArray(HALF, res, c0 + 4 * BLOCK + H + rd));
            acc50 = acc50.add(FloatVector.fromArray(HALF, res, c0 + 5 * BLOCK + rd));
            acc51 = acc51.add(FloatVector.fromArray(HALF, res, c0 + 5 * BLOCK + H + rd));
            acc60 = acc60.add(FloatVector.fromArray(HALF, res, c0 + 6 * BLOCK + rd));
            acc61 = acc61.add(FloatVector.fromArray(HALF, res, c0 + 6 * BLOCK + H + rd));
        }
        acc00.max(low).min(high).intoArray(c, c0 + 0 * BLOCK);
        acc01.max(low).min(high).intoArray(c, c0 + 0 * BLOCK + H);
        acc10.max(low).min(high).intoArray(c, c0 + 1 * BLOCK);
        acc11.max(low).min(high).intoArray(c, c0 + 1 * BLOCK + H);
        acc20.max(low).min(high).intoArray(c, c0 + 2 * BLOCK);
        acc21.max(low).min(high).intoArray(c, c0 + 2 * BLOCK + H);
        acc30.max(low).min(high).intoArray(c, c0 + 3 * BLOCK);
        acc31.max(low).min(high).intoArray(c, c0 + 3 * BLOCK + H);
        acc40.max(low).min(high).intoArray(c, c0 + 4 * BLOCK);
        acc41.max(low).min(high).intoArray(c, c0 + 4 * BLOCK + H);
        acc50.max(low).min(high).intoArray(c, c0 + 5 * BLOCK);
        acc51.max(low).min(high).intoArray(c, c0 + 5 * BLOCK + H);
        acc60.max(low).min(high).intoArray(c, c0 + 6 * BLOCK);
        acc61.max(low).min(high).intoArray(c, c0 + 6 * BLOCK + H);
    }
}
