package org.bitbudget.ops.compute.sgemm;

/**
 * Single-precision matrix product for convolutions: {@code C = bias + A * B}, with A packed ahead of
 * time ({@link PackedWeights}) and each row of B found at its own offset in one array, so that a
 * convolution hands over its (padded) input planes as B without copying them into columns.
 *
 * <p>Every element of C is the chain {@code c = bias[i]; c = fma(a[i][p], b[p][j], c)} for p = 0 ..
 * k-1 in order: the chain of {@link Sgemm} started from the bias, so a C filled with the bias and
 * passed to {@link Sgemm#multiplyAdd} holds the same bits afterwards. Implementations differ only in
 * speed. Obtain one from {@link PackedSgemmFamily#get()}.
 */
public interface PackedSgemm {

    /** The rows per panel this kernel wants A packed in (its register tile's height). */
    int rowsPerPanel();

    /** A (m x k at {@code a[aOff + i * lda + p]}) and its bias (or null for zeros) packed for this kernel. */
    default PackedWeights pack(int m, int k, float[] a, int aOff, int lda, float[] bias, int biasOff) {
        return PackedWeights.pack(rowsPerPanel(), m, k, a, aOff, lda, bias, biasOff);
    }

    /**
     * Overwrites C with bias + A * B.
     *
     * @param a     A packed by {@link #pack} of this kernel (m x k)
     * @param n     columns of B and C
     * @param b     B, element (p, j) at {@code b[rows[p] + j]}
     * @param rows  the offset of each of the k rows of B
     * @param c     C, element (i, j) at {@code c[cOff + i * ldc + j]}; nothing else is written
     */
    default void multiply(PackedWeights a, int n, float[] b, int[] rows, float[] c, int cOff, int ldc) {
        multiply(a, n, b, rows, c, cOff, ldc, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    }

    /**
     * Overwrites C with {@code Math.min(Math.max(bias + A * B, lo), hi)} element by element: a Relu
     * ({@code lo = 0}) or Clip applied to each chain's result before it is stored, the bits of
     * {@link org.bitbudget.ops.compute.Activation} applied afterwards. The infinite bounds leave
     * every value as it is.
     */
    void multiply(PackedWeights a, int n, float[] b, int[] rows, float[] c, int cOff, int ldc, float lo, float hi);

    /**
     * The rows per panel {@link #multiplyColumns} wants A packed in: the width of its register tile
     * along the rows of C, which it holds in vectors.
     */
    int rowsPerColumnPanel();

    /** A and its bias packed for {@link #multiplyColumns}, as {@link #pack} packs them for {@link #multiply}. */
    default PackedWeights packForColumns(int m, int k, float[] a, int aOff, int lda, float[] bias, int biasOff) {
        return PackedWeights.pack(rowsPerColumnPanel(), m, k, a, aOff, lda, bias, biasOff);
    }

    /**
     * {@link #multiply(PackedWeights, int, float[], int[], float[], int, int, float, float)} with B's
     * element (p, j) at {@code b[rows[p] + columns[j]]}: every column at its own offset too, so that
     * a convolution's output pixels read their (strided) input pixels where they are. The same chain
     * per element of C; the kernel holds a few columns by all of a panel's rows in registers, the
     * transpose of {@link #multiply}'s tile, which wastes nothing on a short row of C (a 7 x 7 plane)
     * when m fills the panels.
     *
     * @param a       A packed by {@link #packForColumns} of this kernel (m x k)
     * @param columns the offset of each of the n columns of B
     */
    void multiplyColumns(
            PackedWeights a,
            int n,
            float[] b,
            int[] rows,
            int[] columns,
            float[] c,
            int cOff,
            int ldc,
            float lo,
            float hi);
}
