package org.bitbudget.ops.compute.blocked;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.Allocator;
import org.bitbudget.ops.compute.Convolution;
import org.bitbudget.ops.compute.Window;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.bitbudget.ops.compute.sgemm.PackedSgemmFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BlockedDepthwiseConvVector} gives exactly the floats of {@link BlockedDepthwiseConvScalar}, and
 * the scalar twin exactly those of today's NCHW {@link Convolution#forward} with the same activation
 * after a reorder, at awkward sizes: C = 1, 5, 16, 17, 48, 72, 97 (one lane, a partial block, whole
 * blocks, one past); planes 1 x 1, 7 x 7, 14 x 14, 13 x 9; 3 x 3 and 5 x 5 filters; strides 1 and 2;
 * pads 0, 1, 2 and asymmetric; no activation, Relu, Clip(0, 6), HardSwish and Clip(1, 6), which maps a
 * padded channel's 0.0 to 1.0 and so checks that padded lanes are reset to zero. Two images per call at
 * odd offsets. At every vector width this JVM runs ({@link KernelProvider#widths()}).
 */
class BlockedDepthwiseConvDifferentialTest {
    private static final int[] CHANNELS = {1, 5, 16, 17, 48, 72, 97};
    private static final int[][] PLANES = {{1, 1}, {7, 7}, {14, 14}, {13, 9}};
    private static final int[][] PADS = {{0, 0, 0, 0}, {1, 1, 1, 1}, {2, 2, 2, 2}, {0, 1, 2, 1}};
    private static final Activation[] ACTIVATIONS = {
        null,
        new Activation.Relu(),
        new Activation.Clip(0f, 6f),
        new Activation.HardSwish(),
        new Activation.Clip(1f, 6f)
    };
    private static final int IMAGES = 2;

    private final BlockedDepthwiseConv scalar = new BlockedDepthwiseConvScalar();

    /** One layer: its geometry and activation. */
    record Layer(int c, int h, int w, int kernel, int stride, int[] pads, Activation activation) {
        Window window() {
            return Window.resolve(
                    new int[] {h, w},
                    new int[] {kernel, kernel},
                    new int[] {stride, stride},
                    pads,
                    null,
                    Op.AutoPad.NOTSET,
                    false);
        }

        @Override
        public String toString() {
            return c + " channels " + h + "x" + w + ", " + kernel + "x" + kernel + " stride " + stride + " pads "
                    + java.util.Arrays.toString(pads) + ", " + activation;
        }
    }

    /** Every layer whose output is not empty, the activations taken in turn. */
    static List<Layer> layers() {
        List<Layer> layers = new ArrayList<>();
        int turn = 0;
        for (int c : CHANNELS) {
            for (int[] plane : PLANES) {
                for (int kernel : new int[] {3, 5}) {
                    for (int stride : new int[] {1, 2}) {
                        for (int[] pads : PADS) {
                            if (plane[0] + pads[0] + pads[2] < kernel || plane[1] + pads[1] + pads[3] < kernel) {
                                continue;
                            }
                            Activation a = ACTIVATIONS[turn++ % ACTIVATIONS.length];
                            layers.add(new Layer(c, plane[0], plane[1], kernel, stride, pads, a));
                        }
                    }
                }
            }
        }
        return layers;
    }

    static Stream<Integer> widths() {
        return KernelProvider.widths().stream();
    }

    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void vectorEqualsScalarBitForBit(int bits) {
        BlockedDepthwiseConv vector = KernelProvider.vector(new BlockedDepthwiseConvFamily(), bits);
        List<Layer> layers = layers();
        assertTrue(layers.size() > 300, "layers: " + layers.size());
        for (Layer layer : layers) {
            Random random = new Random(layer.toString().hashCode());
            Window win = layer.window();
            int cb = Nchwc16.blocks(layer.c());
            int k = layer.kernel() * layer.kernel();
            BlockedDepthwiseWeights weights = BlockedDepthwiseWeights.pack(
                    Nchwc16.random(random, layer.c() * k + 3),
                    3,
                    Nchwc16.random(random, layer.c()),
                    0,
                    layer.c(),
                    layer.kernel(),
                    layer.kernel());
            float[] in = Nchwc16.toBlocked(
                    Nchwc16.random(random, IMAGES * layer.c() * layer.h() * layer.w()),
                    IMAGES,
                    layer.c(),
                    layer.h() * layer.w(),
                    5,
                    0);
            int outSize = IMAGES * cb * win.outH() * win.outW() * Nchwc16.BLOCK;
            float[] fromVector = new float[7 + outSize];
            float[] fromScalar = new float[7 + outSize];
            java.util.Arrays.fill(fromVector, Float.NaN);
            java.util.Arrays.fill(fromScalar, Float.NaN);
            vector.convolve(in, 5, IMAGES, win, weights, layer.activation(), fromVector, 7);
            scalar.convolve(in, 5, IMAGES, win, weights, layer.activation(), fromScalar, 7);
            Nchwc16.assertSameBits(fromScalar, fromVector, layer + ", " + bits + " bits");
        }
    }

    /**
     * The HardSwish pass alone, on runs of 0 to 67 floats at odd offsets (the vector's tail), on the
     * corners of the formula (-3, 3, signed zeros, subnormals, infinities, NaN) and random values.
     */
    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void hardSwishEqualsScalarAndElementwise(int bits) {
        BlockedDepthwiseConv vector = KernelProvider.vector(new BlockedDepthwiseConvFamily(), bits);
        float[] corners = {
            -3f,
            3f,
            Math.nextUp(-3f),
            Math.nextDown(3f),
            Math.nextDown(-3f),
            Math.nextUp(3f),
            0f,
            -0f,
            Float.MIN_VALUE,
            -Float.MIN_VALUE,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            Float.NaN,
            1e30f,
            -1e30f
        };
        Random random = new Random(bits);
        for (int n = 0; n < 68; n++) {
            float[] v = Nchwc16.adversarial(random, n + 5);
            for (int i = 0; i < v.length; i++) {
                if (random.nextInt(3) == 0) {
                    v[i] = corners[random.nextInt(corners.length)];
                }
            }
            float[] expected = v.clone();
            org.bitbudget.ops.compute.Elementwise.hardSwish(expected, expected, 3, 3 + n);
            float[] fromScalar = v.clone();
            scalar.hardSwish(fromScalar, 3, 3 + n);
            float[] fromVector = v.clone();
            vector.hardSwish(fromVector, 3, 3 + n);
            Nchwc16.assertSameBits(expected, fromScalar, n + " floats, scalar twin");
            Nchwc16.assertSameBits(expected, fromVector, n + " floats, " + bits + " bits");
        }
    }

    /** The scalar twin is today's NCHW path (depthwise kernel, then the activation) after a reorder. */
    @Test
    void scalarEqualsNchwConvolutionBitForBit() {
        for (Layer layer : layers()) {
            for (boolean withBias : new boolean[] {true, false}) {
                checkAgainstConvolution(layer, withBias, scalar);
            }
        }
    }

    /** So does the kernel in use in this JVM, through the same checks. */
    @Test
    void kernelInUseEqualsNchwConvolutionBitForBit() {
        for (Layer layer : layers()) {
            checkAgainstConvolution(layer, true, BlockedDepthwiseConv.get());
        }
    }

    private static void checkAgainstConvolution(Layer layer, boolean withBias, BlockedDepthwiseConv kernel) {
        Random random = new Random(31L * layer.toString().hashCode() + (withBias ? 1 : 0));
        int c = layer.c();
        int kk = layer.kernel();
        Window win = layer.window();
        Tensor x = Tensor.of(
                Shape.of(IMAGES, c, layer.h(), layer.w()), Nchwc16.random(random, IMAGES * c * layer.h() * layer.w()));
        Tensor w = Tensor.of(Shape.of(c, 1, kk, kk), Nchwc16.random(random, c * kk * kk));
        Tensor bias = withBias ? Tensor.of(Shape.of(c), Nchwc16.random(random, c)) : null;
        Op.Conv conv = new Op.Conv(
                new int[] {kk, kk},
                new int[] {layer.stride(), layer.stride()},
                layer.pads(),
                new int[] {1, 1},
                c,
                Op.AutoPad.NOTSET);
        float[] expected = Convolution.forward(
                        conv, x, w, bias, PackedSgemmFamily.get(), null, layer.activation(), Allocator.FRESH)
                .data();
        BlockedDepthwiseWeights weights =
                BlockedDepthwiseWeights.pack(w.data(), 0, withBias ? bias.data() : null, 0, c, kk, kk);
        int p = win.outH() * win.outW();
        float[] in = Nchwc16.toBlocked(x.data(), IMAGES, c, layer.h() * layer.w(), 0, 0);
        float[] out = new float[IMAGES * Nchwc16.blocks(c) * p * Nchwc16.BLOCK];
        kernel.convolve(in, 0, IMAGES, win, weights, layer.activation(), out, 0);
        String where = layer + (withBias ? ", bias" : ", no bias") + ", "
                + kernel.getClass().getSimpleName();
        Nchwc16.assertSameBits(expected, Nchwc16.fromBlocked(out, 0, IMAGES, c, p, where), where);
    }
}
