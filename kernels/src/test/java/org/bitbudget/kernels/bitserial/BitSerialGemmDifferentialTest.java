package org.bitbudget.kernels.bitserial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks that {@link VectorBitSerialGemm} and {@link ScalarBitSerialGemm} give exactly the ints of a
 * plain int dot product over the unpacked values, for every precision the issue names (W1A1 binary,
 * W2A2, W2A4, W4A4) and mixed ones (binary weights with multi-bit activations, 1-bit and 3-bit
 * activations, signed activations, unsigned weights), at k in {1, 63, 64, 65, 127, 200} (one entry,
 * both sides of a word boundary, a partial last word), m in {1, 2, 5} and n in {1, 3, 7, 8, 9, 17}
 * (below, at and past one vector of channels, so the scalar tail of the vector kernel runs), with
 * four kinds of values: uniform random, all at the format's maximum, all at its minimum, and
 * maximum and minimum alternating along k and across rows. C sits at an offset with a leading
 * dimension wider than n; its padding must stay untouched. The vector kernel runs at every vector
 * width this JVM runs ({@link KernelProvider#widths()}: 2, 4 and 8 channels per vector with AVX-512),
 * each width its own copy of the kernel.
 */
class BitSerialGemmDifferentialTest {
    private static final int[] KS = {1, 63, 64, 65, 127, 200};
    private static final int[] MS = {1, 2, 5};
    private static final int[] NS = {1, 3, 7, 8, 9, 17};
    private static final int PADDING = -12345;

    private final BitSerialGemm scalar = new ScalarBitSerialGemm();

    /** One side's format. */
    record Format(Encoding encoding, int bits) {
        @Override
        public String toString() {
            return bits + "-bit " + encoding;
        }
    }

    /** What the operands hold. */
    enum Values {
        RANDOM,
        ALL_MAX,
        ALL_MIN,
        ALTERNATING
    }

    static Stream<Arguments> precisions() {
        Format binary = new Format(Encoding.BINARY, 1);
        return Stream.of(
                Arguments.of("W1A1", binary, binary),
                Arguments.of("W2A2", new Format(Encoding.SIGNED, 2), new Format(Encoding.UNSIGNED, 2)),
                Arguments.of("W2A4", new Format(Encoding.SIGNED, 2), new Format(Encoding.UNSIGNED, 4)),
                Arguments.of("W4A4", new Format(Encoding.SIGNED, 4), new Format(Encoding.UNSIGNED, 4)),
                Arguments.of("W1A4", binary, new Format(Encoding.UNSIGNED, 4)),
                Arguments.of("W4A1 unsigned", new Format(Encoding.SIGNED, 4), new Format(Encoding.UNSIGNED, 1)),
                Arguments.of("W3A2", new Format(Encoding.SIGNED, 3), new Format(Encoding.UNSIGNED, 2)),
                Arguments.of("W2A3", new Format(Encoding.SIGNED, 2), new Format(Encoding.UNSIGNED, 3)),
                Arguments.of("W4A4 signed activations", new Format(Encoding.SIGNED, 4), new Format(Encoding.SIGNED, 4)),
                Arguments.of("W2A1 binary activations", new Format(Encoding.SIGNED, 2), binary),
                Arguments.of("unsigned W3 A4", new Format(Encoding.UNSIGNED, 3), new Format(Encoding.UNSIGNED, 4)));
    }

    static Stream<Integer> widths() {
        return KernelProvider.widths().stream();
    }

    static Stream<Arguments> widthsPrecisionsAndValues() {
        return widths().flatMap(bits -> precisions()
                .flatMap(p -> Arrays.stream(Values.values())
                        .map(v -> Arguments.of(bits, p.get()[0], p.get()[1], p.get()[2], v))));
    }

    @ParameterizedTest(name = "{0}-bit vectors, {1} ({2} weights, {3} activations), {4} values")
    @MethodSource("widthsPrecisionsAndValues")
    void vectorEqualsScalarEqualsIntReference(
            int bits, String name, Format weights, Format activations, Values values) {
        BitSerialGemm vector = KernelProvider.vector(new BitSerialFamily(), bits);
        Random random = new Random(31L * name.hashCode() + values.ordinal());
        for (int k : KS) {
            for (int m : MS) {
                for (int n : NS) {
                    byte[] a = fill(random, values, activations, m, k, 0);
                    byte[] w = fill(random, values, weights, n, k, 1);
                    BitPlanes ap = BitPlanes.pack(a, 0, m, k, activations.encoding(), activations.bits());
                    BitPlanes wp = BitPlanes.pack(w, 0, n, k, weights.encoding(), weights.bits());
                    int cOff = random.nextInt(5);
                    int ldc = n + random.nextInt(4);
                    int length = cOff + (m - 1) * ldc + n + random.nextInt(3);
                    int[] fromScalar = new int[length];
                    int[] fromVector = new int[length];
                    Arrays.fill(fromScalar, PADDING);
                    Arrays.fill(fromVector, PADDING);

                    scalar.multiply(ap, wp, fromScalar, cOff, ldc);
                    vector.multiply(ap, wp, fromVector, cOff, ldc);

                    String where =
                            name + " " + values + " m=" + m + " n=" + n + " k=" + k + " cOff=" + cOff + " ldc=" + ldc;
                    int[] expected = reference(a, w, m, n, k, length, cOff, ldc);
                    assertArrayEquals(expected, fromScalar, where + ": scalar vs int reference");
                    assertArrayEquals(fromScalar, fromVector, where + ": vector vs scalar");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void binaryDotIsKMinusTwiceTheDisagreements(int bits) {
        BitSerialGemm vector = KernelProvider.vector(new BitSerialFamily(), bits);
        int k = 130;
        byte[] a = new byte[k];
        byte[] w = new byte[k];
        Arrays.fill(a, (byte) 1);
        Arrays.fill(w, (byte) 1);
        for (int x = 0; x < k; x += 3) {
            w[x] = -1;
        }
        int disagreements = (k + 2) / 3;
        int[] c = new int[1];
        vector.multiply(
                BitPlanes.pack(a, 0, 1, k, Encoding.BINARY, 1),
                BitPlanes.pack(w, 0, 1, k, Encoding.BINARY, 1),
                c,
                0,
                1);
        assertEquals(k - 2 * disagreements, c[0]);
    }

    @Test
    void packerZeroesThePaddingOfTheLastWordAndKeepsTwosComplementPlanes() {
        int k = 65;
        byte[] values = new byte[2 * k];
        Arrays.fill(values, (byte) -1);
        BitPlanes planes = BitPlanes.pack(values, 0, 2, k, Encoding.SIGNED, 4);
        assertEquals(2, planes.words());
        long[] packed = planes.planes();
        for (int plane = 0; plane < 4; plane++) {
            for (int row = 0; row < 2; row++) {
                // -1 in two's complement sets every plane; only column 64 lives in the second word.
                assertEquals(-1L, packed[(0 * 4 + plane) * 2 + row], "plane " + plane + " row " + row + " word 0");
                assertEquals(1L, packed[(1 * 4 + plane) * 2 + row], "plane " + plane + " row " + row + " word 1");
            }
        }
        assertEquals(-k, planes.rowSum(0));
        assertEquals(-k, planes.rowSum(1));
    }

    @Test
    void rowSumAppliesAnActivationZeroPointOutsideTheKernel() {
        Random random = new Random(7);
        int m = 3;
        int n = 5;
        int k = 77;
        int zeroPoint = 6;
        Format activations = new Format(Encoding.UNSIGNED, 4);
        Format weights = new Format(Encoding.SIGNED, 3);
        byte[] a = fill(random, Values.RANDOM, activations, m, k, 0);
        byte[] w = fill(random, Values.RANDOM, weights, n, k, 0);
        BitPlanes wp = BitPlanes.pack(w, 0, n, k, Encoding.SIGNED, 3);
        int[] c = new int[m * n];
        BitSerialFamily.get().multiply(BitPlanes.pack(a, 0, m, k, Encoding.UNSIGNED, 4), wp, c, 0, n);
        for (int r = 0; r < m; r++) {
            for (int ch = 0; ch < n; ch++) {
                int expected = 0;
                for (int x = 0; x < k; x++) {
                    expected += (a[r * k + x] - zeroPoint) * w[ch * k + x];
                }
                assertEquals(expected, c[r * n + ch] - zeroPoint * wp.rowSum(ch), "r=" + r + " ch=" + ch);
            }
        }
    }

    @Test
    void packerRejectsValuesOutsideTheFormatAndBadWidths() {
        assertThrows(IllegalArgumentException.class, () -> BitPlanes.pack(new byte[] {2}, 0, 1, 1, Encoding.SIGNED, 2));
        assertThrows(
                IllegalArgumentException.class, () -> BitPlanes.pack(new byte[] {-3}, 0, 1, 1, Encoding.SIGNED, 2));
        assertThrows(
                IllegalArgumentException.class, () -> BitPlanes.pack(new byte[] {-1}, 0, 1, 1, Encoding.UNSIGNED, 4));
        assertThrows(
                IllegalArgumentException.class, () -> BitPlanes.pack(new byte[] {16}, 0, 1, 1, Encoding.UNSIGNED, 4));
        assertThrows(IllegalArgumentException.class, () -> BitPlanes.pack(new byte[] {0}, 0, 1, 1, Encoding.BINARY, 1));
        assertThrows(IllegalArgumentException.class, () -> BitPlanes.pack(new byte[] {1}, 0, 1, 1, Encoding.SIGNED, 1));
        assertThrows(
                IllegalArgumentException.class, () -> BitPlanes.pack(new byte[] {1}, 0, 1, 1, Encoding.UNSIGNED, 5));
        assertThrows(
                IllegalArgumentException.class, () -> BitPlanes.pack(new byte[] {1, 1}, 1, 1, 2, Encoding.UNSIGNED, 1));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> BitPlanes.pack(new byte[] {0, 1, 9}, 0, 1, 3, Encoding.SIGNED, 4));
        assertTrue(e.getMessage().contains("column 2"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void multiplyRejectsMismatchedLengthsAndTooSmallC(int bits) {
        BitSerialGemm vector = KernelProvider.vector(new BitSerialFamily(), bits);
        BitPlanes a = BitPlanes.pack(new byte[4], 0, 2, 2, Encoding.UNSIGNED, 2);
        BitPlanes w3 = BitPlanes.pack(new byte[3], 0, 1, 3, Encoding.SIGNED, 2);
        BitPlanes w = BitPlanes.pack(new byte[6], 0, 3, 2, Encoding.SIGNED, 2);
        assertThrows(IllegalArgumentException.class, () -> vector.multiply(a, w3, new int[8], 0, 3));
        assertThrows(IllegalArgumentException.class, () -> vector.multiply(a, w, new int[5], 0, 3));
        assertThrows(IllegalArgumentException.class, () -> scalar.multiply(a, w, new int[8], 0, 2));
    }

    /** Plain int dot products of the unpacked values, written where the kernels write them. */
    private static int[] reference(byte[] a, byte[] w, int m, int n, int k, int length, int cOff, int ldc) {
        int[] c = new int[length];
        Arrays.fill(c, PADDING);
        for (int r = 0; r < m; r++) {
            for (int ch = 0; ch < n; ch++) {
                int sum = 0;
                for (int x = 0; x < k; x++) {
                    sum += a[r * k + x] * w[ch * k + x];
                }
                c[cOff + r * ldc + ch] = sum;
            }
        }
        return c;
    }

    /**
     * {@code rows x k} values of the format; {@code phase} shifts the alternating pattern so that A
     * and W do not simply line up maximum against maximum.
     */
    private static byte[] fill(Random random, Values values, Format format, int rows, int k, int phase) {
        int min = format.encoding().min(format.bits());
        int max = format.encoding().max(format.bits());
        byte[] v = new byte[rows * k];
        for (int r = 0; r < rows; r++) {
            for (int x = 0; x < k; x++) {
                int value = switch (values) {
                    case RANDOM ->
                        format.encoding() == Encoding.BINARY
                                ? (random.nextBoolean() ? 1 : -1)
                                : min + random.nextInt(max - min + 1);
                    case ALL_MAX -> max;
                    case ALL_MIN -> min;
                    case ALTERNATING -> (x + r + phase) % 2 == 0 ? max : min;
                };
                v[r * k + x] = (byte) value;
            }
        }
        return v;
    }
}
