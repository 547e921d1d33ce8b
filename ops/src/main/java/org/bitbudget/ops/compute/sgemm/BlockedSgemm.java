package org.bitbudget.ops.compute.sgemm;

import org.bitbudget.ops.compute.blocked.ChannelBlocked16;

/**
 * The convolution product of {@link PackedSgemm#multiplyColumns} with C stored in 16-channel blocks
 * ({@link ChannelBlocked16}): {@code C = clamp(bias + A * B)} where B's element (p, j) is at
 * {@code b[rows[p] + columns[j]]} and C's element (i, j) (output channel i, pixel j) at
 * {@code c[cOff + (i / 16) * blockStride + j * 16 + i % 16]}. A pixel's 16 channels are contiguous,
 * so the kernel stores one whole vector (two at 256 bits) per pixel and block instead of scattering
 * floats over planes. The lanes of channels m .. 16 * ceil(m / 16) - 1 get +0.0f.
 *
 * <p>Every element of C is the chain of {@link PackedSgemm}, {@code c = bias[i]; c = fma(a[i][p],
 * b[p][j], c)} for p = 0 .. k-1 in order, then (with a residual r) {@code c = c + r}, then
 * {@code Math.min(Math.max(c, lo), hi)}: the same bits as {@link PackedSgemm#multiplyColumns} on the
 * same operands, followed by the Add and the clamp. Obtain one from
 * {@link BlockedSgemmFamily#get()}.
 */
public interface BlockedSgemm {

    /** A (m x k at {@code a[aOff + i * lda + p]}) and its bias (or null) packed in panels of one block of rows. */
    default PackedWeights pack(int m, int k, float[] a, int aOff, int lda, float[] bias, int biasOff) {
        return PackedWeights.pack(ChannelBlocked16.BLOCK, m, k, a, aOff, lda, bias, biasOff);
    }

    /**
     * Overwrites the n pixels of C's ceil(m / 16) blocks with the clamped product, or with the clamped
     * sum of the product and the residual.
     *
     * @param a           A packed by {@link #pack} (m x k)
     * @param n           pixels: columns of B and C
     * @param b           B, element (p, j) at {@code b[rows[p] + columns[j]]}
     * @param rows        the offset of each of the k rows of B
     * @param columns     the offset of each of the n columns of B
     * @param c           C, element (i, j) at {@code c[cOff + (i / 16) * blockStride + j * 16 + i % 16]}
     * @param blockStride floats from one block of C to the next, at least {@code 16 * n}
     * @param residual    null, or a residual added to each chain's result before the clamp (the sum
     *                    of a fused Add node), laid out as C from {@code residualOff}
     * @param lo          the clamp's lower bound (a Relu's 0, or negative infinity for none)
     * @param hi          the clamp's upper bound
     */
    void multiply(
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
            float hi);

    /** Writes +0.0f to the lanes of channels m and up of C's last block, when m is not a whole number of blocks. */
    static void zeroPaddedLanes(int m, int n, float[] c, int cOff, int blockStride) {
        int valid = m % ChannelBlocked16.BLOCK;
        if (valid == 0) {
            return;
        }
        int base = cOff + (m / ChannelBlocked16.BLOCK) * blockStride;
        for (int j = 0; j < n; j++) {
            int at = base + j * ChannelBlocked16.BLOCK;
            java.util.Arrays.fill(c, at + valid, at + ChannelBlocked16.BLOCK, 0f);
        }
    }
}
