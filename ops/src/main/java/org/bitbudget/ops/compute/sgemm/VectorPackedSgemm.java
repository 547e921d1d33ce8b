package org.bitbudget.ops.compute.sgemm;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * Vector API {@link PackedSgemm}: an outer-product register tile of {@link #MR} rows x 2 vectors of
 * C, whose accumulators start at the rows' biases and stay in registers for the whole of k; at step
 * p it loads two vectors of row p of B and broadcasts the tile's MR values of A, which the packing
 * put side by side, and does 2 x MR fused multiply-adds. With 512-bit vectors (32 registers) the
 * tile has 8 rows, 16 accumulators; narrower vectors get 4 rows, 8 accumulators, what 16 registers
 * hold beside the operands and what hides the FMA latency. C is swept a column panel of 2 vectors
 * at a time, every row panel within it, so that the panel of B comes from memory once and then
 * from cache; the columns past the last full panel are copied into a panel of their own first
 * (see {@link #tail}), the rows past m are the packing's zeros and are not stored. A fused Relu or
 * Clip is the lanewise MAX and MIN (Math.max and Math.min per lane) of the accumulators before
 * they are stored.
 * Each lane is the chain of {@link ScalarPackedSgemm}, so the results are the same bits.
 */
public final class VectorPackedSgemm implements PackedSgemm {
    private static final VectorSpecies<Float> SPECIES =
            VectorSpecies.of(float.class, VectorWidth.of(MethodHandles.lookup()));
    private static final int L = SPECIES.length();
    /** Rows of the register tile. */
    private static final int MR = L >= 16 ? 8 : 4;

    /**
     * Per thread, the work arrays of {@link #tail}: the tail's columns of B, one tile of C, and the
     * row offsets of the copied B. They only grow. (No nested class: the copies of this class for
     * other widths are hidden classes, which would share it with this one.)
     */
    private static final ThreadLocal<float[][]> TAIL = new ThreadLocal<>();

    private static final ThreadLocal<int[]> TAIL_ROWS = new ThreadLocal<>();

    @Override
    public int rowsPerPanel() {
        return MR;
    }

    /**
     * Columns j .. n-1 (fewer than a tile's): their rows of B copied side by side, each tile
     * computed whole into a scratch tile with the same chains (lanes past n take whatever the copy
     * holds there and are dropped) and its valid part copied to C; masked loads and stores would do
     * the same but fall off the compiled path on some CPUs.
     */
    private static void tail(
            PackedWeights a, int n, int j, float[] b, int[] rows, float[] c, int cOff, int ldc, float lo, float hi) {
        int k = a.k();
        int width = n - j;
        float[][] work = TAIL.get();
        if (work == null || work[0].length < k * 2 * L) {
            work = new float[][] {new float[k * 2 * L], new float[MR * 2 * L]};
            TAIL.set(work);
        }
        int[] tr = TAIL_ROWS.get();
        if (tr == null || tr.length < k) {
            tr = new int[k];
            for (int p = 0; p < k; p++) {
                tr[p] = p * 2 * L;
            }
            TAIL_ROWS.set(tr);
        }
        float[] tb = work[0];
        float[] tc = work[1];
        for (int p = 0; p < k; p++) {
            System.arraycopy(b, rows[p] + j, tb, p * 2 * L, width);
        }
        for (int q = 0; q < a.panelCount(); q++) {
            int valid = Math.min(MR, a.m() - q * MR);
            if (MR == 8) {
                tile8x2(a.panels(), q * MR * k, k, a.bias(), q * MR, tb, tr, 0, tc, 0, 2 * L, valid, lo, hi);
            } else {
                tile4x2(a.panels(), q * MR * k, k, a.bias(), q * MR, tb, tr, 0, tc, 0, 2 * L, valid, lo, hi);
            }
            for (int r = 0; r < valid; r++) {
                System.arraycopy(tc, r * 2 * L, c, cOff + (q * MR + r) * ldc + j, width);
            }
        }
    }

    @Override
    public void multiply(
            PackedWeights a, int n, float[] b, int[] rows, float[] c, int cOff, int ldc, float lo, float hi) {
        if (a.rowsPerPanel() != MR) {
            throw new IllegalArgumentException(
                    "A is packed in panels of " + a.rowsPerPanel() + " rows; this kernel needs " + MR);
        }
        int k = a.k();
        int panels = a.panelCount();
        float[] pa = a.panels();
        float[] bias = a.bias();
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            for (int q = 0; q < panels; q++) {
                int valid = Math.min(MR, a.m() - q * MR);
                int c0 = cOff + q * MR * ldc + j;
                if (MR == 8) {
                    tile8x2(pa, q * MR * k, k, bias, q * MR, b, rows, j, c, c0, ldc, valid, lo, hi);
                } else {
                    tile4x2(pa, q * MR * k, k, bias, q * MR, b, rows, j, c, c0, ldc, valid, lo, hi);
                }
            }
        }
        if (j < n) {
            tail(a, n, j, b, rows, c, cOff, ldc, lo, hi);
        }
    }

    private static void tile8x2(
            float[] a,
            int from,
            int k,
            float[] bias,
            int bias0,
            float[] b,
            int[] rows,
            int j,
            float[] c,
            int c0,
            int ldc,
            int valid,
            float lo,
            float hi) {
        FloatVector c00 = FloatVector.broadcast(SPECIES, bias[bias0 + 0]);
        FloatVector c01 = c00;
        FloatVector c10 = FloatVector.broadcast(SPECIES, bias[bias0 + 1]);
        FloatVector c11 = c10;
        FloatVector c20 = FloatVector.broadcast(SPECIES, bias[bias0 + 2]);
        FloatVector c21 = c20;
        FloatVector c30 = FloatVector.broadcast(SPECIES, bias[bias0 + 3]);
        FloatVector c31 = c30;
        FloatVector c40 = FloatVector.broadcast(SPECIES, bias[bias0 + 4]);
        FloatVector c41 = c40;
        FloatVector c50 = FloatVector.broadcast(SPECIES, bias[bias0 + 5]);
        FloatVector c51 = c50;
        FloatVector c60 = FloatVector.broadcast(SPECIES, bias[bias0 + 6]);
        FloatVector c61 = c60;
        FloatVector c70 = FloatVector.broadcast(SPECIES, bias[bias0 + 7]);
        FloatVector c71 = c70;
        for (int p = 0; p < k; p++) {
            int bp = rows[p] + j;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bp);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bp + L);
            int ap = from + p * 8;
            FloatVector a0 = FloatVector.broadcast(SPECIES, a[ap + 0]);
            c00 = a0.lanewise(VectorOperators.FMA, b0, c00);
            c01 = a0.lanewise(VectorOperators.FMA, b1, c01);
            FloatVector a1 = FloatVector.broadcast(SPECIES, a[ap + 1]);
            c10 = a1.lanewise(VectorOperators.FMA, b0, c10);
            c11 = a1.lanewise(VectorOperators.FMA, b1, c11);
            FloatVector a2 = FloatVector.broadcast(SPECIES, a[ap + 2]);
            c20 = a2.lanewise(VectorOperators.FMA, b0, c20);
            c21 = a2.lanewise(VectorOperators.FMA, b1, c21);
            FloatVector a3 = FloatVector.broadcast(SPECIES, a[ap + 3]);
            c30 = a3.lanewise(VectorOperators.FMA, b0, c30);
            c31 = a3.lanewise(VectorOperators.FMA, b1, c31);
            FloatVector a4 = FloatVector.broadcast(SPECIES, a[ap + 4]);
            c40 = a4.lanewise(VectorOperators.FMA, b0, c40);
            c41 = a4.lanewise(VectorOperators.FMA, b1, c41);
            FloatVector a5 = FloatVector.broadcast(SPECIES, a[ap + 5]);
            c50 = a5.lanewise(VectorOperators.FMA, b0, c50);
            c51 = a5.lanewise(VectorOperators.FMA, b1, c51);
            FloatVector a6 = FloatVector.broadcast(SPECIES, a[ap + 6]);
            c60 = a6.lanewise(VectorOperators.FMA, b0, c60);
            c61 = a6.lanewise(VectorOperators.FMA, b1, c61);
            FloatVector a7 = FloatVector.broadcast(SPECIES, a[ap + 7]);
            c70 = a7.lanewise(VectorOperators.FMA, b0, c70);
            c71 = a7.lanewise(VectorOperators.FMA, b1, c71);
        }
        FloatVector low = FloatVector.broadcast(SPECIES, lo);
        FloatVector high = FloatVector.broadcast(SPECIES, hi);
        c00 = c00.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c01 = c01.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c10 = c10.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c11 = c11.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c20 = c20.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c21 = c21.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c30 = c30.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c31 = c31.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c40 = c40.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c41 = c41.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c50 = c50.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c51 = c51.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c60 = c60.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c61 = c61.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c70 = c70.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c71 = c71.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        // Every store runs, the last first: no store under an if (see the package documentation).
        int last = valid - 1;
        c70.intoArray(c, c0 + Math.min(7, last) * ldc);
        c71.intoArray(c, c0 + Math.min(7, last) * ldc + L);
        c60.intoArray(c, c0 + Math.min(6, last) * ldc);
        c61.intoArray(c, c0 + Math.min(6, last) * ldc + L);
        c50.intoArray(c, c0 + Math.min(5, last) * ldc);
        c51.intoArray(c, c0 + Math.min(5, last) * ldc + L);
        c40.intoArray(c, c0 + Math.min(4, last) * ldc);
        c41.intoArray(c, c0 + Math.min(4, last) * ldc + L);
        c30.intoArray(c, c0 + Math.min(3, last) * ldc);
        c31.intoArray(c, c0 + Math.min(3, last) * ldc + L);
        c20.intoArray(c, c0 + Math.min(2, last) * ldc);
        c21.intoArray(c, c0 + Math.min(2, last) * ldc + L);
        c10.intoArray(c, c0 + Math.min(1, last) * ldc);
        c11.intoArray(c, c0 + Math.min(1, last) * ldc + L);
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + L);
    }

    private static void tile4x2(
            float[] a,
            int from,
            int k,
            float[] bias,
            int bias0,
            float[] b,
            int[] rows,
            int j,
            float[] c,
            int c0,
            int ldc,
            int valid,
            float lo,
            float hi) {
        FloatVector c00 = FloatVector.broadcast(SPECIES, bias[bias0 + 0]);
        FloatVector c01 = c00;
        FloatVector c10 = FloatVector.broadcast(SPECIES, bias[bias0 + 1]);
        FloatVector c11 = c10;
        FloatVector c20 = FloatVector.broadcast(SPECIES, bias[bias0 + 2]);
        FloatVector c21 = c20;
        FloatVector c30 = FloatVector.broadcast(SPECIES, bias[bias0 + 3]);
        FloatVector c31 = c30;
        for (int p = 0; p < k; p++) {
            int bp = rows[p] + j;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bp);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bp + L);
            int ap = from + p * 4;
            FloatVector a0 = FloatVector.broadcast(SPECIES, a[ap + 0]);
            c00 = a0.lanewise(VectorOperators.FMA, b0, c00);
            c01 = a0.lanewise(VectorOperators.FMA, b1, c01);
            FloatVector a1 = FloatVector.broadcast(SPECIES, a[ap + 1]);
            c10 = a1.lanewise(VectorOperators.FMA, b0, c10);
            c11 = a1.lanewise(VectorOperators.FMA, b1, c11);
            FloatVector a2 = FloatVector.broadcast(SPECIES, a[ap + 2]);
            c20 = a2.lanewise(VectorOperators.FMA, b0, c20);
            c21 = a2.lanewise(VectorOperators.FMA, b1, c21);
            FloatVector a3 = FloatVector.broadcast(SPECIES, a[ap + 3]);
            c30 = a3.lanewise(VectorOperators.FMA, b0, c30);
            c31 = a3.lanewise(VectorOperators.FMA, b1, c31);
        }
        FloatVector low = FloatVector.broadcast(SPECIES, lo);
        FloatVector high = FloatVector.broadcast(SPECIES, hi);
        c00 = c00.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c01 = c01.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c10 = c10.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c11 = c11.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c20 = c20.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c21 = c21.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c30 = c30.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        c31 = c31.lanewise(VectorOperators.MAX, low).lanewise(VectorOperators.MIN, high);
        // Every store runs, the last first: no store under an if (see the package documentation).
        int last = valid - 1;
        c30.intoArray(c, c0 + Math.min(3, last) * ldc);
        c31.intoArray(c, c0 + Math.min(3, last) * ldc + L);
        c20.intoArray(c, c0 + Math.min(2, last) * ldc);
        c21.intoArray(c, c0 + Math.min(2, last) * ldc + L);
        c10.intoArray(c, c0 + Math.min(1, last) * ldc);
        c11.intoArray(c, c0 + Math.min(1, last) * ldc + L);
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + L);
    }

    @Override
    public int rowsPerColumnPanel() {
        return 2 * L;
    }

    /**
     * Column tiles of {@link #MR} columns (the register budget of {@link #multiply}'s tile, turned
     * round): at step p two vectors of A's panel, the {@code MR} values of row p of B broadcast, 2 x MR
     * fused multiply-adds. The tile goes through a scratch copy to C, whose rows are the vectors'
     * lanes; the columns past n in the last tile repeat its last column and are not stored, and a
     * last tile of at most 4 columns is computed 4 columns wide.
     */
    @Override
    public void multiplyColumns(
            PackedWeights a,
            int n,
            float[] b,
            int[] rows,
            int[] columns,
            float[] c,
            int cOff,
            int ldc,
            float lo,
            float hi) {
        if (a.rowsPerPanel() != 2 * L) {
            throw new IllegalArgumentException(
                    "A is packed in panels of " + a.rowsPerPanel() + " rows; this kernel needs " + 2 * L);
        }
        int k = a.k();
        float[][] work = TAIL.get();
        if (work == null || work[1].length < MR * 2 * L) {
            work = new float[][] {new float[0], new float[MR * 2 * L]};
            TAIL.set(work);
        }
        float[] t = work[1];
        int[] o = new int[MR];
        for (int q = 0; q < a.panelCount(); q++) {
            int valid = Math.min(2 * L, a.m() - q * 2 * L);
            int from = q * 2 * L * k;
            for (int j = 0; j < n; j += MR) {
                int count = Math.min(MR, n - j);
                for (int r = 0; r < MR; r++) {
                    o[r] = columns[j + Math.min(r, count - 1)];
                }
                // A last tile of at most 4 columns (a 7 x 7 plane's 49th pixel) takes the 4-column
                // tile: half the multiply-adds of the 8-column one, the same chain per column.
                if (MR == 8 && count > 4) {
                    columns8(
                            a.panels(),
                            from,
                            k,
                            a.bias(),
                            q * 2 * L,
                            b,
                            rows,
                            o[0],
                            o[1],
                            o[2],
                            o[3],
                            o[4],
                            o[5],
                            o[6],
                            o[7],
                            t,
                            lo,
                            hi);
                } else {
                    columns4(a.panels(), from, k, a.bias(), q * 2 * L, b, rows, o[0], o[1], o[2], o[3], t, lo, hi);
                }
                for (int i = 0; i < valid; i++) {
                    int at = cOff + (q * 2 * L + i) * ldc + j;
                    for (int r = 0; r < count; r++) {
                        c[at + r] = t[r * 2 * L + i];
                    }
                }
            }
        }
    }

    /**
     * One tile of 8 columns by 2 vectors of rows into {@code t} (column r at r * 2L), clamped;
     * column r of B at offset {@code o<r>}.
     */
    private static void columns8(
            float[] a,
            int from,
            int k,
            float[] bias,
            int bias0,
            float[] b,
            int[] rows,
            int o0,
            int o1,
            int o2,
            int o3,
            int o4,
            int o5,
            int o6,
            int o7,
            float[] t,
            float lo,
            float hi) {
        FloatVector first = FloatVector.fromArray(SPECIES, bias, bias0);
        FloatVector second = FloatVector.fromArray(SPECIES, bias, bias0 + L);
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
            int ap = from + p * 2 * L;
            FloatVector a0 = FloatVector.fromArray(SPECIES, a, ap);
            FloatVector a1 = FloatVector.fromArray(SPECIES, a, ap + L);
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
        c00.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 0 * 2 * L);
        c01.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 0 * 2 * L + L);
        c10.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 1 * 2 * L);
        c11.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 1 * 2 * L + L);
        c20.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 2 * 2 * L);
        c21.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 2 * 2 * L + L);
        c30.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 3 * 2 * L);
        c31.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 3 * 2 * L + L);
        c40.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 4 * 2 * L);
        c41.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 4 * 2 * L + L);
        c50.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 5 * 2 * L);
        c51.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 5 * 2 * L + L);
        c60.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 6 * 2 * L);
        c61.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 6 * 2 * L + L);
        c70.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 7 * 2 * L);
        c71.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 7 * 2 * L + L);
    }

    /**
     * One tile of 4 columns by 2 vectors of rows into {@code t} (column r at r * 2L), clamped;
     * column r of B at offset {@code o<r>}.
     */
    private static void columns4(
            float[] a,
            int from,
            int k,
            float[] bias,
            int bias0,
            float[] b,
            int[] rows,
            int o0,
            int o1,
            int o2,
            int o3,
            float[] t,
            float lo,
            float hi) {
        FloatVector first = FloatVector.fromArray(SPECIES, bias, bias0);
        FloatVector second = FloatVector.fromArray(SPECIES, bias, bias0 + L);
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
            int ap = from + p * 2 * L;
            FloatVector a0 = FloatVector.fromArray(SPECIES, a, ap);
            FloatVector a1 = FloatVector.fromArray(SPECIES, a, ap + L);
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
        c00.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 0 * 2 * L);
        c01.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 0 * 2 * L + L);
        c10.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 1 * 2 * L);
        c11.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 1 * 2 * L + L);
        c20.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 2 * 2 * L);
        c21.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 2 * 2 * L + L);
        c30.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 3 * 2 * L);
        c31.lanewise(VectorOperators.MAX, low)
                .lanewise(VectorOperators.MIN, high)
                .intoArray(t, 3 * 2 * L + L);
    }
}
