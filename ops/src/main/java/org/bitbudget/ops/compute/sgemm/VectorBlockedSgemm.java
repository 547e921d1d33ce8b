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
 * odd count) takes pixels by 1 vector rather than wasting half of a 2-vector tile. Where 7 pixels in
 * a row are one block apart in B (a unit-stride convolution on a blocked input, a row of 7, 14 or 28
 * outputs) the tile is 7 pixels addressed from one offset, whose loads need one bounds check for all
 * 7 and no address arithmetic; elsewhere 8 (or, for a last 4, 4) pixels at offsets of their own. At
 * 256 bits a block is 4 pixels by its 2 vectors (8 accumulators of 16 registers). The pixels past n
 * in a last tile repeat its last pixel and are not stored. Each lane is the chain of
 * {@link ScalarBlockedSgemm}, so the results are the same bits.
 */
public final class VectorBlockedSgemm implements BlockedSgemm {
    private static final VectorSpecies<Float> SPECIES =
            VectorSpecies.of(float.class, VectorWidth.of(MethodHandles.lookup()));
    private static final int L = SPECIES.length();
    private static final int BLOCK = ChannelBlocked16.BLOCK;
    /** Pixels of the run tiles. */
    private static final int RUN = 7;

    /** Checks that a block is one or two of this width's vectors. */
    public VectorBlockedSgemm() {
        if (L != BLOCK && 2 * L != BLOCK) {
            throw new IllegalStateException(
                    "a block of " + BLOCK + " channels is not one or two " + L + "-lane vectors");
        }
    }

    /** Whether pixels j .. j+6 of B lie one block apart. */
    private static boolean run(int[] columns, int j, int n) {
        if (j + RUN > n) {
            return false;
        }
        int first = columns[j];
        for (int r = 1; r < RUN; r++) {
            if (columns[j + r] != first + r * BLOCK) {
                return false;
            }
        }
        return true;
    }

    /**
     * Fills {@code o} with the offsets of pixels j .. j+7 of B, the ones past n repeating the last, and
     * returns how many are real.
     */
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
                    if (run(columns, j, n)) {
                        count = RUN;
                        run7x2(pa, f, f2, k, bias, bq, b, rows, columns[j], c, c0, bs, r, rd, lo, hi);
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
                    if (run(columns, j, n)) {
                        count = RUN;
                        run7x1(pa, f, k, bias, bq, b, rows, columns[j], c, c0, r, rd, lo, hi);
                    } else {
                        count = offsets(columns, j, n, o);
                        tile8x1(pa, f, k, bias, bq, b, rows, o, c, c0, count, r, rd, lo, hi);
                    }
                }
            }
        } else {
            for (; q < blocks; q++) {
                int f = q * BLOCK * k;
                int bq = q * BLOCK;
                for (int j = 0; j < n; j += 4) {
                    int count = Math.min(4, offsets(columns, j, n, o));
                    int c0 = cOff + q * bs + j * BLOCK;
                    tile4x2(pa, f, f + L, k, bias, bq, L, b, rows, o, c, c0, L, count, r, rd, lo, hi);
                }
            }
        }
        BlockedSgemm.zeroPaddedLanes(a.m(), n, c, cOff, blockStride);
    }

    /** Stores an accumulator at {@code at}, its residual (at {@code at + rd}, if any) added, clamped. */
    private static void store(FloatVector acc, float[] c, int at, float[] res, int rd, float lo, float hi) {
        FloatVector v = res == null ? acc : acc.add(FloatVector.fromArray(SPECIES, res, at + rd));
        v.lanewise(VectorOperators.MAX, lo).lanewise(VectorOperators.MIN, hi).intoArray(c, at);
    }

    /**
     * 7 consecutive pixels of B one block (16 floats) apart, the first at offset {@code o0} (the
     * offsets are constants apart, so one bounds check covers all 7 loads), by 2 vectors of channels: vector v's row p of A at {@code from<v> + p * 16}; the
     * biases at {@code bias0} and {@code bias0 + 16}; pixel r stored at {@code c0 + r * 16} and
     * {@code c0 + cStep + r * 16}, with {@code res} (or null) added at {@code rd} past each.
     */
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
        store(c00, c, c0 + 0 * BLOCK, res, rd, lo, hi);
        store(c01, c, c0 + cStep + 0 * BLOCK, res, rd, lo, hi);
        store(c10, c, c0 + 1 * BLOCK, res, rd, lo, hi);
        store(c11, c, c0 + cStep + 1 * BLOCK, res, rd, lo, hi);
        store(c20, c, c0 + 2 * BLOCK, res, rd, lo, hi);
        store(c21, c, c0 + cStep + 2 * BLOCK, res, rd, lo, hi);
        store(c30, c, c0 + 3 * BLOCK, res, rd, lo, hi);
        store(c31, c, c0 + cStep + 3 * BLOCK, res, rd, lo, hi);
        store(c40, c, c0 + 4 * BLOCK, res, rd, lo, hi);
        store(c41, c, c0 + cStep + 4 * BLOCK, res, rd, lo, hi);
        store(c50, c, c0 + 5 * BLOCK, res, rd, lo, hi);
        store(c51, c, c0 + cStep + 5 * BLOCK, res, rd, lo, hi);
        store(c60, c, c0 + 6 * BLOCK, res, rd, lo, hi);
        store(c61, c, c0 + cStep + 6 * BLOCK, res, rd, lo, hi);
    }

    /**
     * 7 consecutive pixels of B one block (16 floats) apart, the first at offset {@code o0} (the
     * offsets are constants apart, so one bounds check covers all 7 loads), by 1 vector of channels (a lone block at 512 bits): row p of A at
     * {@code from0 + p * 16}, pixel r stored at {@code c0 + r * 16}, with
     * {@code res} (or null) added at {@code rd} past each.
     */
    private static void run7x1(
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
        FloatVector c00 = first;
        FloatVector c10 = first;
        FloatVector c20 = first;
        FloatVector c30 = first;
        FloatVector c40 = first;
        FloatVector c50 = first;
        FloatVector c60 = first;
        for (int p = 0; p < k; p++) {
            int bp = rows[p] + o0;
            FloatVector a0 = FloatVector.fromArray(SPECIES, a, from0 + p * BLOCK);
            FloatVector b0 = FloatVector.broadcast(SPECIES, b[bp]);
            c00 = a0.lanewise(VectorOperators.FMA, b0, c00);
            FloatVector b1 = FloatVector.broadcast(SPECIES, b[bp + 16]);
            c10 = a0.lanewise(VectorOperators.FMA, b1, c10);
            FloatVector b2 = FloatVector.broadcast(SPECIES, b[bp + 32]);
            c20 = a0.lanewise(VectorOperators.FMA, b2, c20);
            FloatVector b3 = FloatVector.broadcast(SPECIES, b[bp + 48]);
            c30 = a0.lanewise(VectorOperators.FMA, b3, c30);
            FloatVector b4 = FloatVector.broadcast(SPECIES, b[bp + 64]);
            c40 = a0.lanewise(VectorOperators.FMA, b4, c40);
            FloatVector b5 = FloatVector.broadcast(SPECIES, b[bp + 80]);
            c50 = a0.lanewise(VectorOperators.FMA, b5, c50);
            FloatVector b6 = FloatVector.broadcast(SPECIES, b[bp + 96]);
            c60 = a0.lanewise(VectorOperators.FMA, b6, c60);
        }
        store(c00, c, c0 + 0 * BLOCK, res, rd, lo, hi);
        store(c10, c, c0 + 1 * BLOCK, res, rd, lo, hi);
        store(c20, c, c0 + 2 * BLOCK, res, rd, lo, hi);
        store(c30, c, c0 + 3 * BLOCK, res, rd, lo, hi);
        store(c40, c, c0 + 4 * BLOCK, res, rd, lo, hi);
        store(c50, c, c0 + 5 * BLOCK, res, rd, lo, hi);
        store(c60, c, c0 + 6 * BLOCK, res, rd, lo, hi);
    }

    /**
     * 8 pixels, pixel r of B at offset {@code o[r]}, by 2 vectors of channels: vector v's row p of A at {@code from<v> + p * 16}; the
     * biases at {@code bias0} and {@code bias0 + 16}; pixel r stored at {@code c0 + r * 16} and
     * {@code c0 + cStep + r * 16}, the first {@code count} pixels only, with {@code res} (or null) added at {@code rd} past each.
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
        store(c00, c, c0 + 0 * BLOCK, res, rd, lo, hi);
        store(c01, c, c0 + cStep + 0 * BLOCK, res, rd, lo, hi);
        if (count > 1) {
            store(c10, c, c0 + 1 * BLOCK, res, rd, lo, hi);
            store(c11, c, c0 + cStep + 1 * BLOCK, res, rd, lo, hi);
        }
        if (count > 2) {
            store(c20, c, c0 + 2 * BLOCK, res, rd, lo, hi);
            store(c21, c, c0 + cStep + 2 * BLOCK, res, rd, lo, hi);
        }
        if (count > 3) {
            store(c30, c, c0 + 3 * BLOCK, res, rd, lo, hi);
            store(c31, c, c0 + cStep + 3 * BLOCK, res, rd, lo, hi);
        }
        if (count > 4) {
            store(c40, c, c0 + 4 * BLOCK, res, rd, lo, hi);
            store(c41, c, c0 + cStep + 4 * BLOCK, res, rd, lo, hi);
        }
        if (count > 5) {
            store(c50, c, c0 + 5 * BLOCK, res, rd, lo, hi);
            store(c51, c, c0 + cStep + 5 * BLOCK, res, rd, lo, hi);
        }
        if (count > 6) {
            store(c60, c, c0 + 6 * BLOCK, res, rd, lo, hi);
            store(c61, c, c0 + cStep + 6 * BLOCK, res, rd, lo, hi);
        }
        if (count > 7) {
            store(c70, c, c0 + 7 * BLOCK, res, rd, lo, hi);
            store(c71, c, c0 + cStep + 7 * BLOCK, res, rd, lo, hi);
        }
    }

    /**
     * 4 pixels, pixel r of B at offset {@code o[r]}, by 2 vectors of channels: vector v's row p of A at {@code from<v> + p * 16}; the
     * biases at {@code bias0} and {@code bias0 + biasStep}; pixel r stored at {@code c0 + r * 16} and
     * {@code c0 + cStep + r * 16}, the first {@code count} pixels only, with {@code res} (or null) added at {@code rd} past each.
     */
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
        store(c00, c, c0 + 0 * BLOCK, res, rd, lo, hi);
        store(c01, c, c0 + cStep + 0 * BLOCK, res, rd, lo, hi);
        if (count > 1) {
            store(c10, c, c0 + 1 * BLOCK, res, rd, lo, hi);
            store(c11, c, c0 + cStep + 1 * BLOCK, res, rd, lo, hi);
        }
        if (count > 2) {
            store(c20, c, c0 + 2 * BLOCK, res, rd, lo, hi);
            store(c21, c, c0 + cStep + 2 * BLOCK, res, rd, lo, hi);
        }
        if (count > 3) {
            store(c30, c, c0 + 3 * BLOCK, res, rd, lo, hi);
            store(c31, c, c0 + cStep + 3 * BLOCK, res, rd, lo, hi);
        }
    }

    /**
     * 8 pixels, pixel r of B at offset {@code o[r]}, by 1 vector of channels (a lone block at 512 bits): row p of A at
     * {@code from0 + p * 16}, pixel r stored at {@code c0 + r * 16} (the first {@code count} only), with
     * {@code res} (or null) added at {@code rd} past each.
     */
    private static void tile8x1(
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
        store(c00, c, c0 + 0 * BLOCK, res, rd, lo, hi);
        if (count > 1) {
            store(c10, c, c0 + 1 * BLOCK, res, rd, lo, hi);
        }
        if (count > 2) {
            store(c20, c, c0 + 2 * BLOCK, res, rd, lo, hi);
        }
        if (count > 3) {
            store(c30, c, c0 + 3 * BLOCK, res, rd, lo, hi);
        }
        if (count > 4) {
            store(c40, c, c0 + 4 * BLOCK, res, rd, lo, hi);
        }
        if (count > 5) {
            store(c50, c, c0 + 5 * BLOCK, res, rd, lo, hi);
        }
        if (count > 6) {
            store(c60, c, c0 + 6 * BLOCK, res, rd, lo, hi);
        }
        if (count > 7) {
            store(c70, c, c0 + 7 * BLOCK, res, rd, lo, hi);
        }
    }
}
