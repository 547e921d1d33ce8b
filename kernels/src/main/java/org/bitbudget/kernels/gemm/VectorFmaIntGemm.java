package org.bitbudget.kernels.gemm;

import java.lang.invoke.MethodHandles;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * /**
 * Vector API exact integer GEMM on fp32 FMA, in the shape of a BLIS micro-kernel: W is packed into
 * panels of one or two vectors of channels ({@code data[panel * k * width + p * width + lane]},
 * channels past n zero), and each step of k broadcasts one code of each of four rows of A and FMAs
 * it into a 4 x width tile of accumulators that stays in registers. After every exact block of k
 * (see {@link FmaIntGemm#exactBlock(int, Panels)}) the tile is converted to int32 — exact, since it
 * holds integers below 2^24 — and stored into C, or added to it after the first block; lanes past n
 * are masked, and a last panel with at most one vector of channels left is one vector wide.
 * Leftover rows run as 1 x width tiles. Layers of at most one vector of channels get
 * one-vector panels, so a narrow layer wastes no more than one vector's lanes; their rows go eight at
 * a time (then four), so that the tile still holds eight accumulators.
 *
 * <p>Every tile reads its rows of A through offsets ({@link #multiplyIndirect}; {@link #multiply}
 * passes evenly spaced rows and one segment), a block running over segments with each row's offset
 * moved at every segment boundary, so a convolution's whole k (all its kernel rows) goes through
 * one tile and one flush. Rows go in groups of {@value #ROW_BLOCK} that every panel passes over
 * while they are in the L1 cache. (No nested types: the provider defines this class again as a hidden class per vector width, which would not be their nest host.)
 *
 * <p>Runs at the width {@link VectorWidth} gives its class; {@link FmaIntGemmFamily} uses it from 128
 * bits up.
 */
public final class VectorFmaIntGemm implements FmaIntGemm {
    private static final VectorSpecies<Float> FLOATS =
            VectorSpecies.of(float.class, VectorWidth.of(MethodHandles.lookup()));
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
    private static final int L = FLOATS.length();
    private static final int ROW_BLOCK = 64;
    /** One byte per float lane; null below eight lanes, where no byte shape is that narrow. */
    private static final VectorSpecies<Byte> BYTES =
            L >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * Byte.SIZE)) : null;

    @Override
    public Panels pack(int n, int k, byte[] w, int wOff, int ldw) {
        int width = n <= L ? L : 2 * L;
        // Channel j0's panel starts at j0 * k whatever its width: full panels of `width` channels, and
        // a last panel of one vector when at most one vector of channels is left (48 channels at 16
        // lanes: one two-vector panel and one one-vector panel, not a second two-vector panel whose
        // second vector is all lanes past n, computed and then stored through an empty mask).
        int narrowFrom = narrowFrom(n, width);
        float[] data = new float[narrowFrom < n ? (narrowFrom + L) * k : Math.ceilDiv(n, width) * k * width];
        for (int j = 0; j < n; j++) {
            int panel = j < narrowFrom ? width : L;
            int j0 = j < narrowFrom ? j - j % width : narrowFrom;
            int base = j0 * k + (j - j0);
            for (int p = 0; p < k; p++) {
                data[base + p * panel] = w[wOff + j * ldw + p];
            }
        }
        return new Panels(
                data, n, k, width, FmaIntGemm.maxAbs(n, k, w, wOff, ldw), FmaIntGemm.maxL1(n, k, w, wOff, ldw));
    }

    /**
     * The first channel of the one-vector last panel of panels {@code width} wide, or n when the last
     * panel keeps its width (more than one vector of channels left, or one-vector panels throughout).
     */
    private static int narrowFrom(int n, int width) {
        int last = (n - 1) / width * width;
        return width == 2 * L && n - last <= L ? last : n;
    }

    @Override
    public void multiply(int m, float[] a, int aOff, int lda, int maxAbsA, Panels w, int[] c, int cOff, int ldc) {
        int[] rows = new int[m];
        for (int i = 0; i < m; i++) {
            rows[i] = aOff + i * lda;
        }
        multiplyIndirect(m, a, rows, new int[] {0}, w.k(), maxAbsA, w, c, cOff, ldc);
    }

    @Override
    public void multiplyIndirect(
            int m,
            float[] a,
            int[] rows,
            int[] segments,
            int segment,
            int maxAbsA,
            Panels w,
            int[] c,
            int cOff,
            int ldc) {
        int n = w.n();
        int k = w.k();
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0);
            }
            return;
        }
        if (segments.length * segment != k) {
            throw new IllegalArgumentException(
                    segments.length + " segments of " + segment + " codes for weights of k = " + k);
        }
        int block = FmaIntGemm.exactBlock(maxAbsA, w);
        float[] b = w.data();
        int narrowFrom = narrowFrom(n, w.width());
        for (int i0 = 0; i0 < m; i0 += ROW_BLOCK) {
            int end = Math.min(m, i0 + ROW_BLOCK);
            for (int j0 = 0; j0 < n; j0 += w.width()) {
                int width = j0 < narrowFrom ? w.width() : L;
                int b0 = j0 * k;
                // A null mask is a whole vector: masked stores of a partial mask cost far more than plain ones.
                VectorMask<Integer> m0 = j0 + L <= n ? null : INTS.indexInRange(j0, n);
                VectorMask<Integer> m1 = j0 + 2 * L <= n ? null : INTS.indexInRange(j0 + L, n);
                int i = i0;
                if (width == 2 * L) {
                    for (; i + 4 <= end; i += 4) {
                        tile4x2(segments, segment, block, k, a, rows, i, b, b0, c, cOff + i * ldc + j0, ldc, m0, m1);
                    }
                    for (; i < end; i++) {
                        tile1x2(segments, segment, block, k, a, rows[i], b, b0, c, cOff + i * ldc + j0, m0, m1);
                    }
                } else {
                    for (; i + 8 <= end; i += 8) {
                        tile8x1(segments, segment, block, k, a, rows, i, b, b0, c, cOff + i * ldc + j0, ldc, m0);
                    }
                    for (; i + 4 <= end; i += 4) {
                        tile4x1(segments, segment, block, k, a, rows, i, b, b0, c, cOff + i * ldc + j0, ldc, m0);
                    }
                    for (; i < end; i++) {
                        tile1x1(segments, segment, block, k, a, rows[i], b, b0, c, cOff + i * ldc + j0, m0);
                    }
                }
            }
        }
    }

    /**
     * One vector of codes at a time: L bytes widened to ints (zero- or sign-extended), converted and
     * the zero point subtracted, exact since every value is a small integer; the tail, and every code
     * below eight lanes, one at a time.
     */
    @Override
    public void toFloats(byte[] src, int from, float[] dst, int to, int length, boolean unsigned, int zeroPoint) {
        int i = 0;
        if (BYTES != null) {
            FloatVector zero = FloatVector.broadcast(FLOATS, zeroPoint);
            VectorOperators.Conversion<Byte, Integer> widen =
                    unsigned ? VectorOperators.ZERO_EXTEND_B2I : VectorOperators.B2I;
            for (; i + L <= length; i += L) {
                IntVector codes =
                        (IntVector) ByteVector.fromArray(BYTES, src, from + i).convertShape(widen, INTS, 0);
                ((FloatVector) codes.convert(VectorOperators.I2F, 0)).sub(zero).intoArray(dst, to + i);
            }
        }
        for (; i < length; i++) {
            dst[to + i] = (unsigned ? src[from + i] & 0xFF : src[from + i]) - zeroPoint;
        }
    }

    /** A vector of floats converted at a time, the tail one at a time. */
    @Override
    public void toInts(float[] src, int from, int[] dst, int to, int length) {
        int i = 0;
        for (; i + L <= length; i += L) {
            ((IntVector) FloatVector.fromArray(FLOATS, src, from + i).convertShape(VectorOperators.F2I, INTS, 0))
                    .intoArray(dst, to + i);
        }
        for (; i < length; i++) {
            dst[to + i] = (int) src[from + i];
        }
    }

    /**
     * The tile's exact float sums into C: stored after the first block, added after later ones; lanes
     * outside {@code mask} (null: none) are left alone.
     */
    private static void flush(FloatVector sum, int[] c, int off, boolean first, VectorMask<Integer> mask) {
        IntVector v = (IntVector) sum.convertShape(VectorOperators.F2I, INTS, 0);
        if (mask == null) {
            if (!first) {
                v = v.add(IntVector.fromArray(INTS, c, off));
            }
            v.intoArray(c, off);
            return;
        }
        if (!first) {
            v = v.add(IntVector.fromArray(INTS, c, off, mask));
        }
        v.intoArray(c, off, mask);
    }

    private static void tile4x2(
            int[] segments,
            int segment,
            int block,
            int k,
            float[] a,
            int[] rows,
            int i,
            float[] b,
            int b0,
            int[] c,
            int c0,
            int ldc,
            VectorMask<Integer> m0,
            VectorMask<Integer> m1) {
        for (int from = 0; from < k; from += block) {
            int to = Math.min(k, from + block);
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
            boolean first = from == 0;
            flush(c00, c, c0, first, m0);
            flush(c01, c, c0 + L, first, m1);
            flush(c10, c, c0 + ldc, first, m0);
            flush(c11, c, c0 + ldc + L, first, m1);
            flush(c20, c, c0 + 2 * ldc, first, m0);
            flush(c21, c, c0 + 2 * ldc + L, first, m1);
            flush(c30, c, c0 + 3 * ldc, first, m0);
            flush(c31, c, c0 + 3 * ldc + L, first, m1);
        }
    }

    private static void tile1x2(
            int[] segments,
            int segment,
            int block,
            int k,
            float[] a,
            int row,
            float[] b,
            int b0,
            int[] c,
            int c0,
            VectorMask<Integer> m0,
            VectorMask<Integer> m1) {
        for (int from = 0; from < k; from += block) {
            int to = Math.min(k, from + block);
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
            flush(c00, c, c0, first, m0);
            flush(c01, c, c0 + L, first, m1);
        }
    }

    private static void tile4x1(
            int[] segments,
            int segment,
            int block,
            int k,
            float[] a,
            int[] rows,
            int i,
            float[] b,
            int b0,
            int[] c,
            int c0,
            int ldc,
            VectorMask<Integer> m0) {
        for (int from = 0; from < k; from += block) {
            int to = Math.min(k, from + block);
            FloatVector c0v = FloatVector.zero(FLOATS);
            FloatVector c1v = c0v;
            FloatVector c2v = c0v;
            FloatVector c3v = c0v;
            for (int s = from / segment; s * segment < to; s++) {
                int lo = Math.max(from, s * segment);
                int hi = Math.min(to, (s + 1) * segment);
                int shift = segments[s] - s * segment;
                int r0 = rows[i] + shift;
                int r1 = rows[i + 1] + shift;
                int r2 = rows[i + 2] + shift;
                int r3 = rows[i + 3] + shift;
                for (int p = lo; p < hi; p++) {
                    FloatVector wv = FloatVector.fromArray(FLOATS, b, b0 + p * L);
                    c0v = FloatVector.broadcast(FLOATS, a[r0 + p]).fma(wv, c0v);
                    c1v = FloatVector.broadcast(FLOATS, a[r1 + p]).fma(wv, c1v);
                    c2v = FloatVector.broadcast(FLOATS, a[r2 + p]).fma(wv, c2v);
                    c3v = FloatVector.broadcast(FLOATS, a[r3 + p]).fma(wv, c3v);
                }
            }
            boolean first = from == 0;
            flush(c0v, c, c0, first, m0);
            flush(c1v, c, c0 + ldc, first, m0);
            flush(c2v, c, c0 + 2 * ldc, first, m0);
            flush(c3v, c, c0 + 3 * ldc, first, m0);
        }
    }

    /**
     * Eight rows by one vector: a one-vector panel has too few accumulators in a 4 x 1 tile to hide
     * the FMA's latency, so full groups of eight rows take this tile.
     */
    private static void tile8x1(
            int[] segments,
            int segment,
            int block,
            int k,
            float[] a,
            int[] rows,
            int i,
            float[] b,
            int b0,
            int[] c,
            int c0,
            int ldc,
            VectorMask<Integer> m0) {
        for (int from = 0; from < k; from += block) {
            int to = Math.min(k, from + block);
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
            boolean first = from == 0;
            flush(c0v, c, c0, first, m0);
            flush(c1v, c, c0 + ldc, first, m0);
            flush(c2v, c, c0 + 2 * ldc, first, m0);
            flush(c3v, c, c0 + 3 * ldc, first, m0);
            flush(c4v, c, c0 + 4 * ldc, first, m0);
            flush(c5v, c, c0 + 5 * ldc, first, m0);
            flush(c6v, c, c0 + 6 * ldc, first, m0);
            flush(c7v, c, c0 + 7 * ldc, first, m0);
        }
    }

    private static void tile1x1(
            int[] segments,
            int segment,
            int block,
            int k,
            float[] a,
            int row,
            float[] b,
            int b0,
            int[] c,
            int c0,
            VectorMask<Integer> m0) {
        for (int from = 0; from < k; from += block) {
            int to = Math.min(k, from + block);
            FloatVector cv = FloatVector.zero(FLOATS);
            for (int s = from / segment; s * segment < to; s++) {
                int lo = Math.max(from, s * segment);
                int hi = Math.min(to, (s + 1) * segment);
                int r0 = row + segments[s] - s * segment;
                for (int p = lo; p < hi; p++) {
                    cv = FloatVector.broadcast(FLOATS, a[r0 + p]).fma(FloatVector.fromArray(FLOATS, b, b0 + p * L), cv);
                }
            }
            flush(cv, c, c0, from == 0, m0);
        }
    }
}
