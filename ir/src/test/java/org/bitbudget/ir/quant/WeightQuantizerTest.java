package org.bitbudget.ir.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link WeightQuantizer} on small weights worked out by hand (scales chosen as powers of two
 * so every expected value is exact):
 * <ul>
 *   <li>per-tensor int4 with max clipping: scale = max|w| / 7, round half to even;</li>
 *   <li>per-channel on axis 0 of a convolution weight [M, C, kh, kw] and on axis 1 of a [K, N]
 *       matrix, and axis 1 agreeing with axis 0 of the transpose on random data (also per-vector);</li>
 *   <li>per-vector(4) VS-Quant two-level scales: per-vector scale s_v = max|w_v| / 7, channel scale
 *       γ = max_v s_v / 63, integer code round(s_v / γ) clamped to 1..63 (6 bits), values quantized
 *       with code·γ, including a tail vector and an all-zero channel;</li>
 *   <li>uint4 with a zero point: scale = (hi − lo) / 15, zero point = round(−lo / scale), zero maps
 *       exactly to zero;</li>
 *   <li>a residual: int2 + int4 residual equals Q1 + Q2(W − Q1) bit for bit and has a lower squared
 *       error than int2 alone;</li>
 *   <li>an all-zero vector does not change the scale of the other vectors of its channel;</li>
 *   <li>the numbers of scales, per-vector scales and zero points the {@link WeightQuantizer.Result}
 *       reports, float passing through (every float spec equal to {@link QuantizerSpec#FLOAT}), all-zero
 *       weights staying zero, and the rejected cases.</li>
 * </ul>
 */
class WeightQuantizerTest {
    private static final NumberFormat INT4 = NumberFormat.parse("int4");

    @Test
    void perTensorInt4() {
        Tensor w = Tensor.of(Shape.of(2, 3), new float[] {3.5f, -1.25f, 0.75f, 0.2f, -3f, 2.25f});
        WeightQuantizer.Result r =
                WeightQuantizer.quantize(w, 0, new QuantizerSpec(INT4, Granularity.PER_TENSOR, Clipping.MAX, null));
        // scale 3.5 / 7 = 0.5; w / scale = 7, -2.5, 1.5, 0.4, -6, 4.5 -> 7, -2, 2, 0, -6, 4
        assertArrayEquals(new float[] {3.5f, -1f, 1f, 0f, -3f, 2f}, r.tensor().data());
        assertEquals(Shape.of(2, 3), r.tensor().shape());
        assertCounts(r, 1, 0, 0);
    }

    @Test
    void perChannelOnAxisZeroOfAConvolutionWeight() {
        // [M=2, C=1, 2, 2]: channel 0 has max 7 (scale 1), channel 1 max 0.875 (scale 0.125).
        Tensor w =
                Tensor.of(Shape.of(2, 1, 2, 2), new float[] {7f, -2.5f, 0.5f, 3.2f, 0.875f, 0.3f, -0.0625f, -0.4375f});
        WeightQuantizer.Result r = WeightQuantizer.quantize(w, 0, QuantizerSpec.weights(INT4));
        assertArrayEquals(
                new float[] {
                    7f, -2f, 0f, 3f, // 7, -2.5, 0.5, 3.2 -> 7, -2, 0, 3
                    0.875f, 0.25f, -0f, -0.5f
                }, // 7, 2.4, -0.5, -3.5 -> 7, 2, -0, -4 (times 0.125)
                r.tensor().data());
        assertCounts(r, 2, 0, 0);
    }

    @Test
    void perChannelOnAxisOneOfAMatrix() {
        // [K=3, N=2]: column 0 has max 7 (scale 1), column 1 max 1.75 (scale 0.25).
        Tensor w = Tensor.of(Shape.of(3, 2), new float[] {7f, 1.75f, 1.6f, 0.3f, -3.5f, -0.125f});
        WeightQuantizer.Result r = WeightQuantizer.quantize(w, 1, QuantizerSpec.weights(INT4));
        assertArrayEquals(
                new float[] {
                    7f, 1.75f, // 7 -> 7 | 7 -> 7
                    2f, 0.25f, // 1.6 -> 2 | 1.2 -> 1
                    -4f, -0f
                }, // -3.5 -> -4 | -0.5 -> -0
                r.tensor().data());
        assertCounts(r, 2, 0, 0);
    }

    @Test
    void axisOneIsAxisZeroOfTheTranspose() {
        SplittableRandom random = new SplittableRandom(3);
        int k = 11;
        int n = 5;
        float[] w = new float[k * n];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        for (QuantizerSpec spec : new QuantizerSpec[] {
            QuantizerSpec.weights(INT4),
            new QuantizerSpec(NumberFormat.parse("fp4-e2m1"), Granularity.PER_CHANNEL, Clipping.MSE, null),
            new QuantizerSpec(INT4, Granularity.perVector(4), Clipping.MAX, null),
            new QuantizerSpec(NumberFormat.parse("uint4"), Granularity.PER_CHANNEL, Clipping.MAX, null)
        }) {
            float[] byAxisOne = WeightQuantizer.quantize(Tensor.of(Shape.of(k, n), w.clone()), 1, spec)
                    .tensor()
                    .data();
            float[] byTranspose = transpose(
                    WeightQuantizer.quantize(Tensor.of(Shape.of(n, k), transpose(w, k, n)), 0, spec)
                            .tensor()
                            .data(),
                    n,
                    k);
            assertArrayEquals(byTranspose, byAxisOne, spec.toString());
        }
    }

    @Test
    void perVectorTwoLevelScales() {
        // [2 channels, K=10] on axis 0, vectors of 4: two full vectors and a tail of 2.
        float[] w = {
            27.5625f, -5.90625f, 10f, 0f, 4.55f, 1.25f, -0.9375f, 0.3f, 0.01f, -0.05f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f,
            0f, 0f
        };
        WeightQuantizer.Result r = WeightQuantizer.quantize(
                Tensor.of(Shape.of(2, 10), w),
                0,
                new QuantizerSpec(INT4, Granularity.perVector(4), Clipping.MAX, null));
        // Channel 0: s = 27.5625/7 = 3.9375, 4.55/7 = 0.65, 0.05/7 = 0.00714; gamma = 3.9375/63 = 0.0625.
        // Codes: 63, round(10.4) = 10, round(0.114) = 0 -> clamped to 1. Vector scales 3.9375, 0.625, 0.0625.
        //   v0: 7, -1.5, 2.54, 0 -> 7, -2, 3, 0       (x 3.9375)
        //   v1: 7.28, 2, -1.5, 0.48 -> 7, 2, -2, 0    (x 0.625; the rounded-down code clips 4.55 to 4.375)
        //   v2: 0.16, -0.8 -> 0, -1                   (x 0.0625)
        // Channel 1 is all zero: it stays zero.
        assertArrayEquals(
                new float[] {
                    27.5625f, -7.875f, 11.8125f, 0f, 4.375f, 1.25f, -1.25f, 0f, 0f, -0.0625f, 0f, 0f, 0f, 0f, 0f, 0f,
                    0f, 0f, 0f, 0f
                },
                r.tensor().data());
        assertCounts(r, 2, 6, 0);
        assertEquals(6, Granularity.VECTOR_SCALE_BITS);
    }

    @Test
    void anAllZeroVectorLeavesItsChannelScaleAlone() {
        // s_v of an all-zero vector is 0, so gamma = max_v s_v / 63 comes from the other vectors only:
        // the non-zero vector must quantize exactly as it does in a channel of its own.
        QuantizerSpec spec = new QuantizerSpec(INT4, Granularity.perVector(4), Clipping.MAX, null);
        float[] alone = {0.4375f, -0.1f, 0.2f, 0.03f};
        float[] withZeros = {0.4375f, -0.1f, 0.2f, 0.03f, 0f, 0f, 0f, 0f};
        float[] expected = WeightQuantizer.quantize(Tensor.of(Shape.of(1, 4), alone), 0, spec)
                .tensor()
                .data();
        float[] actual = WeightQuantizer.quantize(Tensor.of(Shape.of(1, 8), withZeros), 0, spec)
                .tensor()
                .data();
        assertArrayEquals(expected, Arrays.copyOf(actual, 4));
        assertArrayEquals(new float[4], Arrays.copyOfRange(actual, 4, 8));
    }

    @Test
    void perVectorRejectsUnsignedFormats() {
        Tensor w = Tensor.of(Shape.of(2, 4), new float[8]);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> WeightQuantizer.quantize(
                        w,
                        0,
                        new QuantizerSpec(NumberFormat.parse("uint4"), Granularity.perVector(4), Clipping.MAX, null)));
        assertTrue(e.getMessage().contains("uint4"), e.getMessage());
    }

    @Test
    void unsignedFormatWithAZeroPoint() {
        // lo = -0.875, hi = 2.875: scale 3.75 / 15 = 0.25, zero point round(3.5) = 4 (half to even).
        float[] w = {-0.875f, 0f, 2.875f, 0.3f, 1.125f};
        NumberFormat uint4 = NumberFormat.parse("uint4");
        assertEquals(new RangeSearch.Params(0.25f, 4f), RangeSearch.choose(w, w.length, uint4, Clipping.MAX));
        WeightQuantizer.Result r = WeightQuantizer.quantize(
                Tensor.of(Shape.of(1, 5), w), 0, new QuantizerSpec(uint4, Granularity.PER_TENSOR, Clipping.MAX, null));
        // codes: round(-3.5)+4 = 0, 0+4 = 4, round(11.5)+4 = 16 -> 15, round(1.2)+4 = 5, round(4.5)+4 = 8
        assertArrayEquals(new float[] {-1f, 0f, 2.75f, 0.25f, 1f}, r.tensor().data());
        assertEquals(
                Float.floatToRawIntBits(0f), Float.floatToRawIntBits(r.tensor().data()[1]), "zero is exactly +0");
        assertCounts(r, 1, 0, 1);
    }

    @Test
    void unsignedZeroIsExactForAnyRange() {
        SplittableRandom random = new SplittableRandom(5);
        NumberFormat uint8 = NumberFormat.parse("uint8");
        for (int trial = 0; trial < 200; trial++) {
            float[] w = new float[12];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (random.nextGaussian() * 3 + random.nextDouble(-2, 2));
            }
            w[7] = 0f;
            WeightQuantizer.Result r = WeightQuantizer.quantize(
                    Tensor.of(Shape.of(3, 4), w),
                    0,
                    new QuantizerSpec(uint8, Granularity.PER_CHANNEL, Clipping.MAX, null));
            assertEquals(0f, r.tensor().data()[7]);
            assertCounts(r, 3, 0, 3);
        }
    }

    @Test
    void residualIsQ1PlusQ2OfTheRemainderAndLowersTheError() {
        SplittableRandom random = new SplittableRandom(11);
        Shape shape = Shape.of(8, 16);
        float[] w = new float[shape.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        NumberFormat int2 = NumberFormat.parse("int2");
        for (Clipping clipping : new Clipping[] {Clipping.MAX, Clipping.MSE}) {
            float[] q1 = WeightQuantizer.quantize(
                            Tensor.of(shape, w), 0, new QuantizerSpec(int2, Granularity.PER_CHANNEL, clipping, null))
                    .tensor()
                    .data();
            float[] remainder = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                remainder[i] = w[i] - q1[i];
            }
            float[] q2 = WeightQuantizer.quantize(
                            Tensor.of(shape, remainder),
                            0,
                            new QuantizerSpec(INT4, Granularity.PER_CHANNEL, clipping, null))
                    .tensor()
                    .data();
            WeightQuantizer.Result both = WeightQuantizer.quantize(
                    Tensor.of(shape, w), 0, new QuantizerSpec(int2, Granularity.PER_CHANNEL, clipping, INT4));
            float[] expected = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                expected[i] = q1[i] + q2[i];
            }
            assertArrayEquals(expected, both.tensor().data(), clipping.toString());
            assertTrue(squaredError(w, both.tensor().data()) < squaredError(w, q1), clipping.toString());
            assertCounts(both, 16, 0, 0);
        }
    }

    @Test
    void floatPassesThroughAndBadAxesAreRejected() {
        Tensor w = Tensor.of(Shape.of(2, 2, 1, 1), new float[] {0.1f, 0.2f, 0.3f, 0.4f});
        WeightQuantizer.Result r = WeightQuantizer.quantize(w, 0, QuantizerSpec.FLOAT);
        assertSame(w, r.tensor());
        assertCounts(r, 0, 0, 0);
        assertEquals(QuantizerSpec.FLOAT, QuantizerSpec.weights(NumberFormat.FLOAT), "every float spec is the same");
        assertThrows(IllegalArgumentException.class, () -> WeightQuantizer.quantize(w, 4, QuantizerSpec.weights(INT4)));
        // Any axis holds channels (ConvTranspose's are on axis 1 of 4): two channels, one scale each.
        assertCounts(WeightQuantizer.quantize(w, 1, QuantizerSpec.weights(INT4)), 2, 0, 0);
    }

    @Test
    void allZeroWeightsStayZero() {
        for (QuantizerSpec spec : new QuantizerSpec[] {
            QuantizerSpec.weights(INT4),
            new QuantizerSpec(NumberFormat.parse("fp8-e4m3"), Granularity.PER_TENSOR, Clipping.MSE, null),
            new QuantizerSpec(INT4, Granularity.perVector(3), Clipping.parse("percentile(99)"), null),
            new QuantizerSpec(NumberFormat.parse("uint8"), Granularity.PER_CHANNEL, Clipping.MSE, null)
        }) {
            float[] out = WeightQuantizer.quantize(Tensor.zeros(Shape.of(3, 5)), 0, spec)
                    .tensor()
                    .data();
            assertArrayEquals(new float[15], out, spec.toString());
        }
    }

    private static void assertCounts(WeightQuantizer.Result r, int scales, int vectorScales, int zeroPoints) {
        assertEquals(scales, r.scales(), "scales");
        assertEquals(vectorScales, r.vectorScales(), "vector scales");
        assertEquals(zeroPoints, r.zeroPoints(), "zero points");
    }

    /** The transpose of a row-major [rows, cols] matrix. */
    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    private static double squaredError(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }
}
