package org.bitbudget.kernels.elementwise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.stream.Stream;
import org.bitbudget.ops.compute.Elementwise;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link VectorIslandElementwise} at every width this JVM runs from 256 bits against
 * {@link ScalarIslandElementwise}, and the scalar HardSwish against the float engine's
 * {@link Elementwise#hardSwish}: the same floats bit for bit (NaN as NaN), at awkward lengths and
 * offsets (empty, one, primes, a lane short of and past a vector) and channel counts, on random
 * values, the HardSwish knees (-3, 3), signed zeros, infinities, NaN, subnormals and extremes.
 */
class IslandElementwiseDifferentialTest {
    private static final float[] SPECIAL = {
        0f,
        -0f,
        3f,
        -3f,
        Math.nextUp(3f),
        Math.nextDown(-3f),
        1e-45f,
        -1e-45f,
        Float.MIN_NORMAL,
        Float.MAX_VALUE,
        -Float.MAX_VALUE,
        Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY,
        Float.NaN,
        2.9999998f,
        -2.9999998f,
        Math.nextUp(-3f),
        Math.nextDown(3f),
        -Float.MIN_NORMAL,
        1f / 3,
        6f
    };

    private final IslandElementwise scalar = new ScalarIslandElementwise();

    static Stream<Integer> widths() {
        return KernelProvider.widths().stream().filter(bits -> bits >= new IslandElementwiseFamily().minimumBits());
    }

    private static float[] values(Random random, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = switch (random.nextInt(3)) {
                case 0 -> SPECIAL[random.nextInt(SPECIAL.length)];
                case 1 -> (float) (random.nextGaussian() * 4);
                default -> Float.intBitsToFloat(random.nextInt());
            };
        }
        return x;
    }

    private static void assertSameFloats(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]), what + " at " + i);
        }
    }

    @Test
    void scalarHardSwishIsTheFloatEngines() {
        float[] x = values(new Random(1), 4099);
        float[] expected = new float[x.length];
        float[] actual = new float[x.length];
        Elementwise.hardSwish(x, expected, 0, x.length);
        scalar.hardSwish(x, actual, 0, x.length);
        assertSameFloats(expected, actual, "hardSwish");
    }

    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void hardSwishEqualsScalarExactly(int bits) {
        IslandElementwise vector = KernelProvider.vector(new IslandElementwiseFamily(), bits);
        Random random = new Random(bits);
        int lanes = bits / Float.SIZE;
        for (int length : new int[] {0, 1, 2, 7, 13, lanes - 1, lanes, lanes + 1, 2 * lanes - 1, 3 * lanes + 5, 1031}) {
            for (int from : new int[] {0, 1, 3}) {
                float[] x = values(random, from + length + 2);
                float[] expected = new float[x.length];
                float[] actual = new float[x.length];
                scalar.hardSwish(x, expected, from, from + length);
                vector.hardSwish(x, actual, from, from + length);
                assertSameFloats(expected, actual, "length " + length + " from " + from);
                float[] inPlace = x.clone();
                vector.hardSwish(inPlace, inPlace, from, from + length);
                scalar.hardSwish(x, x, from, from + length);
                assertSameFloats(x, inPlace, "in place, length " + length + " from " + from);
            }
        }
    }

    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void perChannelMultiplyAndAddEqualScalarExactly(int bits) {
        IslandElementwise vector = KernelProvider.vector(new IslandElementwiseFamily(), bits);
        Random random = new Random(bits * 7L);
        int lanes = bits / Float.SIZE;
        for (int c : new int[] {1, 5, 16, 17, 24, 72, 97, lanes - 1, lanes, lanes + 1}) {
            for (int rows : new int[] {1, 3, 49}) {
                int off = random.nextInt(4);
                int sOff = random.nextInt(4);
                float[] x = values(random, off + rows * c + 3);
                float[] s = values(random, sOff + c + 2);
                for (boolean multiply : new boolean[] {true, false}) {
                    float[] expected = new float[x.length];
                    float[] actual = new float[x.length];
                    if (multiply) {
                        scalar.multiplyChannels(rows, c, x, off, s, sOff, expected);
                        vector.multiplyChannels(rows, c, x, off, s, sOff, actual);
                    } else {
                        scalar.addChannels(rows, c, x, off, s, sOff, expected);
                        vector.addChannels(rows, c, x, off, s, sOff, actual);
                    }
                    assertSameFloats(expected, actual, (multiply ? "multiply" : "add") + " c=" + c + " rows=" + rows);
                }
            }
        }
    }
}
