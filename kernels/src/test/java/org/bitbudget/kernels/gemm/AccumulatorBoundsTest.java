package org.bitbudget.kernels.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks {@link AccumulatorBounds}: its bit counts against DESIGN.md's formula (equal except when the
 * magnitude is a power of two, where DESIGN.md's is one bit short, shown by a real int16 overflow);
 * on small random layers, by enumerating every activation vector of extremes +-max|a|, that no sum
 * ever needs more bits than the L1-norm bound, that the L1 bound never exceeds the data-type bound,
 * and that the sign-aligned vector reaches the L1 bound exactly (it is tight); and that the int16
 * kernels, scalar and vector (at every vector width this JVM runs), equal the int32 kernel whenever
 * every channel's bound is at most 16.
 */
class AccumulatorBoundsTest {

    @Test
    void bitCountsAtTheEdges() {
        assertEquals(1, AccumulatorBounds.bits(0));
        assertEquals(2, AccumulatorBounds.bits(1));
        assertEquals(8, AccumulatorBounds.bits(127));
        assertEquals(9, AccumulatorBounds.bits(128));
        assertEquals(16, AccumulatorBounds.bits(32767));
        assertEquals(17, AccumulatorBounds.bits(32768));
        assertEquals(32, AccumulatorBounds.bits(Integer.MAX_VALUE));
    }

    @Test
    void equalsDesignFormulaExceptAtPowersOfTwo() {
        for (long p = 1; p <= 1 << 20; p++) {
            // ceil(log2(p)) + 1 in exact integer arithmetic.
            int design = Long.SIZE - Long.numberOfLeadingZeros(p - 1) + 1;
            if (Long.bitCount(p) == 1) {
                assertEquals(design + 1, AccumulatorBounds.bits(p), "P = " + p);
            } else {
                assertEquals(design, AccumulatorBounds.bits(p), "P = " + p);
            }
        }
    }

    @Test
    void designFormulaWouldLetInt16Overflow() {
        // k = 2, w = a = -128: P = 2 * 128 * 128 = 2^15, ceil(log2 P) + 1 = 16, yet the sum is 32768.
        byte[] a = {-128, -128};
        byte[] w = {-128, -128};
        int[] wide = new int[1];
        int[] narrow = new int[1];
        new ScalarIntGemm().gemmS8(1, 1, 2, a, 0, 2, w, 0, 2, wide, 0, 1);
        new ScalarIntGemm().gemmS8Int16(1, 1, 2, a, 0, 2, w, 0, 2, narrow, 0, 1);
        assertEquals(32768, wide[0]);
        assertNotEquals(wide[0], narrow[0]);
        AccumulatorBounds.ChannelBounds bounds = AccumulatorBounds.perChannel(1, 2, w, 0, 2, 128);
        assertArrayEquals(new int[] {17}, bounds.dataTypeBits());
        assertArrayEquals(new int[] {17}, bounds.l1Bits());
        assertFalse(AccumulatorBounds.int16Allowed(bounds.l1Bits()));
        int[] chosen = new int[1];
        AccumulatorBounds.gemmS8Bounded(bounds.l1Bits(), 1, 1, 2, a, 0, 2, w, 0, 2, chosen, 0, 1);
        assertEquals(32768, chosen[0]);
    }

    @Test
    void boundsHoldAndL1BoundIsTightOnEveryExtremeActivation() {
        Random random = new Random(6);
        int[] maxAbsAs = {1, 3, 127, 128, 255};
        for (int layer = 0; layer < 200; layer++) {
            int n = 1 + random.nextInt(5);
            int k = 1 + random.nextInt(10);
            int maxAbsA = maxAbsAs[random.nextInt(maxAbsAs.length)];
            byte[] w = new byte[n * k];
            int range = 1 + random.nextInt(256);
            for (int x = 0; x < w.length; x++) {
                // Sometimes zeros, sometimes only a few small levels, sometimes the full int8 range.
                w[x] = (byte) (random.nextInt(4) == 0 ? 0 : Math.max(-128, random.nextInt(range) - range / 2));
            }
            AccumulatorBounds.ChannelBounds bounds = AccumulatorBounds.perChannel(n, k, w, 0, k, maxAbsA);
            for (int j = 0; j < n; j++) {
                int most = 0;
                for (int signs = 0; signs < 1 << k; signs++) {
                    long sum = 0;
                    for (int p = 0; p < k; p++) {
                        long av = (signs >> p & 1) == 0 ? maxAbsA : -maxAbsA;
                        sum += av * w[j * k + p];
                    }
                    most = Math.max(most, signedBits(sum));
                }
                String where = "layer " + layer + " channel " + j + " k=" + k + " max|a|=" + maxAbsA;
                assertEquals(bounds.l1Bits()[j], most, where + ": the L1 bound must be reached, never exceeded");
                assertTrue(bounds.l1Bits()[j] <= bounds.dataTypeBits()[j], where + ": L1 above data-type bound");
            }
        }
    }

    static java.util.stream.Stream<Integer> widths() {
        return KernelProvider.widths().stream();
    }

    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void int16KernelsEqualInt32WheneverTheBoundAllowsIt(int vectorBits) {
        Random random = new Random(16);
        IntGemm scalar = new ScalarIntGemm();
        IntGemm vector = KernelProvider.vector(new IntGemmFamily(), vectorBits);
        int allowed = 0;
        int atSixteen = 0;
        for (int layer = 0; layer < 300; layer++) {
            int m = 1 + random.nextInt(3);
            int n = 1 + random.nextInt(9);
            int k = 1 + random.nextInt(80);
            int range = 1 + random.nextInt(12);
            byte[] w = new byte[n * k];
            for (int x = 0; x < w.length; x++) {
                w[x] = (byte) (random.nextInt(2 * range + 1) - range);
            }
            byte[] a = new byte[m * k];
            boolean extreme = random.nextBoolean();
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    // Extreme rows align -128/127 with the signs of channel 0 to push the sum to its bound.
                    a[i * k + p] = extreme ? (w[p] < 0 ? Byte.MIN_VALUE : Byte.MAX_VALUE) : (byte) random.nextInt(256);
                }
            }
            int[] bits = AccumulatorBounds.perChannel(n, k, w, 0, k, 128).l1Bits();
            int[] wide = new int[m * n];
            scalar.gemmS8(m, n, k, a, 0, k, w, 0, k, wide, 0, n);
            int[] chosen = new int[m * n];
            AccumulatorBounds.gemmS8Bounded(bits, m, n, k, a, 0, k, w, 0, k, chosen, 0, n);
            assertArrayEquals(wide, chosen, "layer " + layer + " through the provider");
            if (AccumulatorBounds.int16Allowed(bits)) {
                allowed++;
                if (Arrays.stream(bits).max().getAsInt() == 16) {
                    atSixteen++;
                }
                int[] narrowScalar = new int[m * n];
                int[] narrowVector = new int[m * n];
                scalar.gemmS8Int16(m, n, k, a, 0, k, w, 0, k, narrowScalar, 0, n);
                vector.gemmS8Int16(m, n, k, a, 0, k, w, 0, k, narrowVector, 0, n);
                assertArrayEquals(wide, narrowScalar, "layer " + layer + " scalar int16");
                assertArrayEquals(wide, narrowVector, "layer " + layer + " vector int16");
            }
        }
        assertTrue(allowed >= 50, "too few layers within the int16 bound: " + allowed);
        assertTrue(atSixteen >= 10, "too few layers exactly at 16 bits: " + atSixteen);
    }

    /** The fewest two's-complement bits that hold v. */
    private static int signedBits(long v) {
        int bits = 1;
        while (v < -(1L << (bits - 1)) || v > (1L << (bits - 1)) - 1) {
            bits++;
        }
        return bits;
    }
}
