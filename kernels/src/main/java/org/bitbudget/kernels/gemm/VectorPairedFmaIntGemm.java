package org.bitbudget.kernels.gemm;

import java.lang.invoke.MethodHandles;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * Vector API exact integer GEMM on fp32 FMA with two output channels per lane, in the shape of
 * {@link VectorFmaIntGemm}: W is packed into panels of one or two vectors of lanes
 * ({@code data[panel * k * width + p * width + lane]}), lane l of a panel starting at channel j0
 * holding channel j0 + l plus 2^12 times channel j0 + width + l (channels past n zero), so a panel
 * covers twice its width in channels. Each step of k broadcasts one code of each row of A and FMAs it
 * into a tile of accumulators in registers (4 rows x 2 vectors, or 8 rows x 1 vector for layers of at
 * most two vectors of channels, so a narrow layer wastes no more than one vector's lanes). After every
 * block of the panels' {@link PairedFmaIntGemm.Panels#ends} the tile is converted to int32 and split
 * into its two channels' sums ({@link PairedFmaIntGemm}), each stored into C or added to it after the
 * first block, lanes past n masked. Rows go in groups of {@value #ROW_BLOCK} that every panel passes
 * over while they are in the L1 cache; leftover rows run as one-row tiles. Row pairs
 * ({@link #packRowPairs}) run the same tiles over panels of one channel per lane (a panel covers its
 * width in channels, one vector for a layer of at most one vector of channels), each split's high
 * half going to the paired row of C instead of the panel's high channels. (No nested types: the
 * provider defines this class again as a hidden class per vector width.)
 *
 * <p>Runs at the width {@link VectorWidth} gives its class; {@link PairedFmaIntGemmFamily} uses it from
 * 128 bits up.
 */
public final class VectorPairedFmaIntGemm implements PairedFmaIntGemm {
    private static final VectorSpecies<Float> FLOATS =
            VectorSpecies.of(float.class, VectorWidth.of(MethodHandles.lookup()));
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
    private static final int L = FLOATS.length();
    private static final int ROW_BLOCK = 64;
    /**
     * Floats of a tile's eight accumulators, spilled at the end of each block so that one flush in a
     * loop serves them all: eight flushes in a row pass C2's node budget, and the ones left out of
     * line box their vector argument.
     */
    private static final int SPILL = 8 * L;

    private static final int HALF = 1 << (SHIFT - 1);
    /** The mask of a vector of channels wholly past n: nothing to store. */
    private static final VectorMask<Integer> NONE = INTS.maskAll(false);

    @Override
    public Panels pack(int n, int k, byte[] w, int wOff, int ldw, int maxAbsA) {
        int[] ends = PairedFmaIntGemm.blockEnds(n, k, w, wOff, ldw, maxAbsA);
        int width = n <= 2 * L ? L : 2 * L;
        int panels = Math.ceilDiv(n, 2 * width);
        float[] data = new float[panels * k * width];
        for (int j = 0; j < n; j++) {
            int panel = j / (2 * width);
            int lane = j % (2 * width);
            int weight = lane < width ? 1 : 1 << SHIFT;
            int base = panel * k * width + lane % width;
            for (int p = 0; p < k; p++) {
                data[base + p * width] += weight * w[wOff + j * ldw + p];
            }
        }
        return new Panels(data, n, k, width, maxAbsA, ends, true);
    }

    @Override
    public void multiplyIndirect(
            int m, float[] a, int[] rows, int[] segments, int segment, Panels w, int[] c, int cOff, int ldc) {
        if (!w.channelPairs()) {
            throw new IllegalArgumentException("weights packed for row pairs");
        }
        run(m, a, rows, segments, segment, w, c, cOff, ldc, w.width());
    }

    @Override
    public Panels packRowPairs(int n, int k, byte[] w, int wOff, int ldw, int maxAbsA) {
        int[] ends = PairedFmaIntGemm.blockEnds(n, k, w, wOff, ldw, maxAbsA);
        int width = n <= L ? L : 2 * L;
        int panels = Math.ceilDiv(n, width);
        float[] data = new float[panels * k * width];
        for (int j = 0; j < n; j++) {
            int base = (j / width) * k * width + j % width;
            for (int p = 0; p < k; p++) {
                data[base + p * width] = w[wOff + j * ldw + p];
            }
        }
        return new Panels(data, n, k, width, maxAbsA, ends, false);
    }

    @Override
    public void multiplyRowPairsIndirect(
            int m,
            float[] a,
            int[] rows,
            int[] segments,
            int segment,
            Panels w,
            int[] c,
            int cOff,
            int ldc,
            int hiOff) {
        if (w.channelPairs()) {
            throw new IllegalArgumentException("weights packed for channel pairs");
        }
        run(m, a, rows, segments, segment, w, c, cOff, ldc, hiOff);
    }

    @Override
    public void pairRows(float[] a, int to, float[] hi, int from, int length) {
        FloatVector weight = FloatVector.broadcast(FLOATS, 1 << SHIFT);
        int x = 0;
        for (; x <= length - L; x += L) {
            FloatVector.fromArray(FLOATS, hi, from + x)
                    .fma(weight, FloatVector.fromArray(FLOATS, a, to + x))
                    .intoArray(a, to + x);
        }
        // The tail as the scalar twin computes it: the same exact float sum.
        for (; x < length; x++) {
            a[to + x] += (1 << SHIFT) * hi[from + x];
        }
    }

    /** A vector of sums split at a time, the tail as the scalar twin splits it. */
    @Override
    public void splitRows(float[] s, int from, int[] c, int to, int hiOff, int length) {
        int i = 0;
        for (; i <= length - L; i += L) {
            IntVector sum =
                    (IntVector) FloatVector.fromArray(FLOATS, s, from + i).convertShape(VectorOperators.F2I, INTS, 0);
            IntVector hi = sum.add(HALF).lanewise(VectorOperators.ASHR, SHIFT);
            hi.intoArray(c, to + hiOff + i);
            sum.sub(hi.lanewise(VectorOperators.LSHL, SHIFT)).intoArray(c, to + i);
        }
        for (; i < length; i++) {
            int sum = (int) s[from + i];
            int hi = (sum + HALF) >> SHIFT;
            c[to + hiOff + i] = hi;
            c[to + i] = sum - (hi << SHIFT);
        }
    }

    /**
     * Both pairings: a panel covers twice its width in channels, the high halves {@code hiOff} = width
     * columns on, or its width, the high halves {@code hiOff} further in C (another row).
     */
    private static void run(
            int m,
            float[] a,
            int[] rows,
            int[] segments,
            int segment,
            Panels w,
            int[] c,
            int cOff,
            int ldc,
            int hiOff) {
        int n = w.n();
        int k = w.k();
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0);
                if (!w.channelPairs()) {
                    Arrays.fill(c, cOff + hiOff + i * ldc, cOff + hiOff + i * ldc + n, 0);
                }
            }
            return;
        }
        if (segments.length * segment != k) {
            throw new IllegalArgumentException(
                    segments.length + " segments of " + segment + " codes for weights of k = " + k);
        }
        int width = w.width();
        int[] ends = w.ends();
        float[] b = w.data();
        int step = w.channelPairs() ? 2 * width : width;
        float[] spill = new float[SPILL];
        for (int i0 = 0; i0 < m; i0 += ROW_BLOCK) {
            int end = Math.min(m, i0 + ROW_BLOCK);
            for (int j0 = 0; j0 < n; j0 += step) {
                int b0 = (j0 / step) * k * width;
                int i = i0;
                VectorMask<Integer>[] lo = masks(j0, n, width / L);
                VectorMask<Integer>[] hi = w.channelPairs() ? masks(j0 + width, n, width / L) : lo;
                if (width == 2 * L) {
                    for (; i + 4 <= end; i += 4) {
                        tile4x2(
                                segments,
                                segment,
                                ends,
                                a,
                                rows,
                                i,
                                b,
                                b0,
                                c,
                                cOff + i * ldc + j0,
                                ldc,
                                hiOff,
                                lo,
                                hi,
                                spill);
                    }
                    for (; i < end; i++) {
                        tile1x2(segments, segment, ends, a, rows[i], b, b0, c, cOff + i * ldc + j0, hiOff, lo, hi);
                    }
                } else {
                    for (; i + 8 <= end; i += 8) {
                        tile8x1(
                                segments,
                                segment,
                                ends,
                                a,
                                rows,
                                i,
                                b,
                                b0,
                                c,
                                cOff + i * ldc + j0,
                                ldc,
                                hiOff,
                                lo,
                                hi,
                                spill);
                    }
                    for (; i < end; i++) {
                        tile1x1(segments, segment, ends, a, rows[i], b, b0, c, cOff + i * ldc + j0, hiOff, lo, hi);
                    }
                }
            }
        }
    }

    /**
     * Per vector of channels from j0 (the panel's low channels, then its high ones), the lanes within
     * n: null for a whole vector (masked stores of a partial mask cost far more than plain ones),
     * {@link #NONE} for a vector wholly past n.
     */
    @SuppressWarnings("unchecked") // an array of a generic type, filled with masks of ints only
    private static VectorMask<Integer>[] masks(int j0, int n, int vectors) {
        VectorMask<Integer>[] masks = new VectorMask[vectors];
        for (int q = 0; q < vectors; q++) {
            int start = j0 + q * L;
            masks[q] = start + L <= n ? null : start >= n ? NONE : INTS.indexInRange(start, n);
        }
        return masks;
    }

    /**
     * A block's exact float sums of channel pairs into C: the int S split into {@code hi = (S + 2^11)
     * >> 12} (stored {@code hiOff} after {@code off}) and {@code lo = S - (hi << 12)} (at {@code off}),
     * each stored after the first block and added after later ones, within its mask.
     */
    private static void flush(
            FloatVector sum,
            int[] c,
            int off,
            int hiOff,
            boolean first,
            VectorMask<Integer> loMask,
            VectorMask<Integer> hiMask) {
        IntVector s = (IntVector) sum.convertShape(VectorOperators.F2I, INTS, 0);
        IntVector hi = s.add(HALF).lanewise(VectorOperators.ASHR, SHIFT);
        IntVector lo = s.sub(hi.lanewise(VectorOperators.LSHL, SHIFT));
        store(lo, c, off, first, loMask);
        store(hi, c, off + hiOff, first, hiMask);
    }

    private static void store(IntVector v, int[] c, int off, boolean first, VectorMask<Integer> mask) {
        if (mask == null) {
            (first ? v : v.add(IntVector.fromArray(INTS, c, off))).intoArray(c, off);
        } else if (mask != NONE) {
            (first ? v : v.add(IntVector.fromArray(INTS, c, off, mask))).intoArray(c, off, mask);
        }
    }

    private static void tile4x2(
            int[] segments,
            int segment,
            int[] ends,
            float[] a,
            int[] rows,
            int i,
            float[] b,
            int b0,
            int[] c,
            int c0,
            int ldc,
            int hiOff,
            VectorMask<Integer>[] loMasks,
            VectorMask<Integer>[] hiMasks,
            float[] spill) {
        int from = 0;
        for (int to : ends) {
            FloatVector c00 = FloatVector.zero(FLOATS);
            FloatVector c01 = c00;
            FloatVector c10 = c00;
            FloatVector c11 = c00;
            FloatVector c20 = c00;
            FloatVector c21 = c00;
            FloatVector c30 = c00;
            FloatVector c31 = c00;
            for (int s = from / segment; s * segment < to; s++) {
                int lo = Math.max(from, s * segment);
                int hi = Math.min(to, (s + 1) * segment);
                int shift = segments[s] - s * segment;
                int r0 = rows[i] + shift;
                int r1 = rows[i + 1] + shift;
                int r2 = rows[i + 2] + shift;
                int r3 = rows[i + 3] + shift;
                for (int p = lo; p < hi; p++) {
                    int bp = b0 + p * 2 * L;
                    FloatVector w0 = FloatVector.fromArray(FLOATS, b, bp);
                    FloatVector w1 = FloatVector.fromArray(FLOATS, b, bp + L);
                    FloatVector x0 = FloatVector.broadcast(FLOATS, a[r0 + p]);
                    c00 = x0.fma(w0, c00);
                    c01 = x0.fma(w1, c01);
                    FloatVector x1 = FloatVector.broadcast(FLOATS, a[r1 + p]);
                    c10 = x1.fma(w0, c10);
                    c11 = x1.fma(w1, c11);
                    FloatVector x2 = FloatVector.broadcast(FLOATS, a[r2 + p]);
                    c20 = x2.fma(w0, c20);
                    c21 = x2.fma(w1, c21);
                    FloatVector x3 = FloatVector.broadcast(FLOATS, a[r3 + p]);
                    c30 = x3.fma(w0, c30);
                    c31 = x3.fma(w1, c31);
                }
            }
            c00.intoArray(spill, 0);
            c01.intoArray(spill, L);
            c10.intoArray(spill, 2 * L);
            c11.intoArray(spill, 3 * L);
            c20.intoArray(spill, 4 * L);
            c21.intoArray(spill, 5 * L);
            c30.intoArray(spill, 6 * L);
            c31.intoArray(spill, 7 * L);
            for (int v = 0; v < 8; v++) {
                int q = v & 1;
                flush(
                        FloatVector.fromArray(FLOATS, spill, v * L),
                        c,
                        c0 + (v >> 1) * ldc + q * L,
                        hiOff,
                        from == 0,
                        loMasks[q],
                        hiMasks[q]);
            }
            from = to;
        }
    }

    private static void tile1x2(
            int[] segments,
            int segment,
            int[] ends,
            float[] a,
            int row,
            float[] b,
            int b0,
            int[] c,
            int c0,
            int hiOff,
            VectorMask<Integer>[] loMasks,
            VectorMask<Integer>[] hiMasks) {
        int from = 0;
        for (int to : ends) {
            FloatVector c00 = FloatVector.zero(FLOATS);
            FloatVector c01 = c00;
            for (int s = from / segment; s * segment < to; s++) {
                int lo = Math.max(from, s * segment);
                int hi = Math.min(to, (s + 1) * segment);
                int r0 = row + segments[s] - s * segment;
                for (int p = lo; p < hi; p++) {
                    int bp = b0 + p * 2 * L;
                    FloatVector x0 = FloatVector.broadcast(FLOATS, a[r0 + p]);
                    c00 = x0.fma(FloatVector.fromArray(FLOATS, b, bp), c00);
                    c01 = x0.fma(FloatVector.fromArray(FLOATS, b, bp + L), c01);
                }
            }
            boolean first = from == 0;
            flush(c00, c, c0, hiOff, first, loMasks[0], hiMasks[0]);
            flush(c01, c, c0 + L, hiOff, first, loMasks[1], hiMasks[1]);
            from = to;
        }
    }

    /**
     * Eight rows by one vector: a one-vector panel has too few accumulators in a 4 x 1 tile to hide
     * the FMA's latency, so full groups of eight rows take this tile.
     */
    private static void tile8x1(
            int[] segments,
            int segment,
            int[] ends,
            float[] a,
            int[] rows,
            int i,
            float[] b,
            int b0,
            int[] c,
            int c0,
            int ldc,
            int hiOff,
            VectorMask<Integer>[] loMasks,
            VectorMask<Integer>[] hiMasks,
            float[] spill) {
        int from = 0;
        for (int to : ends) {
            FloatVector c0v = FloatVector.zero(FLOATS);
            FloatVector c1v = c0v;
            FloatVector c2v = c0v;
            FloatVector c3v = c0v;
            FloatVector c4v = c0v;
            FloatVector c5v = c0v;
            FloatVector c6v = c0v;
            FloatVector c7v = c0v;
            for (int s = from / segment; s * segment < to; s++) {
                int lo = Math.max(from, s * segment);
                int hi = Math.min(to, (s + 1) * segment);
                int shift = segments[s] - s * segment;
                int r0 = rows[i] + shift;
                int r1 = rows[i + 1] + shift;
                int r2 = rows[i + 2] + shift;
                int r3 = rows[i + 3] + shift;
                int r4 = rows[i + 4] + shift;
                int r5 = rows[i + 5] + shift;
                int r6 = rows[i + 6] + shift;
                int r7 = rows[i + 7] + shift;
                for (int p = lo; p < hi; p++) {
                    FloatVector wv = FloatVector.fromArray(FLOATS, b, b0 + p * L);
                    c0v = FloatVector.broadcast(FLOATS, a[r0 + p]).fma(wv, c0v);
                    c1v = FloatVector.broadcast(FLOATS, a[r1 + p]).fma(wv, c1v);
                    c2v = FloatVector.broadcast(FLOATS, a[r2 + p]).fma(wv, c2v);
                    c3v = FloatVector.broadcast(FLOATS, a[r3 + p]).fma(wv, c3v);
                    c4v = FloatVector.broadcast(FLOATS, a[r4 + p]).fma(wv, c4v);
                    c5v = FloatVector.broadcast(FLOATS, a[r5 + p]).fma(wv, c5v);
                    c6v = FloatVector.broadcast(FLOATS, a[r6 + p]).fma(wv, c6v);
                    c7v = FloatVector.broadcast(FLOATS, a[r7 + p]).fma(wv, c7v);
                }
            }
            c0v.intoArray(spill, 0);
            c1v.intoArray(spill, L);
            c2v.intoArray(spill, 2 * L);
            c3v.intoArray(spill, 3 * L);
            c4v.intoArray(spill, 4 * L);
            c5v.intoArray(spill, 5 * L);
            c6v.intoArray(spill, 6 * L);
            c7v.intoArray(spill, 7 * L);
            for (int v = 0; v < 8; v++) {
                flush(
                        FloatVector.fromArray(FLOATS, spill, v * L),
                        c,
                        c0 + v * ldc,
                        hiOff,
                        from == 0,
                        loMasks[0],
                        hiMasks[0]);
            }
            from = to;
        }
    }

    private static void tile1x1(
            int[] segments,
            int segment,
            int[] ends,
            float[] a,
            int row,
            float[] b,
            int b0,
            int[] c,
            int c0,
            int hiOff,
            VectorMask<Integer>[] loMasks,
            VectorMask<Integer>[] hiMasks) {
        int from = 0;
        for (int to : ends) {
            FloatVector cv = FloatVector.zero(FLOATS);
            for (int s = from / segment; s * segment < to; s++) {
                int lo = Math.max(from, s * segment);
                int hi = Math.min(to, (s + 1) * segment);
                int r0 = row + segments[s] - s * segment;
                for (int p = lo; p < hi; p++) {
                    cv = FloatVector.broadcast(FLOATS, a[r0 + p]).fma(FloatVector.fromArray(FLOATS, b, b0 + p * L), cv);
                }
            }
            flush(cv, c, c0, hiOff, from == 0, loMasks[0], hiMasks[0]);
            from = to;
        }
    }
}
