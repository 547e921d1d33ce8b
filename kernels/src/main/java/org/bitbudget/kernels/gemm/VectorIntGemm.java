package org.bitbudget.kernels.gemm;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API integer GEMM with one loop shape for every kernel: for each (row, channel), load as
 * many bytes of A and of W as the accumulator vector has lanes, widen both (sign- or zero-extend),
 * multiply and add lane-wise, then reduce the lanes once; the k % lanes leftover products are added
 * one by one. The byte species is chosen with exactly the accumulator's lane count so that a
 * widening conversion fills one whole accumulator vector, with no part selection.
 *
 * <p>Needs at least 8 int lanes (a 64-bit byte vector is the smallest shape); {@link IntKernelProvider}
 * checks that before loading this class.
 */
public final class VectorIntGemm implements IntGemm {
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> BYTES_FOR_INTS =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(INTS.length() * Byte.SIZE));
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> BYTES_FOR_SHORTS =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(SHORTS.length() * Byte.SIZE));

    @Override
    public void gemmS8(int m, int n, int k, byte[] a, int aOff, int lda, byte[] w, int wOff, int ldw,
                       int[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[cOff + i * ldc + j] = dotInt(k, a, aOff + i * lda, w, wOff + j * ldw, VectorOperators.B2I);
            }
        }
    }

    @Override
    public void gemmU8(int m, int n, int k, byte[] a, int aOff, int lda, int aZeroPoint, byte[] w, int wOff,
                       int ldw, int[] wSums, int[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int dot = dotInt(k, a, aOff + i * lda, w, wOff + j * ldw, VectorOperators.ZERO_EXTEND_B2I);
                c[cOff + i * ldc + j] = dot - aZeroPoint * wSums[j];
            }
        }
    }

    @Override
    public void gemmS8Int16(int m, int n, int k, byte[] a, int aOff, int lda, byte[] w, int wOff, int ldw,
                            int[] c, int cOff, int ldc) {
        int bound = SHORTS.loopBound(k);
        for (int i = 0; i < m; i++) {
            int a0 = aOff + i * lda;
            for (int j = 0; j < n; j++) {
                int w0 = wOff + j * ldw;
                ShortVector acc = ShortVector.zero(SHORTS);
                int p = 0;
                for (; p < bound; p += SHORTS.length()) {
                    ShortVector x = (ShortVector) ByteVector.fromArray(BYTES_FOR_SHORTS, a, a0 + p)
                            .convertShape(VectorOperators.B2S, SHORTS, 0);
                    ShortVector y = (ShortVector) ByteVector.fromArray(BYTES_FOR_SHORTS, w, w0 + p)
                            .convertShape(VectorOperators.B2S, SHORTS, 0);
                    acc = acc.add(x.mul(y));
                }
                // The lane reduction wraps in int16 like the scalar twin's sum, so the order does not matter.
                short sum = acc.reduceLanes(VectorOperators.ADD);
                for (; p < k; p++) {
                    sum = (short) (sum + a[a0 + p] * w[w0 + p]);
                }
                c[cOff + i * ldc + j] = sum;
            }
        }
    }

    private static int dotInt(int k, byte[] a, int a0, byte[] w, int w0,
                              VectorOperators.Conversion<Byte, Integer> widenA) {
        IntVector acc = IntVector.zero(INTS);
        int bound = INTS.loopBound(k);
        int p = 0;
        for (; p < bound; p += INTS.length()) {
            IntVector x = (IntVector) ByteVector.fromArray(BYTES_FOR_INTS, a, a0 + p).convertShape(widenA, INTS, 0);
            IntVector y = (IntVector) ByteVector.fromArray(BYTES_FOR_INTS, w, w0 + p)
                    .convertShape(VectorOperators.B2I, INTS, 0);
            acc = acc.add(x.mul(y));
        }
        int sum = acc.reduceLanes(VectorOperators.ADD);
        boolean unsigned = widenA == VectorOperators.ZERO_EXTEND_B2I;
        for (; p < k; p++) {
            sum += (unsigned ? Byte.toUnsignedInt(a[a0 + p]) : a[a0 + p]) * w[w0 + p];
        }
        return sum;
    }

    /** Int lanes per accumulator vector of the int32 kernels. */
    public static int vectorLength() {
        return INTS.length();
    }
}
