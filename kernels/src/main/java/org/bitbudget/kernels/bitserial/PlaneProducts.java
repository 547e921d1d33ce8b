package org.bitbudget.kernels.bitserial;

/**
 * What both kernels share for one {@code A x W} product: the checks of the arguments, the weight
 * {@code ±2^shift} of every plane pair, and the step that turns a row's plane-pair sum into the dot
 * product. Keeping it in one place is what lets the vector kernel and its scalar twin agree exactly.
 *
 * <p>With x = sum_p c_p bit_p + d for each operand (see {@link Encoding}), dot(a, w) =
 * sum_{i,j} ca_i cw_j popcount(A_i AND W_j) + dw * sum(a) + da * sum(w) - k * da * dw: a plane-pair
 * sum, a term of A's row and a term of W's channel. When both operands are binary the kernels count
 * popcount(A XOR W) instead and dot = k - 2 * that count.
 */
final class PlaneProducts {
    private final boolean xor;
    private final long[] rowTerms;
    private final long[] channelTerms;
    private final int[] shifts;
    private final boolean[] negatives;

    private PlaneProducts(BitPlanes a, BitPlanes w) {
        this.xor = a.encoding() == Encoding.BINARY && w.encoding() == Encoding.BINARY;
        int k = a.k();
        long offsetA = a.encoding().offset();
        long offsetW = w.encoding().offset();
        this.rowTerms = new long[a.rows()];
        this.channelTerms = new long[w.rows()];
        for (int r = 0; r < a.rows(); r++) {
            rowTerms[r] = xor ? k : offsetW * a.rowSum(r) - k * offsetA * offsetW;
        }
        for (int ch = 0; ch < w.rows(); ch++) {
            channelTerms[ch] = xor ? 0 : offsetA * w.rowSum(ch);
        }
        int pairs = a.bits() * w.bits();
        this.shifts = new int[pairs];
        this.negatives = new boolean[pairs];
        for (int i = 0; i < a.bits(); i++) {
            for (int j = 0; j < w.bits(); j++) {
                int pair = i * w.bits() + j;
                // A XOR count is the answer's own unit (dot = k - 2 * count), so it takes no weight.
                shifts[pair] = xor ? 0 : a.encoding().shift(i) + w.encoding().shift(j);
                negatives[pair] =
                        a.encoding().negative(i, a.bits()) != w.encoding().negative(j, w.bits());
            }
        }
    }

    /** Checks the arguments of {@link BitSerialGemm#multiply} and prepares the plane-pair weights. */
    static PlaneProducts of(BitPlanes a, BitPlanes w, int[] c, int cOff, int ldc) {
        if (a.k() != w.k()) {
            throw new IllegalArgumentException("A has vectors of length " + a.k() + " but W of length " + w.k());
        }
        if (cOff < 0 || ldc < w.rows() || (long) cOff + (long) (a.rows() - 1) * ldc + w.rows() > c.length) {
            throw new IllegalArgumentException("C of " + c.length + " ints cannot hold " + a.rows() + " x " + w.rows()
                    + " at offset " + cOff + " with leading dimension " + ldc);
        }
        long bound = (long) a.k() * magnitude(a) * magnitude(w);
        if (bound > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dot products of length " + a.k() + " of " + a.bits() + "-bit "
                    + a.encoding() + " and " + w.bits() + "-bit " + w.encoding() + " values can overflow int32");
        }
        return new PlaneProducts(a, w);
    }

    private static long magnitude(BitPlanes x) {
        return Math.max(-x.encoding().min(x.bits()), x.encoding().max(x.bits()));
    }

    /** Whether the planes are combined by XOR (both binary) rather than AND. */
    boolean xor() {
        return xor;
    }

    /** log2 of the magnitude of the weight of the pair (A plane i, W plane j), pair = i * w.bits() + j. */
    int shift(int pair) {
        return shifts[pair];
    }

    /** Whether that pair's weight is negative. */
    boolean negative(int pair) {
        return negatives[pair];
    }

    /** The part of every dot product of A row r that depends on that row alone. */
    long rowTerm(int r) {
        return rowTerms[r];
    }

    /** The parts of the dot products that depend on W's channel alone, indexed by channel. */
    long[] channelTerms() {
        return channelTerms;
    }

    /**
     * The dot product of A row r and W row ch from their weighted plane-pair sum (for AND) or their
     * XOR popcount (for two binary operands): {@code (xor ? -2 * sum : sum) + rowTerm(r) +
     * channelTerms()[ch]}; the vector kernel computes the same expression lane by lane.
     */
    int dot(long planeSum, int r, int ch) {
        return (int) ((xor ? -2 * planeSum : planeSum) + rowTerms[r] + channelTerms[ch]);
    }
}
