package org.bitbudget.kernels.bitserial;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * Vector API bit-serial GEMM: each lane is one output channel. For a row r of A and a block of
 * consecutive channels, one loop shape runs over the words of a plane pair: broadcast A's word,
 * AND (XOR for two binary operands) it with W's words of the block (one contiguous load, thanks to
 * the row-innermost layout of {@link BitPlanes}), {@link VectorOperators#BIT_COUNT} and add into the
 * lanes. Each pair's lane counts are then shifted by the pair's weight and summed, and the lanes
 * finished to dot products by the expression {@link ScalarBitSerialGemm} uses, in vectors. Channels
 * left over after the last full vector go to the scalar twin, so no masked loads are needed.
 * Integer sums do not depend on their order, so the results equal the scalar twin's exactly.
 *
 * <p>Runs at the width {@link VectorWidth} gives its class, of at least two long lanes (there is no
 * one-lane int vector to store results through), which {@link BitSerialFamily} requires.
 */
public final class VectorBitSerialGemm implements BitSerialGemm {
    private static final VectorSpecies<Long> SPECIES =
            VectorSpecies.of(long.class, VectorWidth.of(MethodHandles.lookup()));
    private static final int L = SPECIES.length();
    /** Ints with as many lanes as {@link #SPECIES}, to store finished lanes into C without a loop. */
    private static final VectorSpecies<Integer> INT_SPECIES =
            VectorSpecies.of(int.class, VectorShape.forBitSize(L * Integer.SIZE));

    @Override
    public void multiply(BitPlanes a, BitPlanes w, int[] c, int cOff, int ldc) {
        PlaneProducts products = PlaneProducts.of(a, w, c, cOff, ldc);
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
        long[] channelTerms = products.channelTerms();
        int full = n - n % L;
        // Channel blocks outer, rows inner: a block of W (words x planes x L longs) stays in the L1
        // cache while every row of A passes over it.
        for (int ch = 0; ch < full; ch += L) {
            for (int r = 0; r < m; r++) {
                LongVector total = LongVector.zero(SPECIES);
                for (int i = 0; i < aBits; i++) {
                    for (int j = 0; j < wBits; j++) {
                        int aIndex = i * m + r;
                        int wIndex = j * n + ch;
                        LongVector counts = xor
                                ? xorCounts(ap, aIndex, aStride, wp, wIndex, wStride, words)
                                : andCounts(ap, aIndex, aStride, wp, wIndex, wStride, words);
                        int pair = i * wBits + j;
                        LongVector weighted = counts.lanewise(VectorOperators.LSHL, products.shift(pair));
                        total = products.negative(pair) ? total.sub(weighted) : total.add(weighted);
                    }
                }
                // The expression of PlaneProducts.dot, lane by lane.
                LongVector dots = (xor ? total.lanewise(VectorOperators.LSHL, 1).neg() : total)
                        .add(products.rowTerm(r))
                        .add(LongVector.fromArray(SPECIES, channelTerms, ch));
                IntVector narrowed = (IntVector) dots.convertShape(VectorOperators.L2I, INT_SPECIES, 0);
                narrowed.intoArray(c, cOff + r * ldc + ch);
            }
        }
        ScalarBitSerialGemm.multiplyChannels(products, a, w, full, c, cOff, ldc);
    }

    @Override
    public int channelsPerVector() {
        return L;
    }

    private static LongVector andCounts(
            long[] ap, int aIndex, int aStride, long[] wp, int wIndex, int wStride, int words) {
        LongVector counts = LongVector.zero(SPECIES);
        for (int x = 0; x < words; x++) {
            LongVector wv = LongVector.fromArray(SPECIES, wp, wIndex + x * wStride);
            counts = counts.add(wv.and(ap[aIndex + x * aStride]).lanewise(VectorOperators.BIT_COUNT));
        }
        return counts;
    }

    private static LongVector xorCounts(
            long[] ap, int aIndex, int aStride, long[] wp, int wIndex, int wStride, int words) {
        LongVector counts = LongVector.zero(SPECIES);
        for (int x = 0; x < words; x++) {
            LongVector wv = LongVector.fromArray(SPECIES, wp, wIndex + x * wStride);
            counts = counts.add(
                    wv.lanewise(VectorOperators.XOR, ap[aIndex + x * aStride]).lanewise(VectorOperators.BIT_COUNT));
        }
        return counts;
    }
}
