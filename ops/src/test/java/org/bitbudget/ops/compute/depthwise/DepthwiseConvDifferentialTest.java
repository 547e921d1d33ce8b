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
 * for output widths in {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 65} (below, at and around one
 * and two vectors of every width), output heights 1, 2 and 5, filters 1x1, 1x3, 3x1, 3x3, 5x5 and
 * 7x2, dilations 1 and 2, height strides 1 and 2, random offsets and row strides wider than needed,
 * and three kinds of values (uniform random; adversarial finite values that overflow to infinities
 * and NaN, subnormals and zeros of both signs; the same with NaN and infinities in the inputs). Bit
 * for bit as in the SGEMM test: all bits of non-NaN values, NaN exactly where the scalar twin has
 * NaN. The padding around the output must stay untouched, input and filter unchanged, and for random
 * values the scalar twin must equal the contract of {@link DepthwiseConv} computed here directly.
 * All at every vector width this JVM runs ({@link KernelProvider#widths()}).
 */
class DepthwiseConvDifferentialTest {
    private static final int[] WIDTHS = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 65};
    private static final int[][] FILTERS = {{1, 1}, {1, 3}, {3, 1}, {3, 3}, {5, 5}, {7, 2}};

    private final DepthwiseConv scalar = new ScalarDepthwiseConv();

    /** What the planes hold. */
    enum Values {
        RANDOM,
        ADVERSARIAL,
        NON_FINITE
    }

    static Stream<Arguments> widthsFiltersAndValues() {
        return KernelProvider.widths().stream()
                .flatMap(bits -> Arrays.stream(FILTERS)
                        .flatMap(f -> Arrays.stream(Values.values()).map(v -> Arguments.of(bits, f[0], f[1], v))));
    }

    @ParameterizedTest(name = "{0}-bit vectors, {1}x{2} filter, {3} values")
    @MethodSource("widthsFiltersAndValues")
    void vectorEqualsScalarBitForBit(int bits, int kH, int kW, Values values) {
        DepthwiseConv vector = KernelProvider.vector(new DepthwiseConvFamily(), bits);
        Random random = new Random(100L * kH + 10L * kW + values.ordinal());
        for (int outW : WIDTHS) {
            for (int outH : new int[] {1, 2, 5}) {
                for (int dilation = 1; dilation <= 2; dilation++) {
                    for (int sH = 1; sH <= 2; sH++) {
                        int inOff = random.nextInt(6);
                        int wOff = random.nextInt(4);
                        int outOff = random.nextInt(6);
                        int inW = outW + (kW - 1) * dilation + random.nextInt(3);
                        int inH = (outH - 1) * sH + (kH - 1) * dilation + 1;
                        float[] in = fill(random, values, inOff + inH * inW + random.nextInt(3));
                        float[] w = fill(random, values, wOff + kH * kW + random.nextInt(3));
                        float[] out = fill(random, values, outOff + outH * outW + random.nextInt(3));
                        float bias = fill(random, values, 1)[0];
                        float[] inBefore = in.clone();
                        float[] wBefore = w.clone();
                        float[] fromScalar = out.clone();
                        float[] fromVector = out.clone();

                        scalar.convolve(
                                in,
                                inOff,
                                inW,
                                w,
                                wOff,
                                kH,
                                kW,
                                dilation,
                                dilation,
                                sH,
                                bias,
                                fromScalar,
                                outOff,
                                outH,
                                outW);
                        vector.convolve(
                                in,
                                inOff,
                                inW,
                                w,
                                wOff,
                                kH,
                                kW,
                                dilation,
                                dilation,
                                sH,
                                bias,
                                fromVector,
                                outOff,
                                outH,
                                outW);

                        String where = "out " + outH + "x" + outW + " dilation " + dilation + " stride " + sH
                                + " offsets " + inOff + "/" + wOff + "/" + outOff + " row stride " + inW;
                        assertSameBits(fromScalar, fromVector, where);
                        assertArrayEquals(inBefore, in, where + ": input changed");
                        assertArrayEquals(wBefore, w, where + ": filter changed");
                        for (int x = 0; x < out.length; x++) {
                            if (x < outOff || x >= outOff + outH * outW) {
                                assertEquals(
                                        Float.floatToIntBits(out[x]),
                                        Float.floatToIntBits(fromVector[x]),
                                        where + ": padding of the output at " + x + " written");
                            }
                        }
                        if (values == Values.RANDOM) {
                            float[] expected = out.clone();
                            for (int oh = 0; oh < outH; oh++) {
                                for (int ow = 0; ow < outW; ow++) {
                                    float acc = bias;
                                    for (int ki = 0; ki < kH; ki++) {
                                        for (int kj = 0; kj < kW; kj++) {
                                            float x = in[inOff + (oh * sH + ki * dilation) * inW + ow + kj * dilation];
                                            acc = Math.fma(w[wOff + ki * kW + kj], x, acc);
                                        }
                                    }
                                    expected[outOff + oh * outW + ow] = acc;
                                }
                            }
                            assertSameBits(expected, fromScalar, where);
                        }
                    }
                }
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
