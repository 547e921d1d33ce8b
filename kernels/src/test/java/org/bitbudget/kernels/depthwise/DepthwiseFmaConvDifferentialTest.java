package org.bitbudget.kernels.depthwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ops.compute.Window;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks that {@link VectorDepthwiseFmaConv} and its twin {@link ScalarDepthwiseFmaConv} give exactly
 * the ints of the integer definition ({@link ScalarDepthwiseIntConv}, itself checked against 64-bit
 * sums), at every vector width this JVM runs from the family's 256 bits: channel counts 1, 7, 15, 17,
 * 63, 65 and around the lane count (the padded last vector), output rows of 1 to 9 positions (the
 * four-position tiles and their leftovers), 3 x 3 and 5 x 5 windows with padding, stride 2 and
 * dilation 2, a 1-D window, int8 codes and uint8 codes with a zero point, at random values and at
 * both extremes. Ints past the output must be left untouched.
 */
class DepthwiseFmaConvDifferentialTest {
    private final DepthwiseIntConv definition = new ScalarDepthwiseIntConv();
    private final DepthwiseFmaConv scalar = new ScalarDepthwiseFmaConv();

    /** A window: kernel, strides, pads (top, left, bottom, right) and dilations. */
    record Geometry(int[] kernel, int[] strides, int[] pads, int[] dilations) {
        @Override
        public String toString() {
            return java.util.Arrays.toString(kernel) + " s" + java.util.Arrays.toString(strides) + " p"
                    + java.util.Arrays.toString(pads) + " d" + java.util.Arrays.toString(dilations);
        }
    }

    static Stream<Arguments> widthsAndGeometries() {
        Geometry[] geometries = {
            new Geometry(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1}),
            new Geometry(new int[] {5, 5}, new int[] {2, 2}, new int[] {2, 2, 2, 2}, new int[] {1, 1}),
            new Geometry(new int[] {5, 5}, new int[] {1, 1}, new int[] {2, 2, 2, 2}, new int[] {1, 1}),
            new Geometry(new int[] {3, 3}, new int[] {1, 2}, new int[] {0, 1, 2, 0}, new int[] {2, 1}),
            // Row dilation and row stride under the sliding rows of 3- and 5-column windows (column stride 1).
            new Geometry(new int[] {5, 3}, new int[] {2, 1}, new int[] {2, 1, 1, 0}, new int[] {2, 1}),
            new Geometry(new int[] {3, 5}, new int[] {1, 1}, new int[] {1, 2, 2, 1}, new int[] {2, 1}),
            new Geometry(new int[] {3}, new int[] {1}, new int[] {1, 1}, new int[] {1})
        };
        return KernelProvider.widths().stream()
                .filter(bits -> bits >= new DepthwiseFmaConvFamily().minimumBits())
                .flatMap(bits -> Stream.of(geometries).map(g -> Arguments.of(bits, g)));
    }

    @ParameterizedTest(name = "{0}-bit vectors, {1}")
    @MethodSource("widthsAndGeometries")
    void vectorAndTwinEqualTheIntegerDefinition(int bits, Geometry g) {
        DepthwiseFmaConv vector = KernelProvider.vector(new DepthwiseFmaConvFamily(), bits);
        int lanes = bits / Float.SIZE;
        int[] channels = IntStream.of(1, 7, 15, 17, 63, 65, lanes - 1, lanes, lanes + 1)
                .distinct()
                .toArray();
        Random random = new Random(bits * 7L + g.kernel()[0] + 31L * g.strides()[0]);
        boolean oneD = g.kernel().length == 1;
        int batch = 2;
        for (int w : new int[] {2, 4, 7, 9}) {
            int h = oneD ? 1 : 7;
            int[] spatial = oneD ? new int[] {w} : new int[] {h, w};
            Window win =
                    Window.resolve(spatial, g.kernel(), g.strides(), g.pads(), g.dilations(), Op.AutoPad.NOTSET, false);
            int taps = win.kH() * win.kW();
            for (int c : channels) {
                for (int mode = 0; mode < 4; mode++) {
                    boolean unsigned = mode % 2 == 1;
                    boolean extreme = mode >= 2;
                    int zeroPoint = unsigned ? (extreme ? 0 : random.nextInt(256)) : 0;
                    byte[] in = new byte[batch * h * w * c];
                    byte[] codes = new byte[c * taps];
                    for (int i = 0; i < in.length; i++) {
                        in[i] = extreme ? (byte) (unsigned ? 255 : -128) : (byte) random.nextInt(256);
                    }
                    for (int i = 0; i < codes.length; i++) {
                        codes[i] = extreme ? (byte) (i % 2 == 0 ? -128 : 127) : (byte) random.nextInt(256);
                    }
                    int size = batch * win.outH() * win.outW() * c;
                    int[] out = new int[size + 5];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = random.nextInt();
                    }
                    int[] expected = out.clone();
                    int[] twin = out.clone();
                    int[] actual = out.clone();
                    definition.convolve(
                            in,
                            unsigned,
                            zeroPoint,
                            batch,
                            h,
                            w,
                            c,
                            win,
                            DepthwiseIntConv.tapMajor(codes, c, taps),
                            expected);
                    scalar.convolve(in, unsigned, zeroPoint, batch, h, w, c, win, scalar.pack(codes, c, taps), twin);
                    vector.convolve(in, unsigned, zeroPoint, batch, h, w, c, win, vector.pack(codes, c, taps), actual);
                    String what = bits + "-bit, w=" + w + ", c=" + c + " mode " + mode;
                    assertArrayEquals(expected, twin, "scalar twin, " + what);
                    assertArrayEquals(expected, actual, "vector, " + what);
                }
            }
        }
    }

    @Test
    void refusesSumsThatMayPassTwoToTheTwentyFour() {
        // 600 taps of 127 against uint8 inputs of up to 255: 600 * 127 * 255 > 2^24.
        int taps = 600;
        byte[] codes = new byte[taps];
        java.util.Arrays.fill(codes, (byte) 127);
        Window win = Window.resolve(new int[] {taps}, new int[] {taps}, null, null, null, Op.AutoPad.NOTSET, false);
        DepthwiseFmaConv kernel = DepthwiseFmaConvFamily.get();
        DepthwiseFmaConv.Weights weights = kernel.pack(codes, 1, taps);
        assertThrows(
                IllegalArgumentException.class,
                () -> kernel.convolve(new byte[taps], true, 0, 1, 1, taps, 1, win, weights, new int[1]));
    }
}
