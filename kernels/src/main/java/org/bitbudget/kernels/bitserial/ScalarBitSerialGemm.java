package org.bitbudget.kernels.bitserial;

/**
 * The scalar twin of {@link VectorBitSerialGemm}: one dot product at a time, {@link Long#bitCount}
 * of ANDed (or, for two binary operands, XORed) words summed per plane pair, each pair's count
 * shifted by its weight. The reference every faster kernel must equal exactly.
 */
public final class ScalarBitSerialGemm implements BitSerialGemm {
    @Override
    public void multiply(BitPlanes a, BitPlanes w, int[] c, int cOff, int ldc) {
        PlaneProducts products = PlaneProducts.of(a, w, c, cOff, ldc);
        multiplyChannels(products, a, w, 0, c, cOff, ldc);
    }

    /**
     * Computes the columns {@code from .. w.rows() - 1} of C; the vector kernel hands its leftover
     * channels, fewer than one vector, to this.
     */
    static void multiplyChannels(
            PlaneProducts products, BitPlanes a, BitPlanes w, int from, int[] c, int cOff, int ldc) {
        long[] ap = a.planes();
        long[] wp = w.planes();
        int m = a.rows();
        int n = w.rows();
        int aBits = a.bits();
        int wBits = w.bits();
        int words = a.words();
        int aStride = aBits * m;
        int wStride = wBits * n;
        boolean xor = products.xor();
        for (int r = 0; r < m; r++) {
            for (int ch = from; ch < n; ch++) {
                long total = 0;
                for (int i = 0; i < aBits; i++) {
                    for (int j = 0; j < wBits; j++) {
                        int aIndex = i * m + r;
                        int wIndex = j * n + ch;
                        long count = 0;
                        for (int x = 0; x < words; x++) {
                            long av = ap[aIndex + x * aStride];
                            long wv = wp[wIndex + x * wStride];
                            count += Long.bitCount(xor ? av ^ wv : av & wv);
                        }
                        int pair = i * wBits + j;
                        long weighted = count << products.shift(pair);
                        total = products.negative(pair) ? total - weighted : total + weighted;
                    }
                }
                c[cOff + r * ldc + ch] = products.dot(total, r, ch);
            }
        }
    }
}
