package org.bitbudget.ops.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.sgemm.PackedSgemmFamily;
import org.bitbudget.ops.compute.sgemm.ScalarSgemm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A depthwise convolution (one input channel per group), which {@link Convolution} runs on the direct
 * depthwise kernel, gives bit for bit what im2col followed by the scalar SGEMM gives for the same
 * geometry: odd sizes, asymmetric pads, dilation, strides 1 to 3 (on both axes), depth multipliers 1
 * and 2, with and without bias, on 3 channels and on 37 (blocks of channels with a partial last block,
 * the route of narrow planes with a multiplier of 1).
 */
class DepthwiseConvolutionTest {

    @ParameterizedTest(name = "{0}x{1} image, {2}x{3} filter, stride {4}, dilation {5}, pads {6}/{7}/{8}/{9}, x{10}")
    @CsvSource({
        "7, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1",
        "28, 28, 3, 3, 1, 1, 1, 1, 1, 1, 1",
        "14, 17, 5, 5, 1, 1, 2, 2, 2, 2, 2",
        "9, 33, 3, 3, 2, 1, 1, 1, 1, 1, 1",
        "8, 8, 3, 3, 1, 2, 0, 2, 1, 0, 1",
        "5, 6, 3, 1, 1, 1, 1, 0, 1, 0, 2",
        "11, 19, 7, 7, 1, 1, 3, 3, 3, 3, 1",
        "6, 5, 3, 3, 1, 1, 0, 0, 0, 0, 1",
        "14, 14, 3, 3, 2, 1, 1, 1, 1, 1, 1",
        "15, 13, 5, 5, 2, 1, 2, 2, 2, 2, 2",
        "16, 11, 3, 3, 3, 1, 0, 1, 2, 0, 1"
    })
    void equalsIm2colAndScalarSgemm(
            int h,
            int w,
            int kH,
            int kW,
            int strideH,
            int dilation,
            int padTop,
            int padLeft,
            int padBottom,
            int padRight,
            int multiplier) {
        for (int channels : new int[] {3, 37}) {
            check(h, w, kH, kW, strideH, dilation, padTop, padLeft, padBottom, padRight, multiplier, channels);
        }
    }

    private static void check(
            int h,
            int w,
            int kH,
            int kW,
            int strideH,
            int dilation,
            int padTop,
            int padLeft,
            int padBottom,
            int padRight,
            int multiplier,
            int channels) {
        int batch = 2;
        int m = channels * multiplier;
        Random random = new Random(h * 31L + w * 7L + kH + multiplier + 101L * channels);
        Tensor x = Tensor.of(Shape.of(batch, channels, h, w), random(random, batch * channels * h * w));
        Tensor weight = Tensor.of(Shape.of(m, 1, kH, kW), random(random, m * kH * kW));
        Op.Conv conv = new Op.Conv(
                new int[] {kH, kW},
                new int[] {strideH, strideH},
                new int[] {padTop, padLeft, padBottom, padRight},
                new int[] {dilation, dilation},
                channels,
                Op.AutoPad.NOTSET);
        for (boolean withBias : new boolean[] {false, true}) {
            Tensor bias = withBias ? Tensor.of(Shape.of(m), random(random, m)) : null;
            float[] actual = Convolution.forward(
                            conv, x, weight, bias, PackedSgemmFamily.get(), null, null, Allocator.FRESH)
                    .data();
            float[] expected = reference(conv, x, weight, bias);
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(
                        Float.floatToIntBits(expected[i]),
                        Float.floatToIntBits(actual[i]),
                        "output " + i + " of " + channels + " channels: " + expected[i] + " vs " + actual[i]
                                + (withBias ? " with bias" : ""));
            }
        }
    }

    /** The im2col route, one group at a time, with the scalar SGEMM. */
    private static float[] reference(Op.Conv conv, Tensor x, Tensor weight, Tensor bias) {
        Shape xs = x.shape();
        int batch = xs.dim(0);
        int channels = xs.dim(1);
        int m = weight.shape().dim(0);
        int mg = m / channels;
        Window win = Window.resolve(
                new int[] {xs.dim(2), xs.dim(3)},
                conv.kernel(),
                conv.strides(),
                conv.pads(),
                conv.dilations(),
                conv.autoPad(),
                false);
        int k = win.kH() * win.kW();
        int p = win.outSize();
        float[] columns = new float[k * p];
        float[] out = new float[batch * m * p];
        for (int img = 0; img < batch; img++) {
            for (int g = 0; g < channels; g++) {
                int outBase = (img * m + g * mg) * p;
                for (int oc = 0; oc < mg; oc++) {
                    java.util.Arrays.fill(
                            out,
                            outBase + oc * p,
                            outBase + (oc + 1) * p,
                            bias == null ? 0f : bias.data()[g * mg + oc]);
                }
                Convolution.im2col(x.data(), (img * channels + g) * win.inSize(), 1, win, columns);
                new ScalarSgemm().multiplyAdd(mg, p, k, weight.data(), g * mg * k, k, columns, 0, p, out, outBase, p);
            }
        }
        return out;
    }

    private static float[] random(Random random, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }
}
