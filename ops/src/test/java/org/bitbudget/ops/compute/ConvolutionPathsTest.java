package org.bitbudget.ops.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.bitbudget.ops.compute.sgemm.PackedSgemm;
import org.bitbudget.ops.compute.sgemm.PackedSgemmFamily;
import org.bitbudget.ops.compute.sgemm.ScalarSgemm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route of {@link Convolution} other than the direct depthwise one (1x1 on the input itself,
 * unit strides on the padded planes read in place, im2col for other strides, the turned tile on small
 * planes with many channels) gives bit for bit
 * what im2col followed by the scalar SGEMM with C filled with the bias gives: odd image sizes,
 * asymmetric pads, dilation, groups of 2 and 3 channels, strides 1 and 2, with and without bias,
 * with weights packed once or in the call, without activation and with each fused one (Relu and
 * Clip applied by the kernel, Clip with min above max and HardSwish afterwards) against the
 * standalone activation, and with a residual added before the activation against the standalone
 * Add, on the scalar packed kernel and on the vector one at every width of
 * {@link KernelProvider#widths()}.
 */
class ConvolutionPathsTest {
    /** h, w, kH, kW, strideH, strideW, dilation, padTop, padLeft, padBottom, padRight, group, cg, mg. */
    private static final int[][] GEOMETRIES = {
        {28, 28, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 16},
        // One input channel: a stem at stride 2, and too few outputs for a register tile.
        {28, 28, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 16},
        {13, 11, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5},
        {14, 14, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 17, 19},
        {7, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 5, 9},
        {9, 7, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 13, 11},
        {8, 8, 1, 1, 2, 2, 1, 0, 0, 0, 0, 1, 3, 33},
        {11, 13, 5, 5, 1, 1, 1, 2, 0, 1, 2, 2, 3, 5},
        {10, 12, 3, 3, 1, 2, 2, 2, 1, 2, 1, 3, 2, 4},
        {6, 5, 3, 3, 1, 1, 1, 0, 0, 0, 0, 2, 2, 3},
        {5, 31, 3, 1, 2, 1, 1, 1, 0, 1, 0, 1, 4, 7},
        // Small planes with many channels, which take the turned tile (multiplyColumns).
        {7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 32, 32},
        {15, 13, 3, 3, 2, 2, 1, 1, 0, 1, 1, 1, 9, 64},
        {9, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 2, 20, 32}
    };

    static Stream<Arguments> kernelsAndGeometries() {
        List<Integer> widths = new ArrayList<>(KernelProvider.widths());
        widths.add(0);
        return widths.stream().flatMap(bits -> Stream.of(GEOMETRIES).map(g -> Arguments.of(bits, g)));
    }

    @ParameterizedTest(name = "{0}-bit kernel (0: scalar), geometry {1}")
    @MethodSource("kernelsAndGeometries")
    void equalsIm2colAndScalarSgemm(int bits, int[] g) {
        PackedSgemm gemm =
                bits == 0 ? new PackedSgemmFamily().scalar() : KernelProvider.vector(new PackedSgemmFamily(), bits);
        int group = g[11];
        int channels = group * g[12];
        int m = group * g[13];
        Random random = new Random(31L * g[0] + 7L * g[1] + g[12] + bits);
        int batch = 2;
        Tensor x = Tensor.of(Shape.of(batch, channels, g[0], g[1]), random(random, batch * channels * g[0] * g[1]));
        Tensor weight = Tensor.of(Shape.of(m, g[12], g[2], g[3]), random(random, m * g[12] * g[2] * g[3]));
        Op.Conv conv = new Op.Conv(
                new int[] {g[2], g[3]},
                new int[] {g[4], g[5]},
                new int[] {g[7], g[8], g[9], g[10]},
                new int[] {g[6], g[6]},
                group,
                Op.AutoPad.NOTSET);
        Activation[] activations = {
            null,
            new Activation.Relu(),
            new Activation.Clip(-0.3f, 0.4f),
            new Activation.Clip(1f, 0.5f),
            new Activation.HardSwish()
        };
        Shape outShape = Convolution.forward(
                        conv, x, weight, null, new PackedSgemmFamily().scalar(), null, null, Allocator.FRESH)
                .shape();
        for (boolean withBias : new boolean[] {false, true}) {
            Tensor bias = withBias ? Tensor.of(Shape.of(m), random(random, m)) : null;
            float[] plain = reference(conv, x, weight, bias);
            for (int v = 0; v < 2 * activations.length; v++) {
                boolean packedBefore = v % 2 == 1;
                Activation activation = activations[v / 2];
                float[] expected = plain.clone();
                if (activation != null) {
                    activation.applyInPlace(expected, 0, expected.length);
                }
                float[] actual = Convolution.forward(
                                conv,
                                x,
                                weight,
                                bias,
                                gemm,
                                packedBefore ? Convolution.pack(gemm, weight, bias, group) : null,
                                activation,
                                Allocator.FRESH)
                        .data();
                assertSameBits(expected, actual, (withBias ? "with bias" : "") + ", activation " + activation);
                // A fused residual Add: the standalone Add's sum, then the activation.
                Tensor residual = Tensor.of(outShape, random(random, plain.length));
                float[] sum = new float[plain.length];
                for (int i = 0; i < sum.length; i++) {
                    sum[i] = residual.data()[i] + plain[i];
                }
                if (activation != null) {
                    activation.applyInPlace(sum, 0, sum.length);
                }
                float[] added = Convolution.forward(
                                conv,
                                x,
                                weight,
                                bias,
                                gemm,
                                packedBefore ? Convolution.pack(gemm, weight, bias, group) : null,
                                residual,
                                activation,
                                Allocator.FRESH)
                        .data();
                assertSameBits(sum, added, "residual" + (withBias ? " with bias" : "") + ", activation " + activation);
            }
        }
    }

    private static void assertSameBits(float[] expected, float[] actual, String where) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(
                    Float.floatToIntBits(expected[i]),
                    Float.floatToIntBits(actual[i]),
                    "output " + i + ": " + expected[i] + " vs " + actual[i] + " " + where);
        }
    }

    /** The im2col route, one group at a time, C filled with the bias, with the scalar SGEMM. */
    private static float[] reference(Op.Conv conv, Tensor x, Tensor weight, Tensor bias) {
        Shape xs = x.shape();
        int batch = xs.dim(0);
        int channels = xs.dim(1);
        int group = conv.group();
        int cg = channels / group;
        int m = weight.shape().dim(0);
        int mg = m / group;
        Window win = Window.resolve(
                new int[] {xs.dim(2), xs.dim(3)},
                conv.kernel(),
                conv.strides(),
                conv.pads(),
                conv.dilations(),
                conv.autoPad(),
                false);
        int k = cg * win.kH() * win.kW();
        int p = win.outSize();
        float[] columns = new float[k * p];
        float[] out = new float[batch * m * p];
        for (int img = 0; img < batch; img++) {
            for (int gr = 0; gr < group; gr++) {
                int outBase = (img * m + gr * mg) * p;
                for (int oc = 0; oc < mg; oc++) {
                    java.util.Arrays.fill(
                            out,
                            outBase + oc * p,
                            outBase + (oc + 1) * p,
                            bias == null ? 0f : bias.data()[gr * mg + oc]);
                }
                Convolution.im2col(x.data(), (img * channels + gr * cg) * win.inSize(), cg, win, columns);
                new ScalarSgemm().multiplyAdd(mg, p, k, weight.data(), gr * mg * k, k, columns, 0, p, out, outBase, p);
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
