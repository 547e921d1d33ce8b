package org.bitbudget.ops.compute.blocked;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.stream.Stream;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.Allocator;
import org.bitbudget.ops.compute.Convolution;
import org.bitbudget.ops.compute.sgemm.BlockedSgemm;
import org.bitbudget.ops.compute.sgemm.BlockedSgemmFamily;
import org.bitbudget.ops.compute.sgemm.PackedSgemmFamily;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BlockedConvolution} gives the bits of {@link Convolution#forward} in every combination of
 * layouts (input, residual and output each NCHW or blocked), with no activation, a Relu and a Clip,
 * with and without bias and residual, on odd images (strides 1 and 2, pads, dilation, a 1x1
 * shortcut, one input channel, channel counts off the block), for batches of 1 and 3; and the padded
 * lanes of a blocked output are +0.0f. It runs the kernel this JVM chose; the kernel's own
 * differential test covers the vector widths.
 */
class BlockedConvolutionTest {
    /** h, w, k, stride, dilation, pad, input channels, output channels. */
    private static final int[][] GEOMETRIES = {
        {28, 28, 3, 1, 1, 1, 16, 16},
        {28, 28, 3, 1, 1, 1, 1, 16},
        {14, 14, 3, 2, 1, 1, 16, 32},
        {14, 14, 1, 2, 1, 0, 16, 32},
        {9, 7, 3, 1, 2, 2, 17, 5},
        {7, 7, 3, 1, 1, 1, 33, 50},
        {11, 13, 5, 2, 1, 0, 3, 6}
    };

    static Stream<Arguments> cases() {
        return Stream.of(GEOMETRIES).flatMap(g -> Stream.of(1, 3).map(n -> Arguments.of(g, n)));
    }

    @ParameterizedTest(name = "geometry {0}, batch {1}")
    @MethodSource("cases")
    void sameBitsAsPlanarConvolution(int[] g, int n) {
        Random random = new Random(17L * g[0] + 5L * g[6] + g[7] + n);
        int c = g[6];
        int m = g[7];
        Op.Conv conv = new Op.Conv(
                new int[] {g[2], g[2]},
                new int[] {g[3], g[3]},
                new int[] {g[5], g[5], g[5], g[5]},
                new int[] {g[4], g[4]},
                1,
                Op.AutoPad.NOTSET);
        Tensor x = Tensor.of(Shape.of(n, c, g[0], g[1]), random(random, n * c * g[0] * g[1]));
        Tensor w = Tensor.of(Shape.of(m, c, g[2], g[2]), random(random, m * c * g[2] * g[2]));
        Tensor bias = Tensor.of(Shape.of(m), random(random, m));
        BlockedSgemm gemm = BlockedSgemmFamily.get();
        Activation[] activations = {null, new Activation.Relu(), new Activation.Clip(-0.1f, 0.3f)};
        for (int variant = 0; variant < 12; variant++) {
            Activation activation = activations[variant % 3];
            Tensor b = variant % 2 == 0 ? bias : null;
            boolean withResidual = variant >= 6;
            Tensor plain =
                    Convolution.forward(conv, x, w, b, PackedSgemmFamily.get(), null, null, null, Allocator.FRESH);
            Tensor residual = withResidual
                    ? Tensor.of(plain.shape(), random(random, plain.shape().size()))
                    : null;
            Tensor expected = Convolution.forward(
                    conv, x, w, b, PackedSgemmFamily.get(), null, residual, activation, Allocator.FRESH);
            for (int layouts = 0; layouts < 8; layouts++) {
                boolean xBlocked = (layouts & 1) != 0;
                boolean residualBlocked = (layouts & 2) != 0;
                boolean outBlocked = (layouts & 4) != 0;
                Tensor in = xBlocked ? blocked(x) : x;
                Tensor r = residual != null && residualBlocked ? blocked(residual) : residual;
                Tensor actual = BlockedConvolution.forward(
                        conv,
                        in,
                        xBlocked,
                        w,
                        b,
                        gemm,
                        BlockedConvolution.pack(gemm, w, b),
                        r,
                        residualBlocked,
                        activation,
                        outBlocked,
                        Allocator.FRESH);
                String where = "variant " + variant + " layouts " + layouts;
                if (outBlocked) {
                    Tensor reference = blocked(expected);
                    assertEquals(reference.shape(), actual.shape(), where);
                    assertSameBits(reference.data(), actual.data(), where);
                } else {
                    assertEquals(expected.shape(), actual.shape(), where);
                    assertSameBits(expected.data(), actual.data(), where);
                }
            }
        }
    }

    private static Tensor blocked(Tensor planar) {
        Shape s = planar.shape();
        int pixels = s.dim(2) * s.dim(3);
        Shape shape = BlockedConvolution.blockedShape(s);
        float[] data = new float[shape.size()];
        ChannelBlocked16.fromPlanar(planar.data(), 0, s.dim(0), s.dim(1), pixels, data, 0);
        return Tensor.of(shape, data);
    }

    private static void assertSameBits(float[] expected, float[] actual, String where) {
        assertEquals(expected.length, actual.length, where);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), where + " at " + i);
        }
    }

    private static float[] random(Random random, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }
}
