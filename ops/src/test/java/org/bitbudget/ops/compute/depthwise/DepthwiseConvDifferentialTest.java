package org.bitbudget.ops.compute.depthwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks that {@link VectorDepthwiseConv} gives exactly the floats {@link ScalarDepthwiseConv} gives,
 * for runs of n in {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 67, 129} outputs
 * (below, at and around one, two and four vectors of every width, and odd primes), filters of 1, 3,
 * 9, 14 and 25 taps (1x1, 1x3, 3x3, 7x2, 5x5) at random offsets of the input (as the phases of a
 * padded plane give them), random offsets of filter and output, and three kinds of values (uniform
 * random; adversarial finite values that overflow to infinities and NaN, subnormals and zeros of
 * both signs; the same with NaN and infinities in the inputs). Bit for bit as in the SGEMM test: all
 * bits of non-NaN values, NaN exactly where the scalar twin has NaN. The padding around the output
 * must stay untouched, input and filter unchanged, and for random values the scalar twin must equal
 * the contract of {@link DepthwiseConv} computed here directly. All at every vector width this JVM
 * runs ({@link KernelProvider#widths()}).
 */
class DepthwiseConvDifferentialTest {
    private static final int[] RUNS = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 67, 129};
    private static final int[] TAPS = {1, 3, 9, 14, 25};

    private final DepthwiseConv scalar = new ScalarDepthwiseConv();

    /** What the planes hold. */
    enum Values {
        RANDOM,
        ADVERSARIAL,
        NON_FINITE
    }

    static Stream<Arguments> widthsTapsAndValues() {
        return KernelProvider.widths().stream()
                .flatMap(bits -> Arrays.stream(TAPS)
                        .boxed()
                        .flatMap(k -> Arrays.stream(Values.values()).map(v -> Arguments.of(bits, k, v))));
    }

    @ParameterizedTest(name = "{0}-bit vectors, {1} taps, {2} values")
    @MethodSource("widthsTapsAndValues")
    void vectorEqualsScalarBitForBit(int bits, int k, Values values) {
        DepthwiseConv vector = KernelProvider.vector(new DepthwiseConvFamily(), bits);
        Random random = new Random(100L * k + values.ordinal() + bits);
        for (int n : RUNS) {
            int wOff = random.nextInt(4);
            int outOff = random.nextInt(6);
            int inLength = n + 2 * k + random.nextInt(9);
            float[] in = fill(random, values, inLength);
            int[] taps = new int[k + random.nextInt(3)];
            for (int q = 0; q < taps.length; q++) {
                taps[q] = random.nextInt(inLength - n + 1);
            }
            float[] w = fill(random, values, wOff + k + random.nextInt(3));
            float[] out = fill(random, values, outOff + n + random.nextInt(3));
            float bias = fill(random, values, 1)[0];
            float[] inBefore = in.clone();
            float[] wBefore = w.clone();
            float[] fromScalar = out.clone();
            float[] fromVector = out.clone();

            scalar.convolve(in, taps, k, w, wOff, bias, fromScalar, outOff, n);
            vector.convolve(in, taps, k, w, wOff, bias, fromVector, outOff, n);

            String where = "run of " + n + ", taps " + Arrays.toString(taps) + " offsets " + wOff + "/" + outOff;
            assertSameBits(fromScalar, fromVector, where);
            assertArrayEquals(inBefore, in, where + ": input changed");
            assertArrayEquals(wBefore, w, where + ": filter changed");
            for (int x = 0; x < out.length; x++) {
                if (x < outOff || x >= outOff + n) {
                    assertEquals(
                            Float.floatToIntBits(out[x]),
                            Float.floatToIntBits(fromVector[x]),
                            where + ": padding of the output at " + x + " written");
                }
            }
            if (values == Values.RANDOM) {
                float[] expected = out.clone();
                for (int t = 0; t < n; t++) {
                    float acc = bias;
                    for (int q = 0; q < k; q++) {
                        acc = Math.fma(w[wOff + q], in[taps[q] + t], acc);
                    }
                    expected[outOff + t] = acc;
                }
                assertSameBits(expected, fromScalar, where);
            }
        }
    }

    /**
     * {@link DepthwiseConv#convolveBlock}: n pixels (the same run lengths) whose windows start at
     * random block-aligned offsets, taps at random block-aligned offsets, random offsets of filter,
     * bias and output in whole blocks, each lane its own channel; bit for bit, the output's padding
     * untouched, and the scalar twin (one lane) equal to the contract with the vector's lanes.
     */
    @ParameterizedTest(name = "{0}-bit vectors, {1} taps, {2} values, blocks of channels")
    @MethodSource("widthsTapsAndValues")
    void blockEqualsScalarBitForBit(int bits, int k, Values values) {
        DepthwiseConv vector = KernelProvider.vector(new DepthwiseConvFamily(), bits);
        int lanes = vector.channelsPerBlock();
        Random random = new Random(300L * k + values.ordinal() + bits);
        for (int n : RUNS) {
            int positions = n + 2 * k + random.nextInt(9);
            float[] in = fill(random, values, (positions + 1) * lanes);
            int[] pixels = new int[n];
            for (int j = 0; j < n; j++) {
                pixels[j] = random.nextInt(positions / 2 + 1) * lanes;
            }
            int[] taps = new int[k];
            for (int q = 0; q < k; q++) {
                taps[q] = random.nextInt(positions / 2) * lanes;
            }
            int inOff = random.nextInt(2) * lanes;
            int wOff = random.nextInt(3) * lanes;
            int biasOff = random.nextInt(3) * lanes;
            int outOff = random.nextInt(3) * lanes;
            float[] w = fill(random, values, wOff + k * lanes);
            float[] bias = fill(random, values, biasOff + lanes);
            float[] out = fill(random, values, outOff + n * lanes + lanes);
            float[] inBefore = in.clone();
            float[] fromVector = out.clone();
            vector.convolveBlock(in, inOff, pixels, n, taps, k, w, wOff, bias, biasOff, fromVector, outOff);
            // The scalar twin has one lane per block: lane l is the block that starts l floats later.
            float[] fromScalar = out.clone();
            for (int l = 0; l < lanes; l++) {
                float[] scalarW = new float[k];
                for (int q = 0; q < k; q++) {
                    scalarW[q] = w[wOff + q * lanes + l];
                }
                float[] lane = new float[n];
                scalar.convolveBlock(in, inOff + l, pixels, n, taps, k, scalarW, 0, bias, biasOff + l, lane, 0);
                for (int j = 0; j < n; j++) {
                    fromScalar[outOff + j * lanes + l] = lane[j];
                }
            }
            String where = "block of " + n + " pixels, " + lanes + " lanes, offsets " + inOff + "/" + wOff + "/"
                    + biasOff + "/" + outOff;
            assertSameBits(fromScalar, fromVector, where);
            assertArrayEquals(inBefore, in, where + ": input changed");
            if (values == Values.RANDOM) {
                float[] expected = out.clone();
                for (int j = 0; j < n; j++) {
                    for (int l = 0; l < lanes; l++) {
                        float acc = bias[biasOff + l];
                        for (int q = 0; q < k; q++) {
                            acc = Math.fma(w[wOff + q * lanes + l], in[inOff + pixels[j] + taps[q] + l], acc);
                        }
                        expected[outOff + j * lanes + l] = acc;
                    }
                }
                assertSameBits(expected, fromScalar, where);
            }
        }
    }

    private static float[] fill(Random random, Values values, int length) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = switch (values) {
                case RANDOM -> random.nextFloat() * 2 - 1;
                case ADVERSARIAL -> adversarial(random);
                case NON_FINITE -> random.nextInt(8) == 0 ? nonFinite(random) : adversarial(random);
            };
        }
        return v;
    }

    private static float adversarial(Random random) {
        float sign = random.nextBoolean() ? 1f : -1f;
        return switch (random.nextInt(9)) {
            case 0 -> sign * Float.MAX_VALUE / 2;
            case 1 -> sign * Float.MIN_VALUE;
            case 2 -> sign * Float.intBitsToFloat(1 + random.nextInt(0x007F_FFFF));
            case 3 -> sign * Float.MIN_NORMAL;
            case 4 -> sign * 0f;
            case 5 -> sign;
            case 6 -> sign * Math.nextUp(1f);
            case 7 -> sign * 1e20f;
            default -> random.nextFloat() * 2 - 1;
        };
    }

    private static float nonFinite(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> Float.NaN;
            case 1 -> Float.POSITIVE_INFINITY;
            default -> Float.NEGATIVE_INFINITY;
        };
    }

    private static void assertSameBits(float[] expected, float[] actual, String where) {
        assertEquals(expected.length, actual.length, where);
        for (int x = 0; x < expected.length; x++) {
            int e = Float.floatToIntBits(expected[x]);
            int a = Float.floatToIntBits(actual[x]);
            if (e != a) {
                assertEquals(
                        Float.toString(expected[x]) + " (0x" + Integer.toHexString(e) + ")",
                        Float.toString(actual[x]) + " (0x" + Integer.toHexString(a) + ")",
                        where + ", element " + x);
            }
        }
    }
}
