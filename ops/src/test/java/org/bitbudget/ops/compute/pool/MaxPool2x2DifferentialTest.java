package org.bitbudget.ops.compute.pool;

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
 * Checks that {@link VectorMaxPool2x2} gives exactly the floats {@link ScalarMaxPool2x2} gives, and
 * that the scalar twin follows the rule of {@link MaxPool2x2} (first largest value, or last NaN),
 * for input heights and widths in {2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 18, 28, 31, 33, 34} (sizes
 * below, at and around the vector length and its half, plus lenet5's 28), strides 1 to 3 on each
 * axis, one and three planes, in arrays exactly as long as the planes (so the last window of a row
 * ends at the array's end), and three kinds of values: uniform random; adversarial (mostly zeros of
 * both signs, ties, subnormals, ±Float.MAX_VALUE); and the same with NaNs (quiet, with payloads and
 * either sign) and infinities.
 *
 * <p>Bit for bit means {@link Float#floatToRawIntBits}, NaN payloads included: both kernels return
 * one of the window's own values, so even a NaN must be the same one. The input must stay unchanged
 * and the output array past the planes unwritten. All of it at every vector width this JVM runs
 * ({@link KernelProvider#widths()}), each width its own copy of the kernel.
 */
class MaxPool2x2DifferentialTest {
    private static final int[] SIZES = {2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 18, 28, 31, 33, 34};
    private static final float[] NANS = {
        Float.NaN, Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffc12345), Float.intBitsToFloat(0x7fffffff)
    };
    private static final float SENTINEL = 12345.5f;

    private final MaxPool2x2 scalar = new ScalarMaxPool2x2();

    /** What the input holds. */
    enum Values {
        RANDOM,
        ADVERSARIAL,
        NON_FINITE
    }

    static Stream<Arguments> bitsWidthsAndValues() {
        return KernelProvider.widths().stream()
                .flatMap(bits -> Arrays.stream(SIZES)
                        .boxed()
                        .flatMap(w -> Arrays.stream(Values.values()).map(v -> Arguments.of(bits, w, v))));
    }

    @ParameterizedTest(name = "{0}-bit vectors, inW={1}, {2} values")
    @MethodSource("bitsWidthsAndValues")
    void vectorEqualsScalarBitForBit(int bits, int inW, Values values) {
        MaxPool2x2 vector = KernelProvider.vector(new MaxPoolFamily(), bits);
        Random random = new Random(1000L * inW + values.ordinal());
        for (int inH : SIZES) {
            for (int sH = 1; sH <= 3; sH++) {
                for (int sW = 1; sW <= 3; sW++) {
                    for (int planes : new int[] {1, 3}) {
                        int outH = (inH - 2) / sH + 1;
                        int outW = (inW - 2) / sW + 1;
                        float[] in = fill(random, values, planes * inH * inW);
                        float[] before = in.clone();
                        float[] fromScalar = new float[planes * outH * outW + 3];
                        Arrays.fill(fromScalar, SENTINEL);
                        float[] fromVector = fromScalar.clone();

                        scalar.pool(in, inH, inW, sH, sW, fromScalar, outH, outW, planes);
                        vector.pool(in, inH, inW, sH, sW, fromVector, outH, outW, planes);

                        String where = planes + " planes of " + inH + "x" + inW + ", strides " + sH + "x" + sW;
                        assertSameBits(fromScalar, fromVector, where);
                        assertSameBits(rule(in, inH, inW, sH, sW, outH, outW, planes), fromScalar, where + ", rule");
                        assertArrayEquals(before, in, where + ": input changed");
                    }
                }
            }
        }
    }

    /** {@link MaxPool2x2}'s definition, computed directly, with the sentinels of the output's padding. */
    private static float[] rule(float[] in, int inH, int inW, int sH, int sW, int outH, int outW, int planes) {
        float[] out = new float[planes * outH * outW + 3];
        Arrays.fill(out, SENTINEL);
        for (int p = 0; p < planes; p++) {
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    float best = Float.NaN;
                    boolean first = true;
                    for (int i = 0; i < 2; i++) {
                        for (int j = 0; j < 2; j++) {
                            float v = in[(p * inH + oh * sH + i) * inW + ow * sW + j];
                            if (first || v > best || Float.isNaN(v)) {
                                best = v;
                                first = false;
                            }
                        }
                    }
                    out[(p * outH + oh) * outW + ow] = best;
                }
            }
        }
        return out;
    }

    private static float[] fill(Random random, Values values, int length) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = switch (values) {
                case RANDOM -> random.nextFloat() * 2 - 1;
                case ADVERSARIAL -> adversarial(random);
                case NON_FINITE -> random.nextInt(6) == 0 ? nonFinite(random) : adversarial(random);
            };
        }
        return v;
    }

    /** Zeros of both signs half of the time, so that most windows tie or hold -0. */
    private static float adversarial(Random random) {
        float sign = random.nextBoolean() ? 1f : -1f;
        return switch (random.nextInt(10)) {
            case 0, 1, 2, 3, 4 -> sign * 0f;
            case 5 -> sign * Float.MAX_VALUE;
            case 6 -> sign * Float.MIN_VALUE;
            case 7 -> sign * Float.intBitsToFloat(1 + random.nextInt(0x007F_FFFF));
            case 8 -> sign;
            default -> random.nextFloat() * 2 - 1;
        };
    }

    private static float nonFinite(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> NANS[random.nextInt(NANS.length)];
            case 1 -> Float.POSITIVE_INFINITY;
            default -> Float.NEGATIVE_INFINITY;
        };
    }

    private static void assertSameBits(float[] expected, float[] actual, String where) {
        assertEquals(expected.length, actual.length, where);
        for (int x = 0; x < expected.length; x++) {
            int e = Float.floatToRawIntBits(expected[x]);
            int a = Float.floatToRawIntBits(actual[x]);
            if (e != a) {
                assertEquals(
                        expected[x] + " (0x" + Integer.toHexString(e) + ")",
                        actual[x] + " (0x" + Integer.toHexString(a) + ")",
                        where + ", element " + x);
            }
        }
    }
}
