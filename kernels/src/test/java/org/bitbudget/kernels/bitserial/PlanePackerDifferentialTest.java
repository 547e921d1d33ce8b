package org.bitbudget.kernels.bitserial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.stream.Stream;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link VectorPlanePacker} against its scalar twin {@link PlanePacker.Scalar}, bit for bit: every
 * encoding and width, k in {1, 7, 63, 64, 65, 127, 128, 200} (inside one word, exactly one and two
 * words, and tails), 1, 3 and 5 rows at offsets 0 to 4, with values uniform over the format, all at
 * its minimum, all at its maximum; and, for each case, one value just outside the range (or a zero
 * for binary) planted at a random place, where both must report the same first bad index. At every
 * vector width this JVM runs ({@link KernelProvider#widths()}), each width its own copy of the packer.
 */
class PlanePackerDifferentialTest {
    private static final int[] K_SIZES = {1, 7, 63, 64, 65, 127, 128, 200};
    private static final int[] ROWS = {1, 3, 5};

    private final PlanePacker scalar = new PlanePacker.Scalar();

    static Stream<Integer> widths() {
        return KernelProvider.widths().stream();
    }

    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void vectorEqualsScalarOnEveryEncodingWidthAndSize(int vectorBits) {
        PlanePacker vector = KernelProvider.vector(new PlanePackerFamily(), vectorBits);
        Random random = new Random(17);
        int cases = 0;
        for (Encoding encoding : Encoding.values()) {
            for (int bits = 1; bits <= 4; bits++) {
                if (!encoding.allows(bits)) {
                    continue;
                }
                for (int k : K_SIZES) {
                    for (int rows : ROWS) {
                        for (int fill = 0; fill < 3; fill++) {
                            int offset = random.nextInt(5);
                            byte[] values = new byte[offset + rows * k + random.nextInt(3)];
                            for (int i = offset; i < offset + rows * k; i++) {
                                values[i] = (byte) value(random, encoding, bits, fill);
                            }
                            String where =
                                    encoding + " " + bits + " bits, k=" + k + ", rows=" + rows + ", fill " + fill;
                            long[] expected = new long[planes(rows, k, bits)];
                            long[] actual = new long[expected.length];
                            assertEquals(-1, scalar.pack(values, offset, rows, k, encoding, bits, expected), where);
                            assertEquals(-1, vector.pack(values, offset, rows, k, encoding, bits, actual), where);
                            assertArrayEquals(expected, actual, where);

                            int badAt = random.nextInt(rows * k);
                            values[offset + badAt] = (byte) outside(random, encoding, bits);
                            assertEquals(
                                    badAt,
                                    scalar.pack(values, offset, rows, k, encoding, bits, new long[expected.length]),
                                    where + " bad at " + badAt);
                            assertEquals(
                                    badAt,
                                    vector.pack(values, offset, rows, k, encoding, bits, new long[expected.length]),
                                    where + " bad at " + badAt);
                            cases++;
                        }
                    }
                }
            }
        }
        assertEquals(8 * 8 * 3 * 3, cases, "encodings x widths x sizes x rows x fills");
    }

    @Test
    void bitPlanesRowSumsEqualTheSumsOfTheValues() {
        Random random = new Random(5);
        int k = 131;
        for (Encoding encoding : Encoding.values()) {
            for (int bits = 1; bits <= 4; bits++) {
                if (!encoding.allows(bits)) {
                    continue;
                }
                byte[] values = new byte[3 * k];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (byte) value(random, encoding, bits, 0);
                }
                BitPlanes planes = BitPlanes.pack(values, 0, 3, k, encoding, bits);
                for (int row = 0; row < 3; row++) {
                    int sum = 0;
                    for (int col = 0; col < k; col++) {
                        sum += values[row * k + col];
                    }
                    assertEquals(sum, planes.rowSum(row), encoding + " " + bits + " row " + row);
                }
            }
        }
    }

    private static int planes(int rows, int k, int bits) {
        return (k + 63) / 64 * bits * rows;
    }

    private static int value(Random random, Encoding encoding, int bits, int fill) {
        int min = encoding.min(bits);
        int max = encoding.max(bits);
        if (encoding == Encoding.BINARY) {
            return fill == 1 ? -1 : fill == 2 ? 1 : random.nextBoolean() ? 1 : -1;
        }
        return fill == 1 ? min : fill == 2 ? max : min + random.nextInt(max - min + 1);
    }

    private static int outside(Random random, Encoding encoding, int bits) {
        if (encoding == Encoding.BINARY) {
            return 0;
        }
        return random.nextBoolean() ? encoding.min(bits) - 1 : encoding.max(bits) + 1;
    }
}
