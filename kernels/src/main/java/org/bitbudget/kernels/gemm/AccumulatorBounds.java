package org.bitbudget.kernels.gemm;

/**
 * Accumulator widths that provably hold a dot product of int8 weights with activations of magnitude
 * at most {@code maxAbsA}, per output channel (DESIGN.md, accumulator-aware quantization):
 * <ul>
 *   <li>data-type bound: the sum's magnitude is at most {@code P = k * max|w| * max|a|};</li>
 *   <li>L1-norm bound: at most {@code P = ||w||_1 * max|a|}, never more than the data-type bound and
 *       reached exactly when every activation is +-max|a| with the sign of its weight.</li>
 * </ul>
 * Both give {@code bits(P)}, the fewest two's-complement bits whose range holds both -P and +P.
 * DESIGN.md writes this as {@code ceil(log2(P)) + 1}; that is the same number except when P is a power
 * of two, where +P needs one bit more (k = 2, w = a = -128 sums to 32768, which int16 cannot hold), so
 * this class uses {@code ceil(log2(P + 1)) + 1}, which is safe for every P.
 */
public final class AccumulatorBounds {

    private AccumulatorBounds() {}

    /** Both bounds for each of the n channels of W (element (j, p) at {@code w[wOff + j * ldw + p]}). */
    public record ChannelBounds(int[] dataTypeBits, int[] l1Bits) {}

    /**
     * Both bounds per output channel, for activations whose magnitude never exceeds {@code maxAbsA}
     * (128 for int8, 255 for uint8 without zero point, {@code max(za, 255 - za)} for uint8 with zero
     * point za).
     */
    public static ChannelBounds perChannel(int n, int k, byte[] w, int wOff, int ldw, int maxAbsA) {
        int[] dataType = new int[n];
        int[] l1 = new int[n];
        for (int j = 0; j < n; j++) {
            long maxAbsW = 0;
            long norm = 0;
            for (int p = 0; p < k; p++) {
                int v = Math.abs(w[wOff + j * ldw + p]);
                maxAbsW = Math.max(maxAbsW, v);
                norm += v;
            }
            dataType[j] = bits((long) k * maxAbsW * maxAbsA);
            l1[j] = bits(norm * maxAbsA);
        }
        return new ChannelBounds(dataType, l1);
    }

    /**
     * The fewest two's-complement bits holding every integer in [-P, P]: {@code ceil(log2(P + 1)) + 1},
     * one bit for a zero-only range.
     */
    public static int bits(long magnitude) {
        if (magnitude < 0) {
            throw new IllegalArgumentException("magnitude must not be negative: " + magnitude);
        }
        // 64 - nlz(P) is the bit length of P, i.e. ceil(log2(P + 1)); +1 for the sign.
        return Long.SIZE - Long.numberOfLeadingZeros(magnitude) + 1;
    }

    /**
     * Whether int16 accumulation is safe for a layer: every channel's bound (from {@link #perChannel})
     * is at most 16 bits.
     */
    public static boolean int16Allowed(int[] channelBits) {
        for (int bits : channelBits) {
            if (bits > Short.SIZE) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link IntGemm#gemmS8} of the kernel in use, accumulating in int16 when {@link #int16Allowed}
     * holds for {@code channelBits} and in int32 otherwise; the result is the same either way.
     */
    public static void gemmS8Bounded(
            int[] channelBits,
            int m,
            int n,
            int k,
            byte[] a,
            int aOff,
            int lda,
            byte[] w,
            int wOff,
            int ldw,
            int[] c,
            int cOff,
            int ldc) {
        if (channelBits.length != n) {
            throw new IllegalArgumentException("bounds for " + channelBits.length + " channels, but n = " + n);
        }
        if (int16Allowed(channelBits)) {
            IntGemmFamily.get().gemmS8Int16(m, n, k, a, aOff, lda, w, wOff, ldw, c, cOff, ldc);
        } else {
            IntGemmFamily.get().gemmS8(m, n, k, a, aOff, lda, w, wOff, ldw, c, cOff, ldc);
        }
    }
}
