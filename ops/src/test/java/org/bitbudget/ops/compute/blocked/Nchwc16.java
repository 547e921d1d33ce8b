package org.bitbudget.ops.compute.blocked;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

/**
 * The tests' own reorder between NCHW and NCHWc16 (channel c of pixel i of image n at {@code ((n * CB + c
 * / 16) * plane + i) * 16 + c % 16}, padded lanes zero), and the value sets and bit comparisons they share.
 */
final class Nchwc16 {
    static final int BLOCK = 16;

    private Nchwc16() {}

    static int blocks(int channels) {
        return (channels + BLOCK - 1) / BLOCK;
    }

    /** NCHW [n][c][plane] to blocked, at {@code off} of a new array of {@code off + size + tail} floats. */
    static float[] toBlocked(float[] x, int n, int c, int plane, int off, int tail) {
        int cb = blocks(c);
        float[] out = new float[off + n * cb * plane * BLOCK + tail];
        for (int img = 0; img < n; img++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < plane; i++) {
                    out[off + ((img * cb + ch / BLOCK) * plane + i) * BLOCK + ch % BLOCK] =
                            x[(img * c + ch) * plane + i];
                }
            }
        }
        return out;
    }

    /** Blocked at {@code off} back to NCHW [n][c][plane], checking that every padded lane is +0.0. */
    static float[] fromBlocked(float[] b, int off, int n, int c, int plane, String where) {
        int cb = blocks(c);
        float[] out = new float[n * c * plane];
        for (int img = 0; img < n; img++) {
            for (int ch = 0; ch < cb * BLOCK; ch++) {
                for (int i = 0; i < plane; i++) {
                    float v = b[off + ((img * cb + ch / BLOCK) * plane + i) * BLOCK + ch % BLOCK];
                    if (ch < c) {
                        out[(img * c + ch) * plane + i] = v;
                    } else {
                        assertEquals(0, Float.floatToRawIntBits(v), where + ": padded channel " + ch + " not +0.0");
                    }
                }
            }
        }
        return out;
    }

    static float[] random(Random random, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            // Some exact zeros of either sign and values past HardSwish's and Clip's corners.
            v[i] = switch (random.nextInt(16)) {
                case 0 -> 0f;
                case 1 -> -0f;
                default -> random.nextFloat() * 8f - 4f;
            };
        }
        return v;
    }

    /**
     * Values for the kernels without a sign-sensitive activation: {@link #random} mixed with signed zeros,
     * subnormals, huge values, infinities and NaNs.
     */
    static float[] adversarial(Random random, int size) {
        float[] special = {
            -0f,
            Float.MIN_VALUE,
            -Float.MIN_VALUE,
            3e38f,
            -3e38f,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            Float.NaN
        };
        float[] v = random(random, size);
        for (int i = 0; i < size; i++) {
            if (random.nextInt(8) == 0) {
                v[i] = special[random.nextInt(special.length)];
            }
        }
        return v;
    }

    /**
     * Every element's bits, the first difference named; every NaN counts as one value (IEEE 754 leaves
     * a NaN result's payload to the hardware, which may pick another operand's in a vector unit).
     */
    static void assertSameBits(float[] expected, float[] actual, String where) {
        assertEquals(expected.length, actual.length, where + ": lengths");
        for (int i = 0; i < expected.length; i++) {
            if (Float.isNaN(expected[i]) && Float.isNaN(actual[i])) {
                continue;
            }
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                assertEquals(expected[i], actual[i], where + ": element " + i + " of " + expected.length);
                assertEquals(
                        Float.floatToRawIntBits(expected[i]),
                        Float.floatToRawIntBits(actual[i]),
                        where + ": bits of element " + i);
            }
        }
    }
}
