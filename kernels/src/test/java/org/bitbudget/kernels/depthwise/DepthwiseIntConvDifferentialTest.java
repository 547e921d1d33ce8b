package org.bitbudget.kernels.depthwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ops.compute.Window;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks that {@link VectorDepthwiseIntConv} gives exactly the ints of its twin {@link
 * ScalarDepthwiseIntConv}, and the twin the definition computed here in 64 bits over a zero-point
 * padded image, at every vector width this JVM runs from the family's 256 bits: channel counts 1, 7,
 * 15, 17, 63, 65 and around the lane count (the masked last vector), 3 x 3 and 5 x 5 windows with
 * padding, stride 2 and dilation 2, a 1-D window, int8 codes and uint8 codes with a zero point, at
 * random values and at both extremes. Ints past the output must be left untouched.
 */
class DepthwiseIntConvDifferentialTest {
    private final DepthwiseIntConv scalar = new ScalarDepthwiseIntConv();

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
            new Geometry(new int[] {3, 3}, new int[] {1, 2}, new int[] {0, 1, 2, 0}, new int[] {2, 1}),
            new Geometry(new int[] {3}, new int[] {1}, new int[] {1, 1}, new int[] {1})
        };
        return KernelProvider.widths().stream()
                .filter(bits -> bits >= new DepthwiseIntConvFamily().minimumBits())
                .flatMap(bits -> Stream.of(geometries).map(g -> Arguments.of(bits, g)));
    }

    @ParameterizedTest(name = "{0}-bit vectors, {1}")
    @MethodSource("widthsAndGeometries")
    void vectorEqualsScalarExactly(int bits, Geometry g) {
        DepthwiseIntConv vector = KernelProvider.vector(new DepthwiseIntConvFamily(), bits);
        int lanes = bits / Integer.SIZE;
        int[] channels = IntStream.of(1, 7, 15, 17, 63, 65, lanes - 1, lanes, lanes + 1)
                .distinct()
                .toArray();
        Random random = new Random(bits * 7L + g.kernel()[0]);
        boolean oneD = g.kernel().length == 1;
        int h = oneD ? 1 : 7;
        int w = 9;
        int batch = 2;
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
                int[] weights = DepthwiseIntConv.tapMajor(codes, c, taps);
                int size = batch * win.outH() * win.outW() * c;
                int[] out = new int[size + 5];
                for (int i = 0; i < out.length; i++) {
                    out[i] = random.nextInt();
                }
                int[] expected = out.clone();
                int[] actual = out.clone();
                scalar.convolve(in, unsigned, zeroPoint, batch, h, w, c, win, weights, expected);
                vector.convolve(in, unsigned, zeroPoint, batch, h, w, c, win, weights, actual);
                assertArrayEquals(expected, actual, bits + "-bit, c=" + c + " mode " + mode);
                int o = 0;
                for (int b = 0; b < batch; b++) {
                    for (int y = 0; y < win.outH(); y++) {
                        for (int x = 0; x < win.outW(); x++) {
                            for (int ch = 0; ch < c; ch++) {
                                long sum = 0;
                                for (int ky = 0; ky < win.kH(); ky++) {
                                    for (int kx = 0; kx < win.kW(); kx++) {
                                        int iy = y * win.sH() - win.padTop() + ky * win.dH();
                                        int ix = x * win.sW() - win.padLeft() + kx * win.dW();
                                        int code = zeroPoint;
                                        if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                            byte v = in[((b * h + iy) * w + ix) * c + ch];
                                            code = unsigned ? v & 0xFF : v;
                                        }
                                        sum += (long) (code - zeroPoint) * codes[ch * taps + ky * win.kW() + kx];
                                    }
                                }
                                assertEquals(sum, expected[o++], "scalar twin at channel " + ch);
                            }
                        }
                    }
                }
            }
        }
    }
}
