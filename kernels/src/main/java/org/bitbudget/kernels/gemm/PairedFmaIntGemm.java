package org.bitbudget.kernels.gemm;

import java.util.Arrays;

/**
 * Exact integer matrix multiplication on fp32 FMA with two output channels per float lane, for narrow
 * codes: {@code C[i][j] = sum_p A[i][p] * W[j][p]} as {@link FmaIntGemm} computes it, with half the
 * multiply-adds. The weight panel's lane holds {@code W[j][p] + 2^12 * W[j + h][p]} (packed once per
 * layer), so one chain of FMAs over a block of k sums {@code S = s_j + 2^12 * s_(j+h)}. Every partial
 * sum of a block is an integer of magnitude at most {@code B + 2^12 * B}, where B bounds |A| times the
 * L1 norm of any channel's codes over the block; while {@code B <= }{@value #HALF_LIMIT} that is below
 * 2^24, so the chain is exact, and {@code s_j} lies in [-2^11, 2^11), so both halves come back exactly
 * from the int S: {@code hi = (S + 2^11) >> 12}, {@code lo = S - (hi << 12)}. Blocks are chosen at
 * pack time from the real per-channel L1 norms of each block ({@link #blockEnds}) for the largest |A|
 * the layer's input format allows, and every block's halves are flushed into int32.
 *
 * <p>W2A2 (|a| at most 3, |w| at most 2) gives blocks of at least 341 terms, usually all of a layer's
 * k; int8 codes cannot be paired (one product may already pass the bound) and {@link #pack} refuses
 * them. The results equal the int32 reference ({@link ScalarPairedFmaIntGemm}) bit for bit. A is
 * given as for {@link FmaIntGemm}; obtain an implementation from {@link PairedFmaIntGemmFamily#get()}.
 *
 * <p>The same bound pairs two rows of A instead ({@link #packRowPairs}, {@link #multiplyRowPairsIndirect}):
 * a row of A holding {@code a + 2^12 * a'} (two images' codes at the same window position) times
 * unpaired weights sums {@code S = s + 2^12 * s'}, split the same way into two rows of C. This halves
 * the multiply-adds of a layer of any width, where channel pairing fills only half a vector's lanes
 * of pairs for a layer of at most one vector of channels.
 */
public interface PairedFmaIntGemm {

    /** The weight of the second channel of a lane: 2^{@value #SHIFT}. */
    int SHIFT = 12;

    /** The largest |sum| of one channel over one block that the pairing recovers exactly: 2^11 - 1. */
    int HALF_LIMIT = (1 << (SHIFT - 1)) - 1;

    /**
     * Weight codes packed two channels per lane for one implementation.
     *
     * @param data    the panels, layout private to the implementation that packed them
     * @param n       output channels
     * @param k       codes per channel
     * @param width   lanes per panel (each lane two channels; the implementation's choice)
     * @param maxAbsA the largest |A| the blocks were cut for
     * @param ends    the exclusive end of each exact block of k, ascending, the last k
     * @param channelPairs whether a lane holds two channels ({@link #pack}) or one ({@link #packRowPairs})
     */
    record Panels(float[] data, int n, int k, int width, int maxAbsA, int[] ends, boolean channelPairs) {}

    /**
     * Packs n x k int8 weight codes, channel j's row at {@code w[wOff + j * ldw]}, for inputs of
     * magnitude at most {@code maxAbsA}.
     *
     * @throws IllegalArgumentException if one product can pass {@link #HALF_LIMIT}
     */
    Panels pack(int n, int k, byte[] w, int wOff, int ldw, int maxAbsA);

    /**
     * Multiplies m rows of A, whose codes have magnitude at most {@code w.maxAbsA()}, by the packed W,
     * into C (element (i, j) at {@code c[cOff + i * ldc + j]}): {@link #multiplyIndirect} with one
     * segment of all of k per row.
     */
    default void multiply(int m, float[] a, int aOff, int lda, Panels w, int[] c, int cOff, int ldc) {
        int[] rows = new int[m];
        for (int i = 0; i < m; i++) {
            rows[i] = aOff + i * lda;
        }
        multiplyIndirect(m, a, rows, new int[] {0}, w.k(), w, c, cOff, ldc);
    }

    /** As {@link #multiply}, with A given by row and segment offsets as {@link FmaIntGemm#multiplyIndirect}. */
    void multiplyIndirect(
            int m, float[] a, int[] rows, int[] segments, int segment, Panels w, int[] c, int cOff, int ldc);

    /**
     * Packs n x k int8 weight codes, channel j's row at {@code w[wOff + j * ldw]}, one channel per lane,
     * for rows of A that pair two rows of codes of magnitude at most {@code maxAbsA}
     * ({@link #multiplyRowPairsIndirect}); the blocks are those of {@link #pack}.
     *
     * @throws IllegalArgumentException if one product can pass {@link #HALF_LIMIT}
     */
    Panels packRowPairs(int n, int k, byte[] w, int wOff, int ldw, int maxAbsA);

    /**
     * Multiplies m rows of A, read through row and segment offsets as {@link FmaIntGemm#multiplyIndirect},
     * each holding {@code x + 2^12 * y} for two rows of codes x and y of magnitude at most
     * {@code w.maxAbsA()}, by W packed by {@link #packRowPairs}: x's sums go to row i of C (at
     * {@code c[cOff + i * ldc + j]}), y's to {@code c[cOff + hiOff + i * ldc + j]}.
     */
    void multiplyRowPairsIndirect(
            int m, float[] a, int[] rows, int[] segments, int segment, Panels w, int[] c, int cOff, int ldc, int hiOff);

    /**
     * {@code a[to + x] += 2^12 * hi[from + x]} for {@code x < length}: two rows of codes into one row
     * of pairs for {@link #multiplyRowPairsIndirect}; exact, every value an integer far below 2^24.
     */
    void pairRows(float[] a, int to, float[] hi, int from, int length);

    /**
     * Splits {@code length} exact sums of row pairs {@code S = x + 2^12 y} (integers as floats, each
     * half in [-2^11, 2^11)) from {@code s[from]}: {@code hi = (S + 2^11) >> 12} to
     * {@code c[to + hiOff + i]}, {@code lo = S - (hi << 12)} to {@code c[to + i]}; the epilogue of a
     * kernel that summed paired rows in floats of its own.
     */
    void splitRows(float[] s, int from, int[] c, int to, int hiOff, int length);

    /**
     * The exclusive ends of the longest blocks, cut greedily from the start of k, in which no channel's
     * L1 norm times {@code maxAbsA} passes {@link #HALF_LIMIT}: the pairing's blocks for these codes.
     *
     * @throws IllegalArgumentException if a single product can pass {@link #HALF_LIMIT}
     */
    static int[] blockEnds(int n, int k, byte[] w, int wOff, int ldw, int maxAbsA) {
        if (k == 0) {
            return new int[0];
        }
        long limit = maxAbsA == 0 ? Long.MAX_VALUE : HALF_LIMIT / maxAbsA;
        long[] l1 = new long[n];
        int[] ends = new int[k];
        int blocks = 0;
        for (int p = 0; p < k; p++) {
            boolean over = false;
            for (int j = 0; j < n; j++) {
                int code = Math.abs(w[wOff + j * ldw + p]);
                if (code > limit) {
                    throw new IllegalArgumentException(
                            "a weight code of " + code + " times inputs up to " + maxAbsA + " passes " + HALF_LIMIT);
                }
                over |= l1[j] + code > limit;
            }
            if (over) {
                ends[blocks++] = p;
                Arrays.fill(l1, 0);
            }
            for (int j = 0; j < n; j++) {
                l1[j] += Math.abs(w[wOff + j * ldw + p]);
            }
        }
        ends[blocks++] = k;
        return Arrays.copyOf(ends, blocks);
    }
}
