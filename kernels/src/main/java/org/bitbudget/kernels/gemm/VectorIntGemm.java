package org.bitbudget.kernels.gemm;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2S;
import static jdk.incubator.vector.VectorOperators.XOR;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * Vector API integer GEMM. The int32 kernels share one loop shape: one row of A against four
 * channels of W, {@code lanes} values of k per step. A step loads lanes bytes of A and of each weight
 * row, sign-extends them to int16, and multiplies in int16, which is exact because an int8 x int8
 * product lies in [-16256, 16384]. The products are summed in int32 without widening them one by
 * one: reading the int16 product vector as int32 lanes, lane t holds product 2t + 1 in its high half
 * and product 2t in its low half; an arithmetic shift right by 16 gives the high product, and
 * XOR-ing bit 15 gives {@code high * 65536 + low + 32768}, so two int32 accumulators per channel,
 * {@code q} and {@code h}, recover {@code sum(high + low) = sum(q) - 65535 * sum(h) - 32768 * T}
 * (T = int32 lanes summed), exactly modulo 2^32 and so exactly whenever the true sum fits in int32.
 * That is five vector operations per lanes multiply-adds instead of two widenings and two adds.
 *
 * <p>uint8 activations are flipped to signed by XOR 0x80 ({@code u - 128}), and the correction
 * {@code (128 - zeroPoint) * wSums[j]} is added at the end, so both kernels run the same loop.
 * Larger tiles (two rows) exceed what C2 inlines and fall back to boxed vectors; one row by four
 * channels is the shape that compiles to registers (measured with {@code -XX:+PrintInlining}).
 *
 * <p>Runs at the width {@link VectorWidth} gives its class; {@link IntGemmFamily} uses it from 8 int
 * lanes (256 bits) up.
 */
public final class VectorIntGemm implements IntGemm {
    private static final VectorSpecies<Short> SHORTS =
            VectorSpecies.of(short.class, VectorWidth.of(MethodHandles.lookup()));
    private static final VectorSpecies<Byte> BYTES_FOR_SHORTS =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(SHORTS.length() * Byte.SIZE));
    private static final VectorSpecies<Integer> INTS =
            VectorSpecies.of(int.class, VectorShape.forBitSize(SHORTS.vectorBitSize()));
    private static final int CHANNELS_PER_TILE = 4;
    private static final byte UNSIGNED_FLIP = (byte) 0x80;
    private static final int LOW_SIGN = 0x8000;

    @Override
    public void gemmS8(
            int m, int n, int k, byte[] a, int aOff, int lda, byte[] w, int wOff, int ldw, int[] c, int cOff, int ldc) {
        gemm(false, m, n, k, a, aOff, lda, (byte) 0, w, wOff, ldw, c, cOff, ldc);
    }

    @Override
    public void gemmU8(
            int m,
            int n,
            int k,
            byte[] a,
            int aOff,
            int lda,
            int aZeroPoint,
            byte[] w,
            int wOff,
            int ldw,
            int[] wSums,
            int[] c,
            int cOff,
            int ldc) {
        gemm(false, m, n, k, a, aOff, lda, UNSIGNED_FLIP, w, wOff, ldw, c, cOff, ldc);
        addFlipCorrection(m, n, aZeroPoint, wSums, c, cOff, ldc);
    }

    /** Every row in tiles of four channels, then the leftover channels one by one, in int16 or int32. */
    private static void gemm(
            boolean int16,
            int m,
            int n,
            int k,
            byte[] a,
            int aOff,
            int lda,
            byte flip,
            byte[] w,
            int wOff,
            int ldw,
            int[] c,
            int cOff,
            int ldc) {
        int tiled = n - n % CHANNELS_PER_TILE;
        for (int i = 0; i < m; i++) {
            int a0 = aOff + i * lda;
            int c0 = cOff + i * ldc;
            for (int j = 0; j < tiled; j += CHANNELS_PER_TILE) {
                if (int16) {
                    rowTimesFourChannelsInt16(k, a, a0, flip, w, wOff + j * ldw, ldw, c, c0 + j);
                } else {
                    rowTimesFourChannels(k, a, a0, flip, w, wOff + j * ldw, ldw, c, c0 + j);
                }
            }
            for (int j = tiled; j < n; j++) {
                c[c0 + j] = int16
                        ? rowTimesChannelInt16(k, a, a0, flip, w, wOff + j * ldw)
                        : rowTimesChannel(k, a, a0, flip, w, wOff + j * ldw);
            }
        }
    }

    /** {@code (128 - zeroPoint) * wSums[j]}: what flipping uint8 to {@code u - 128} took from every sum. */
    private static void addFlipCorrection(int m, int n, int aZeroPoint, int[] wSums, int[] c, int cOff, int ldc) {
        int correction = 128 - aZeroPoint;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[cOff + i * ldc + j] += correction * wSums[j];
            }
        }
    }

    private static void rowTimesFourChannels(
            int k, byte[] a, int a0, byte flip, byte[] w, int w0, int ldw, int[] c, int c0) {
        IntVector q0 = IntVector.zero(INTS);
        IntVector q1 = q0;
        IntVector q2 = q0;
        IntVector q3 = q0;
        IntVector h0 = q0;
        IntVector h1 = q0;
        IntVector h2 = q0;
        IntVector h3 = q0;
        int bound = SHORTS.loopBound(k);
        int p = 0;
        for (; p < bound; p += SHORTS.length()) {
            ShortVector x = (ShortVector) ByteVector.fromArray(BYTES_FOR_SHORTS, a, a0 + p)
                    .lanewise(XOR, flip)
                    .convertShape(B2S, SHORTS, 0);
            IntVector p0 = x.mul((ShortVector)
                            ByteVector.fromArray(BYTES_FOR_SHORTS, w, w0 + p).convertShape(B2S, SHORTS, 0))
                    .reinterpretAsInts();
            q0 = q0.add(p0.lanewise(XOR, LOW_SIGN));
            h0 = h0.add(p0.lanewise(ASHR, 16));
            IntVector p1 = x.mul((ShortVector) ByteVector.fromArray(BYTES_FOR_SHORTS, w, w0 + ldw + p)
                            .convertShape(B2S, SHORTS, 0))
                    .reinterpretAsInts();
            q1 = q1.add(p1.lanewise(XOR, LOW_SIGN));
            h1 = h1.add(p1.lanewise(ASHR, 16));
            IntVector p2 = x.mul((ShortVector) ByteVector.fromArray(BYTES_FOR_SHORTS, w, w0 + 2 * ldw + p)
                            .convertShape(B2S, SHORTS, 0))
                    .reinterpretAsInts();
            q2 = q2.add(p2.lanewise(XOR, LOW_SIGN));
            h2 = h2.add(p2.lanewise(ASHR, 16));
            IntVector p3 = x.mul((ShortVector) ByteVector.fromArray(BYTES_FOR_SHORTS, w, w0 + 3 * ldw + p)
                            .convertShape(B2S, SHORTS, 0))
                    .reinterpretAsInts();
            q3 = q3.add(p3.lanewise(XOR, LOW_SIGN));
            h3 = h3.add(p3.lanewise(ASHR, 16));
        }
        // sum(q) - 65535 * sum(h), with one lane reduction; written out here because a helper taking
        // vectors that C2 does not inline would box them.
        int offset = lowOffset(bound);
        c[c0] = q0.sub(h0.mul(65535)).reduceLanes(ADD) + offset + tail(p, k, a, a0, flip, w, w0);
        c[c0 + 1] = q1.sub(h1.mul(65535)).reduceLanes(ADD) + offset + tail(p, k, a, a0, flip, w, w0 + ldw);
        c[c0 + 2] = q2.sub(h2.mul(65535)).reduceLanes(ADD) + offset + tail(p, k, a, a0, flip, w, w0 + 2 * ldw);
        c[c0 + 3] = q3.sub(h3.mul(65535)).reduceLanes(ADD) + offset + tail(p, k, a, a0, flip, w, w0 + 3 * ldw);
    }

    private static int rowTimesChannel(int k, byte[] a, int a0, byte flip, byte[] w, int w0) {
        IntVector q = IntVector.zero(INTS);
        IntVector h = q;
        int bound = SHORTS.loopBound(k);
        int p = 0;
        for (; p < bound; p += SHORTS.length()) {
            ShortVector x = (ShortVector) ByteVector.fromArray(BYTES_FOR_SHORTS, a, a0 + p)
                    .lanewise(XOR, flip)
                    .convertShape(B2S, SHORTS, 0);
            IntVector prod = x.mul((ShortVector)
                            ByteVector.fromArray(BYTES_FOR_SHORTS, w, w0 + p).convertShape(B2S, SHORTS, 0))
                    .reinterpretAsInts();
            q = q.add(prod.lanewise(XOR, LOW_SIGN));
            h = h.add(prod.lanewise(ASHR, 16));
        }
        return q.sub(h.mul(65535)).reduceLanes(ADD) + lowOffset(bound) + tail(p, k, a, a0, flip, w, w0);
    }

    /** The 32768 that XOR-ing bit 15 added to every low product, summed over the vector steps. */
    private static int lowOffset(int bound) {
        return -LOW_SIGN * (bound / SHORTS.length()) * INTS.length();
    }

    private static int tail(int from, int k, byte[] a, int a0, byte flip, byte[] w, int w0) {
        int sum = 0;
        for (int p = from; p < k; p++) {
            sum += (byte) (a[a0 + p] ^ flip) * w[w0 + p];
        }
        return sum;
    }

    /*
     * int16 accumulation, in the same one row by four channels shape: products and sums stay in int16
     * lanes (wrapping modulo 2^16 like the scalar twin), so a step is one multiply and one add per
     * channel. uint8 activations are flipped to signed as in the int32 kernels.
     */
    @Override
    public void gemmS8Int16(
            int m, int n, int k, byte[] a, int aOff, int lda, byte[] w, int wOff, int ldw, int[] c, int cOff, int ldc) {
        gemm(true, m, n, k, a, aOff, lda, (byte) 0, w, wOff, ldw, c, cOff, ldc);
    }

    @Override
    public void gemmU8Int16(
            int m,
            int n,
            int k,
            byte[] a,
            int aOff,
            int lda,
            int aZeroPoint,
            byte[] w,
            int wOff,
            int ldw,
            int[] wSums,
            int[] c,
            int cOff,
            int ldc) {
        gemm(true, m, n, k, a, aOff, lda, UNSIGNED_FLIP, w, wOff, ldw, c, cOff, ldc);
        addFlipCorrection(m, n, aZeroPoint, wSums, c, cOff, ldc);
    }

    private static void rowTimesFourChannelsInt16(
            int k, byte[] a, int a0, byte flip, byte[] w, int w0, int ldw, int[] c, int c0) {
        ShortVector s0 = ShortVector.zero(SHORTS);
        ShortVector s1 = s0;
        ShortVector s2 = s0;
        ShortVector s3 = s0;
        int bound = SHORTS.loopBound(k);
        int p = 0;
        for (; p < bound; p += SHORTS.length()) {
            ShortVector x = (ShortVector) ByteVector.fromArray(BYTES_FOR_SHORTS, a, a0 + p)
                    .lanewise(XOR, flip)
                    .convertShape(B2S, SHORTS, 0);
            s0 = s0.add(x.mul((ShortVector)
                    ByteVector.fromArray(BYTES_FOR_SHORTS, w, w0 + p).convertShape(B2S, SHORTS, 0)));
            s1 = s1.add(x.mul((ShortVector)
                    ByteVector.fromArray(BYTES_FOR_SHORTS, w, w0 + ldw + p).convertShape(B2S, SHORTS, 0)));
            s2 = s2.add(x.mul((ShortVector)
                    ByteVector.fromArray(BYTES_FOR_SHORTS, w, w0 + 2 * ldw + p).convertShape(B2S, SHORTS, 0)));
            s3 = s3.add(x.mul((ShortVector)
                    ByteVector.fromArray(BYTES_FOR_SHORTS, w, w0 + 3 * ldw + p).convertShape(B2S, SHORTS, 0)));
        }
        // The lane reductions wrap in int16 like the scalar twin's sum, so the order does not matter.
        c[c0] = (short) (s0.reduceLanes(ADD) + tail(p, k, a, a0, flip, w, w0));
        c[c0 + 1] = (short) (s1.reduceLanes(ADD) + tail(p, k, a, a0, flip, w, w0 + ldw));
        c[c0 + 2] = (short) (s2.reduceLanes(ADD) + tail(p, k, a, a0, flip, w, w0 + 2 * ldw));
        c[c0 + 3] = (short) (s3.reduceLanes(ADD) + tail(p, k, a, a0, flip, w, w0 + 3 * ldw));
    }

    private static int rowTimesChannelInt16(int k, byte[] a, int a0, byte flip, byte[] w, int w0) {
        ShortVector sum = ShortVector.zero(SHORTS);
        int bound = SHORTS.loopBound(k);
        int p = 0;
        for (; p < bound; p += SHORTS.length()) {
            ShortVector x = (ShortVector) ByteVector.fromArray(BYTES_FOR_SHORTS, a, a0 + p)
                    .lanewise(XOR, flip)
                    .convertShape(B2S, SHORTS, 0);
            sum = sum.add(x.mul((ShortVector)
                    ByteVector.fromArray(BYTES_FOR_SHORTS, w, w0 + p).convertShape(B2S, SHORTS, 0)));
        }
        return (short) (sum.reduceLanes(ADD) + tail(p, k, a, a0, flip, w, w0));
    }

    /** int16 lanes per step of the kernels: their leftover products are summed one by one. */
    @Override
    public int rowMultiple() {
        return SHORTS.length();
    }
}
