package org.bitbudget.ops.compute.sgemm;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.blocked.ChannelBlocked16;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * Vector API {@link BlockedSgemm}: register tiles of pixels by vectors of output channels, the turned
 * tile of {@link VectorPackedSgemm#multiplyColumns} (at step p: the tile's vectors of row p of A,
 * one broadcast of B per pixel, a fused multiply-add per accumulator), whose accumulators are stored
 * whole: a pixel's block of 16 channels is one 512-bit vector, two 256-bit ones. At 512 bits blocks
 * go in pairs, pixels by 2 vectors; a lone block (a layer with 16 output channels, or the last of an
 * odd count) takes pixels by 1 vector ({@link VectorBlockedSgemmLone}) rather than wasting half of a 2-vector tile. Where 7 pixels in
 * a row are one block apart in B (a unit-stride convolution on a blocked input, a row of 7, 14 or 28
 * outputs) the tile is 7 pixels addressed from one offset, whose loads need one bounds check for all
 * 7 and no address arithmetic (a lone block as its two 256-bit halves: {@link VectorBlockedSgemmHalves},
 * which also takes 7 adjacent pixels of an NCHW input; pixels two blocks apart, a stride-2
 * convolution, take the pair tile of {@link VectorBlockedSgemmStride2}); elsewhere 8 (or, for a last
 * 4, 4) pixels at offsets of their own. At 256 bits, the width of AVX2 whose 16 vector registers a
 * 7-pixel run of a block's 2 halves would overflow, the run is 5 pixels (one block apart, or two: a
 * stride-2 convolution; or one float apart, an NCHW input such as resnet8's stem) and other pixels go 4
 * at a time by the block's 2 vectors (8 accumulators).
 * At 256 bits a row's last 3 or 4 pixels take the run tile starting one or two pixels back, which
 * stores those again with the same bits (resnet8's rows of 28 and 14 are not multiples of 5).
 * The pixels past n in a last tile repeat its last pixel and are not stored. Each lane is the chain of
 * {@link ScalarBlockedSgemm}, so the results are the same bits.
 */
public final class VectorBlockedSgemm implements BlockedSgemm {
    private static final VectorSpecies<Float> SPECIES =
            VectorSpecies.of(float.class, VectorWidth.of(MethodHandles.lookup()));
    private static final int L = SPECIES.length();
    private static final int BLOCK = ChannelBlocked16.BLOCK;
    /** Pixels of the run tiles. */
    private static final int RUN = 7;
    /**
     * Pixels of the run tile at 256 bits, where the JVM may have only 16 vector registers (AVX2):
     * {@link VectorBlockedSgemmHalves#run5}.
     */
    private static final int RUN_HALVES = 5;
    /**
     * How many stored pixels a run tile at 256 bits may compute again to cover a row's last ones.
     * Measured with -XX:UseAVX=2 on AMD Zen 4: one (rows of 14: 5 + 5 + 4) took the 32-channel
     * layers from 38 to 43 GMAC/s; two (rows of 28: 5 x 5 + 3) the 16-channel one from 44.8 to 46.1;
     * three (rows of 7: 5 + 2) lost 10% against the 4-pixel tile at offsets of its own.
     */
    private static final int OVERLAP = 2;

    /** Checks that a block is one or two of this width's vectors. */
    public VectorBlockedSgemm() {
        if (L != BLOCK && 2 * L != BLOCK) {
            throw new IllegalStateException(
                    "a block of " + BLOCK + " channels is not one or two " + L + "-lane vectors");
        }
    }

    /** Whether pixels j .. j+length-1 of B lie {@code step} floats apart. */
    private static boolean run(int[] columns, int j, int n, int length, int step) {
        if (j + length > n) {
            return false;
        }
        int first = columns[j];
        for (int r = 1; r < length; r++) {
            if (columns[j + r] != first + r * step) {
                return false;
            }
        }
        return true;
    }

    /** The distance in B (one block, two, one float; else 0) of the 5-pixel run from pixel j. */
    private static int runStep(int[] columns, int j, int n) {
        if (run(columns, j, n, RUN_HALVES, BLOCK)) {
            return BLOCK;
        }
        if (run(columns, j, n, RUN_HALVES, 2 * BLOCK)) {
            return 2 * BLOCK;
        }
        return run(columns, j, n, RUN_HALVES, 1) ? 1 : 0;
    }

    /** Fills {@code o} with the offsets of pixels j .. j+7 of B (past n the last repeated); returns how many are real. */
    private static int offsets(int[] columns, int j, int n, int[] o) {
        int count = Math.min(8, n - j);
        for (int r = 0; r < 8; r++) {
            o[r] = columns[j + Math.min(r, count - 1)];
        }
        return count;
    }

    @Override
    public void multiply(
            PackedWeights a,
            int n,
            float[] b,
            int[] rows,
            int[] columns,
            float[] c,
            int cOff,
            int blockStride,
            float[] residual,
            int residualOff,
            float lo,
            float hi) {
        if (a.rowsPerPanel() != BLOCK) {
            throw new IllegalArgumentException(
                    "A is packed in panels of " + a.rowsPerPanel() + " rows; this kernel needs " + BLOCK);
        }
        int k = a.k();
        int blocks = a.panelCount();
        float[] pa = a.panels();
        float[] bias = a.bias();
        int rd = residualOff - cOff;
        int[] o = new int[8];
        // Short names keep each tile call on one line.
        int bs = blockStride;
        float[] r = residual;
        int q = 0;
        if (L == BLOCK) {
            for (; q + 2 <= blocks; q += 2) {
                int f = q * BLOCK * k;
                int f2 = f + BLOCK * k;
                int bq = q * BLOCK;
                int count;
                for (int j = 0; j < n; j += count) {
                    int c0 = cOff + q * bs + j * BLOCK;
                    if (run(columns, j, n, RUN, BLOCK)) {
                        count = RUN;
                        run7x2(pa, f, f2, k, bias, bq, b, rows, columns[j], c, c0, bs, r, rd, lo, hi);
                        continue;
                    }
                    if (run(columns, j, n, RUN, 2 * BLOCK)) {
                        count = RUN;
                        VectorBlockedSgemmStride2.run7x2(
                                pa, f, f2, k, bias, bq, b, rows, columns[j], c, c0, bs, r, rd, lo, hi);
                        continue;
                    }
                    count = offsets(columns, j, n, o);
                    if (count > 4) {
                        tile8x2(pa, f, f2, k, bias, bq, b, rows, o, c, c0, bs, count, r, rd, lo, hi);
                    } else {
                        tile4x2(pa, f, f2, k, bias, bq, BLOCK, b, rows, o, c, c0, bs, count, r, rd, lo, hi);
                    }
                }
            }
            if (q < blocks) {
                int f = q * BLOCK * k;
                int bq = q * BLOCK;
                int count;
                for (int j = 0; j < n; j += count) {
                    int c0 = cOff + q * bs + j * BLOCK;
                    if (run(columns, j, n, RUN, BLOCK)) {
                        count = RUN;
                        VectorBlockedSgemmHalves.run7(pa, f, k, bias, bq, b, rows, columns[j], c, c0, r, rd, lo, hi);
                    } else if (run(columns, j, n, RUN, 1)) {
                        count = RUN;
                        VectorBlockedSgemmHalves.run7Planar(
                                pa, f, k, bias, bq, b, rows, columns[j], c, c0, r, rd, lo, hi);
                    } else {
                        count = offsets(columns, j, n, o);
                        VectorBlockedSgemmLone.tile8x1(pa, f, k, bias, bq, b, rows, o, c, c0, count, r, rd, lo, hi);
                    }
                }
            }
        } else {
            // A run tile may start before j, storing pixels again (same bits), but not when the residual
            // is C itself (added twice); the run tiles take a first step before their loop: k >= 1.
            boolean overlap = residual != c;
            for (; q < blocks; q++) {
                int f = q * BLOCK * k;
                int bq = q * BLOCK;
                int count;
                for (int j = 0; j < n; j += count) {
                    int s = j;
                    int step = k == 0 ? 0 : runStep(columns, s, n);
                    while (step == 0 && overlap && s > 0 && s > j - OVERLAP) {
                        s--;
                        step = runStep(columns, s, n);
                    }
                    if (step == 0) {
                        int c0 = cOff + q * bs + j * BLOCK;
                        count = Math.min(4, offsets(columns, j, n, o));
                        tile4x2(pa, f, f + L, k, bias, bq, L, b, rows, o, c, c0, L, count, r, rd, lo, hi);
                        continue;
                    }
                    int c0 = cOff + q * bs + s * BLOCK;
                    count = s + RUN_HALVES - j;
                    if (step == BLOCK) {
                        VectorBlockedSgemmHalves.run5(pa, f, k, bias, bq, b, rows, columns[s], c, c0, r, rd, lo, hi);
                    } else if (step == 2 * BLOCK) {
                        VectorBlockedSgemmHalves.run5Stride2(
                                pa, f, k, bias, bq, b, rows, columns[s], c, c0, r, rd, lo, hi);
                    } else {
                        VectorBlockedSgemmHalves.run5Planar(
                                pa, f, k, bias, bq, b, rows, columns[s], c, c0, r, rd, lo, hi);
                    }
                }
            }
        }
        BlockedSgemm.zeroPaddedLanes(a.m(), n, c, cOff, blockStride);
    }

    /** 7 pixels one block apart in B from {@code o0} (one bounds check for all 7) by 2 blocks; see {@link #tile8x2}. */
    private static void run7x2(
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
        FloatVector first = FloatVector.fromArray(SPECIES, bias, bias0);
        FloatVector second = FloatVector.fromArray(SPECIES, bias, bias0 + BLOCK);
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
            FloatVector a0 = FloatVector.fromArray(SPECIES, a, from0 + p * BLOCK);
            FloatVector a1 = FloatVector.fromArray(SPECIES, a, from1 + p * BLOCK);
            FloatVector b0 = FloatVector.broadcast(SPECIES, b[bp]);
            c00 = a0.lanewise(VectorOperators.FMA, b0, c00);
            c01 = a1.lanewise(VectorOperators.FMA, b0, c01);
            FloatVector b1 = FloatVector.broadcast(SPECIES, b[bp + 16]);
            c10 = a0.lanewise(VectorOperators.FMA, b1, c10);
            c11 = a1.lanewise(VectorOperators.FMA, b1, c11);
            FloatVector b2 = FloatVector.broadcast(SPECIES, b[bp + 32]);
            c20 = a0.lanewise(VectorOperators.FMA, b2, c20);
            c21 = a1.lanewise(VectorOperators.FMA, b2, c21);
            FloatVector b3 = FloatVector.broadcast(SPECIES, b[bp + 48]);
            c30 = a0.lanewise(VectorOperators.FMA, b3, c30);
            c31 = a1.lanewise(VectorOperators.FMA, b3, c31);
            FloatVector b4 = FloatVector.broadcast(SPECIES, b[bp + 64]);
            c40 = a0.lanewise(VectorOperators.FMA, b4, c40);
            c41 = a1.lanewise(VectorOperators.FMA, b4, c41);
            FloatVector b5 = FloatVector.broadcast(SPECIES, b[bp + 80]);
            c50 = a0.lanewise(VectorOperators.FMA, b5, c50);
            c51 = a1.lanewise(VectorOperators.FMA, b5, c51);
            FloatVector b6 = FloatVector.broadcast(SPECIES, b[bp + 96]);
            c60 = a0.lanewise(VectorOperators.FMA, b6, c60);
            c61 = a1.lanewise(VectorOperators.FMA, b6, c61);
        }
        FloatVector low = FloatVector.broadcast(SPECIES, lo);
        FloatVector high = FloatVector.broadcast(SPECIES, hi);
        if (res != null) {
            c00 = c00.add(FloatVector.fromArray(SPECIES, res, c0 + 0 * BLOCK + rd));
            c01 = c01.add(FloatVector.fromArray(SPECIES, res, c0 + cStep + 0 * BLOCK + rd));
            c10 = c10.add(FloatVector.fromArray(SPECIES, res, c0 + 1 * BLOCK + rd));
            c11 = c11.add(FloatVector.fromArray(SPECIES, res, c0 + cStep + 1 * BLOCK + rd));
            c20 = c20.add(FloatVector.fromArray(SPECIES, res, c0 + 2 * BLOCK + rd));
            c21 = c21.add(FloatVector.fromArray(SPECIES, res, c0 + cStep + 2 * BLOCK + rd));
            c30 = c30.add(FloatVector.fromArray(SPECIES, res, c0 + 3 * BLOCK + rd));
            c31 = c31.add(FloatVector.fromArray(SPECIES, res, c0 + cStep + 3 * BLOCK + rd));
            c40 = c40.add(FloatVector.fromArray(SPECIES, res, c0 + 4 * BLOCK + rd));
            c41 = c41.add(FloatVector.fromArray(SPECIES, res, c0 + cStep + 4 * BLOCK + rd));
            c50 = c50.add(FloatVector.fromArray(SPECIES, res, c0 + 5 * BLOCK + rd));
            c51 = c51.add(FloatVector.fromArray(SPECIES, res, c0 + cStep + 5 * BLOCK + rd));
            c60 = c60.add(FloatVector.fromArray(SPECIES, res, c0 + 6 * BLOCK + rd));
            c61 = c61.add(FloatVector.fromArray(SPECIES, res, c0 + cStep + 6 * BLOCK + rd));
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

    /**
     * 8 pixels at offsets {@code o[r]} of B by 2 vectors: vector v's row p of A at {@code from<v> + p * 16},
     * biases at {@code bias0} and {@code bias0 + 16}, pixel r stored at {@code c0 + r * 16} and
     * {@code c0 + cStep + r * 16} (the first {@code count} only), {@code res} (or null) added from {@code rd} past.
     */
    private static void tile8x2(
            float[] a,
            int from0,
            int from1,
            int k,
            float[] bias,
            int bias0,
            float[] b,
            int[] rows,
            int[] o,
            float[] c,
            int c0,
            int cStep,
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
        FloatVector second = FloatVector.fromArray(SPECIES, bias, bias0 + BLOCK);
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
        FloatVector c70 = first;
        FloatVector c71 = second;
        for (int p = 0; p < k; p++) {
            int bp = rows[p];
            FloatVector a0 = FloatVector.fromArray(SPECIES, a, from0 + p * BLOCK);
            FloatVector a1 = FloatVector.fromArray(SPECIES, a, from1 + p * BLOCK);
            FloatVector b0 = FloatVector.broadcast(SPECIES, b[bp + o0]);
            c00 = a0.lanewise(VectorOperators.FMA, b0, c00);
            c01 = a1.lanewise(VectorOperators.FMA, b0, c01);
            FloatVector b1 = FloatVector.broadcast(SPECIES, b[bp + o1]);
            c10 = a0.lanewise(VectorOperators.FMA, b1, c10);
            c11 = a1.lanewise(VectorOperators.FMA, b1, c11);
            FloatVector b2 = FloatVector.broadcast(SPECIES, b[bp + o2]);
            c20 = a0.lanewise(VectorOperators.FMA, b2, c20);
            c21 = a1.lanewise(VectorOperators.FMA, b2, c21);
            FloatVector b3 = FloatVector.broadcast(SPECIES, b[bp + o3]);
            c30 = a0.lanewise(VectorOperators.FMA, b3, c30);
            c31 = a1.lanewise(VectorOperators.FMA, b3, c31);
            FloatVector b4 = FloatVector.broadcast(SPECIES, b[bp + o4]);
            c40 = a0.lanewise(VectorOperators.FMA, b4, c40);
            c41 = a1.lanewise(VectorOperators.FMA, b4, c41);
            FloatVector b5 = FloatVector.broadcast(SPECIES, b[bp + o5]);
            c50 = a0.lanewise(VectorOperators.FMA, b5, c50);
            c51 = a1.lanewise(VectorOperators.FMA, b5, c51);
            FloatVector b6 = FloatVector.broadcast(SPECIES, b[bp + o6]);
            c60 = a0.lanewise(VectorOperators.FMA, b6, c60);
            c61 = a1.lanewise(VectorOperators.FMA, b6, c61);
            FloatVector b7 = FloatVector.broadcast(SPECIES, b[bp + o7]);
            c70 = a0.lanewise(VectorOperators.FMA, b7, c70);
            c71 = a1.lanewise(VectorOperators.FMA, b7, c71);
        }
        FloatVector low = FloatVector.broadcast(SPECIES, lo);
        FloatVector high = FloatVector.broadcast(SPECIES, hi);
        if (res != null) {
            c00 = c00.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(0, count - 1) * BLOCK + rd));
            c01 = c01.add(FloatVector.fromArray(SPECIES, res, c0 + cStep + Math.min(0, count - 1) * BLOCK + rd));
            c10 = c10.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(1, count - 1) * BLOCK + rd));
            c11 = c11.add(FloatVector.fromArray(SPECIES, res, c0 + cStep + Math.min(1, count - 1) * BLOCK + rd));
            c20 = c20.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(2, count - 1) * BLOCK + rd));
            c21 = c21.add(FloatVector.fromArray(SPECIES, res, c0 + cStep + Math.min(2, count - 1) * BLOCK + rd));
            c30 = c30.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(3, count - 1) * BLOCK + rd));
            c31 = c31.add(FloatVector.fromArray(SPECIES, res, c0 + cStep + Math.min(3, count - 1) * BLOCK + rd));
            c40 = c40.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(4, count - 1) * BLOCK + rd));
            c41 = c41.add(FloatVector.fromArray(SPECIES, res, c0 + cStep + Math.min(4, count - 1) * BLOCK + rd));
            c50 = c50.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(5, count - 1) * BLOCK + rd));
            c51 = c51.add(FloatVector.fromArray(SPECIES, res, c0 + cStep + Math.min(5, count - 1) * BLOCK + rd));
            c60 = c60.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(6, count - 1) * BLOCK + rd));
            c61 = c61.add(FloatVector.fromArray(SPECIES, res, c0 + cStep + Math.min(6, count - 1) * BLOCK + rd));
            c70 = c70.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(7, count - 1) * BLOCK + rd));
            c71 = c71.add(FloatVector.fromArray(SPECIES, res, c0 + cStep + Math.min(7, count - 1) * BLOCK + rd));
        }
        // Every store runs, the last first: no store under an if (see the package documentation).
        int last = count - 1;
        c70.max(low).min(high).intoArray(c, c0 + Math.min(7, last) * BLOCK);
        c71.max(low).min(high).intoArray(c, c0 + cStep + Math.min(7, last) * BLOCK);
        c60.max(low).min(high).intoArray(c, c0 + Math.min(6, last) * BLOCK);
        c61.max(low).min(high).intoArray(c, c0 + cStep + Math.min(6, last) * BLOCK);
        c50.max(low).min(high).intoArray(c, c0 + Math.min(5, last) * BLOCK);
        c51.max(low).min(high).intoArray(c, c0 + cStep + Math.min(5, last) * BLOCK);
        c40.max(low).min(high).intoArray(c, c0 + Math.min(4, last) * BLOCK);
        c41.max(low).min(high).intoArray(c, c0 + cStep + Math.min(4, last) * BLOCK);
        c30.max(low).min(high).intoArray(c, c0 + Math.min(3, last) * BLOCK);
        c31.max(low).min(high).intoArray(c, c0 + cStep + Math.min(3, last) * BLOCK);
        c20.max(low).min(high).intoArray(c, c0 + Math.min(2, last) * BLOCK);
        c21.max(low).min(high).intoArray(c, c0 + cStep + Math.min(2, last) * BLOCK);
        c10.max(low).min(high).intoArray(c, c0 + Math.min(1, last) * BLOCK);
        c11.max(low).min(high).intoArray(c, c0 + cStep + Math.min(1, last) * BLOCK);
        c00.max(low).min(high).intoArray(c, c0);
        c01.max(low).min(high).intoArray(c, c0 + cStep);
    }

    /** {@link #tile8x2} with 4 pixels, the second biases at {@code bias0 + biasStep}. */
    private static void tile4x2(
            float[] a,
            int from0,
            int from1,
            int k,
            float[] bias,
            int bias0,
            int biasStep,
            float[] b,
            int[] rows,
            int[] o,
            float[] c,
            int c0,
            int cStep,
            int count,
            float[] res,
            int rd,
            float lo,
            float hi) {
        int o0 = o[0];
        int o1 = o[1];
        int o2 = o[2];
        int o3 = o[3];
        FloatVector first = FloatVector.fromArray(SPECIES, bias, bias0);
        FloatVector second = FloatVector.fromArray(SPECIES, bias, bias0 + biasStep);
        FloatVector c00 = first;
        FloatVector c01 = second;
        FloatVector c10 = first;
        FloatVector c11 = second;
        FloatVector c20 = first;
        FloatVector c21 = second;
        FloatVector c30 = first;
        FloatVector c31 = second;
        for (int p = 0; p < k; p++) {
            int bp = rows[p];
            FloatVector a0 = FloatVector.fromArray(SPECIES, a, from0 + p * BLOCK);
            FloatVector a1 = FloatVector.fromArray(SPECIES, a, from1 + p * BLOCK);
            FloatVector b0 = FloatVector.broadcast(SPECIES, b[bp + o0]);
            c00 = a0.lanewise(VectorOperators.FMA, b0, c00);
            c01 = a1.lanewise(VectorOperators.FMA, b0, c01);
            FloatVector b1 = FloatVector.broadcast(SPECIES, b[bp + o1]);
            c10 = a0.lanewise(VectorOperators.FMA, b1, c10);
            c11 = a1.lanewise(VectorOperators.FMA, b1, c11);
            FloatVector b2 = FloatVector.broadcast(SPECIES, b[bp + o2]);
            c20 = a0.lanewise(VectorOperators.FMA, b2, c20);
            c21 = a1.lanewise(VectorOperators.FMA, b2, c21);
            FloatVector b3 = FloatVector.broadcast(SPECIES, b[bp + o3]);
            c30 = a0.lanewise(VectorOperators.FMA, b3, c30);
            c31 = a1.lanewise(VectorOperators.FMA, b3, c31);
        }
        FloatVector low = FloatVector.broadcast(SPECIES, lo);
        FloatVector high = FloatVector.broadcast(SPECIES, hi);
        if (res != null) {
            c00 = c00.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(0, count - 1) * BLOCK + rd));
            c01 = c01.add(FloatVector.fromArray(SPECIES, res, c0 + cStep + Math.min(0, count - 1) * BLOCK + rd));
            c10 = c10.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(1, count - 1) * BLOCK + rd));
            c11 = c11.add(FloatVector.fromArray(SPECIES, res, c0 + cStep + Math.min(1, count - 1) * BLOCK + rd));
            c20 = c20.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(2, count - 1) * BLOCK + rd));
            c21 = c21.add(FloatVector.fromArray(SPECIES, res, c0 + cStep + Math.min(2, count - 1) * BLOCK + rd));
            c30 = c30.add(FloatVector.fromArray(SPECIES, res, c0 + Math.min(3, count - 1) * BLOCK + rd));
            c31 = c31.add(FloatVector.fromArray(SPECIES, res, c0 + cStep + Math.min(3, count - 1) * BLOCK + rd));
        }
        // Every store runs, the last first: no store under an if (see the package documentation).
        int last = count - 1;
        c30.max(low).min(high).intoArray(c, c0 + Math.min(3, last) * BLOCK);
        c31.max(low).min(high).intoArray(c, c0 + cStep + Math.min(3, last) * BLOCK);
        c20.max(low).min(high).intoArray(c, c0 + Math.min(2, last) * BLOCK);
        c21.max(low).min(high).intoArray(c, c0 + cStep + Math.min(2, last) * BLOCK);
        c10.max(low).min(high).intoArray(c, c0 + Math.min(1, last) * BLOCK);
        c11.max(low).min(high).intoArray(c, c0 + cStep + Math.min(1, last) * BLOCK);
        c00.max(low).min(high).intoArray(c, c0);
        c01.max(low).min(high).intoArray(c, c0 + cStep);
    }
}
