package org.bitbudget.ops.compute.blocked;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.bitbudget.ops.compute.Elementwise;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Elementwise#hardSwish(float)}, the one HardSwish definition, against a straightforward
 * reference of the same formula (the clamp as two comparisons, as the vector kernels write it), and
 * the JIT-vectorised loop against the blocked depthwise pass in use over every one of the 2^32 floats
 * (NaN as NaN): the copies give the same bits for every input, not only the ones a random test draws.
 * Every width of the blocked pass goes through a million random bit patterns, and the
 * corners (signed zeros, infinities, NaN, the knees at -3 and 3) have their values checked by name;
 * random values stay close to the formula computed in double.
 */
class HardSwishExhaustiveTest {
    /** Floats per chunk of the exhaustive sweep: in cache, and 4,096 chunks in all. */
    private static final int CHUNK = 1 << 20;

    /** The ONNX formula with the clamp written as two comparisons; the gate is never -0.0. */
    private static float reference(float x) {
        float gate = Math.fma(x, 1f / 6, 0.5f);
        if (gate > 1f) {
            gate = 1f;
        }
        if (gate < 0f) {
            gate = 0f;
        }
        return x * gate;
    }

    static Stream<Integer> widths() {
        return KernelProvider.widths().stream();
    }

    /**
     * The JIT-vectorised loop (the clamp as Math.min and Math.max) and the blocked pass in use (the
     * clamp as two compare-and-blends) on all 2^32 floats, compared a chunk at a time with
     * Arrays.equals (Float.floatToIntBits: NaN as NaN, -0.0 apart from +0.0): about three seconds.
     */
    @Test
    void everyFloatGivesTheSameBitsInTheLoopAndTheBlockedPass() {
        BlockedDepthwiseConv pass = BlockedDepthwiseConv.get();
        float[] in = new float[CHUNK];
        float[] loop = new float[CHUNK];
        float[] blocked = new float[CHUNK];
        for (long start = 0; start < 1L << 32; start += CHUNK) {
            for (int i = 0; i < CHUNK; i++) {
                in[i] = Float.intBitsToFloat((int) (start + i));
            }
            Elementwise.hardSwish(in, loop, 0, CHUNK);
            System.arraycopy(in, 0, blocked, 0, CHUNK);
            pass.hardSwish(blocked, 0, CHUNK);
            if (!Arrays.equals(loop, blocked)) {
                int i = Arrays.mismatch(loop, blocked);
                assertEquals(loop[i], blocked[i], "blocked pass at " + in[i]);
            }
        }
    }

    /** The one definition, per element outside any loop the JIT vectorises, is the reference. */
    @Test
    void scalarDefinitionIsTheReference() {
        Random random = new Random(1);
        for (int n = 0; n < 4_000_000; n++) {
            float x = Float.intBitsToFloat(n < 2_000_000 ? random.nextInt() : Float.floatToIntBits(3f) - 3_000_000 + n);
            assertEquals(reference(x), Elementwise.hardSwish(x), "at " + x);
            assertEquals(reference(-x), Elementwise.hardSwish(-x), "at " + -x);
        }
    }

    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void randomBitPatternsGiveTheSameBitsAtEveryWidth(int bits) {
        BlockedDepthwiseConv vector = KernelProvider.vector(new BlockedDepthwiseConvFamily(), bits);
        Random random = new Random(bits);
        float[] v = new float[CHUNK + 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.intBitsToFloat(random.nextInt());
        }
        float[] expected = v.clone();
        vector.hardSwish(v, 1, v.length);
        assertEquals(Float.floatToRawIntBits(expected[0]), Float.floatToRawIntBits(v[0]), "untouched");
        for (int i = 1; i < v.length; i++) {
            assertEquals(
                    Float.floatToIntBits(reference(expected[i])),
                    Float.floatToIntBits(v[i]),
                    "at " + expected[i] + ", " + bits + " bits");
        }
    }

    @Test
    void cornersHaveTheOnnxValues() {
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Elementwise.hardSwish(-0f)), "-0");
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(Elementwise.hardSwish(0f)), "+0");
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Elementwise.hardSwish(-3f)), "-3");
        assertEquals(3f, Elementwise.hardSwish(3f), "3");
        assertEquals(-0f, Elementwise.hardSwish(-1e30f), "far below -3");
        assertEquals(1e30f, Elementwise.hardSwish(1e30f), "far above 3");
        assertEquals(Float.POSITIVE_INFINITY, Elementwise.hardSwish(Float.POSITIVE_INFINITY), "+inf");
        assertTrue(Float.isNaN(Elementwise.hardSwish(Float.NEGATIVE_INFINITY)), "-inf times a gate of 0");
        assertTrue(Float.isNaN(Elementwise.hardSwish(Float.NaN)), "NaN");
        // The smallest subnormal times a gate of 0.5 is a tie, rounded to the even +0.0.
        assertEquals(0f, Elementwise.hardSwish(Float.MIN_VALUE), "subnormal");
        assertEquals(Float.MIN_NORMAL / 2, Elementwise.hardSwish(Float.MIN_NORMAL), "smallest normal");
    }

    @Test
    void randomValuesAreCloseToTheFormulaInDouble() {
        Random random = new Random(6);
        for (int n = 0; n < 1_000_000; n++) {
            float x = (float) (random.nextGaussian() * 4);
            double exact = x * Math.max(0d, Math.min(1d, x / 6d + 0.5));
            float y = Elementwise.hardSwish(x);
            // Two roundings, and 1/6 as a float (5e-9 off), which near -3 moves a gate close to 0 by
            // a large part of itself: x * x * 5e-9 more.
            double tolerance = 2 * Math.ulp((float) exact) + x * x * 5e-9;
            assertTrue(Math.abs(y - exact) <= tolerance, () -> x + " gives " + y + ", not " + exact);
        }
    }
}
