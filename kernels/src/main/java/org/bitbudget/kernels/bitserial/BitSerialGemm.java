package org.bitbudget.kernels.bitserial;

/**
 * Integer matrix product of two bit-plane operands: {@code C[r][ch] = dot(A row r, W row ch)} for
 * every row r of A (an activation vector) and every row ch of W (an output channel's weights), with
 * int32 results. Both operands must have the same k; any {@link Encoding} and width on either side.
 *
 * <p>Every implementation returns the exact integer dot product of the unpacked values, so all of
 * them agree bit for bit; only their speed differs. Obtain one from {@link BitSerialFamily#get()}.
 */
@FunctionalInterface
public interface BitSerialGemm {

    /**
     * @param a A, {@code a.rows()} vectors
     * @param w W, {@code w.rows()} vectors of the same length as A's
     * @param c C, element (r, ch) written (not accumulated) at {@code c[cOff + r * ldc + ch]}; other
     *          elements are left alone
     * @throws IllegalArgumentException if the lengths differ, C is too small, or a dot product could
     *                                  overflow int32 (k x max|a| x max|w| > 2^31 - 1)
     */
    void multiply(BitPlanes a, BitPlanes w, int[] c, int cOff, int ldc);

    /**
     * Output channels per vector (1 for the scalar twin): a layer with fewer channels runs entirely
     * on the vector kernel's scalar remainder loop.
     */
    default int channelsPerVector() {
        return 1;
    }
}
