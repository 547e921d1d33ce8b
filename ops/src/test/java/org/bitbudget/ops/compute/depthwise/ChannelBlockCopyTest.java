package org.bitbudget.ops.compute.depthwise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.stream.Stream;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks that {@link VectorDepthwiseConv}'s copies into and out of blocks of channels ({@link
 * DepthwiseConv#toBlocks}, {@link DepthwiseConv#fromBlocks}) move exactly the floats {@link
 * ScalarDepthwiseConv}'s loops move, and that those are the ones the contract names: for 1 to 97
 * channels (below, at and past one, two and several blocks of every width, primes), planes from 1 x
 * 1 to 14 x 14 (odd and prime sides), rows of the blocks wider than the plane (the zero-padded
 * borders), random offsets, random bit patterns (NaN payloads, subnormals, signed zeros pass
 * unchanged), at every vector width this JVM runs ({@link KernelProvider#widths()}). Every other
 * element of the destination must keep its value: the padded borders of a block stay as they were.
 */
class ChannelBlockCopyTest {
    private static final int[] CHANNELS = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 31, 33, 48, 72, 97};
    private static final int[][] PLANES = {{1, 1}, {1, 7}, {3, 5}, {7, 7}, {5, 13}, {14, 14}};

    private final ScalarDepthwiseConv scalar = new ScalarDepthwiseConv();

    static Stream<Integer> widths() {
        return KernelProvider.widths().stream();
    }

    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void toBlocksMovesTheScalarTwinsBits(int bits) {
        DepthwiseConv vector = KernelProvider.vector(new DepthwiseConvFamily(), bits);
        int lanes = vector.channelsPerBlock();
        Random random = new Random(bits);
        for (int c : CHANNELS) {
            for (int[] plane : PLANES) {
                int h = plane[0];
                int w = plane[1];
                int rowStride = w + random.nextInt(5);
                int blockSize = (h + random.nextInt(5)) * rowStride * lanes;
                int xOff = random.nextInt(7);
                int inOff = random.nextInt(3) * lanes + random.nextInt(2) * rowStride * lanes;
                int blocks = (c + lanes - 1) / lanes;
                float[] x = bits(random, xOff + c * h * w + random.nextInt(5));
                float[] in = bits(random, inOff + blocks * blockSize + lanes);
                float[] xBefore = x.clone();
                float[] fromVector = in.clone();
                float[] fromScalar = in.clone();
                vector.toBlocks(x, xOff, c, h, w, lanes, fromVector, inOff, blockSize, rowStride);
                scalar.toBlocks(x, xOff, c, h, w, lanes, fromScalar, inOff, blockSize, rowStride);
                String where = c + " channels of " + h + " x " + w + ", " + lanes + " lanes, rows " + rowStride;
                assertSameBits(fromScalar, fromVector, where);
                assertArrayEquals(xBefore, x, where + ": input changed");
                float[] expected = in.clone();
                for (int ch = 0; ch < blocks * lanes; ch++) {
                    for (int y = 0; y < h; y++) {
                        for (int col = 0; col < w; col++) {
                            int to = inOff + ch / lanes * blockSize + (y * rowStride + col) * lanes + ch % lanes;
                            expected[to] = ch < c ? x[xOff + (ch * h + y) * w + col] : 0f;
                        }
                    }
                }
                assertSameBits(expected, fromScalar, where);
            }
        }
    }

    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void fromBlocksMovesTheScalarTwinsBits(int bits) {
        DepthwiseConv vector = KernelProvider.vector(new DepthwiseConvFamily(), bits);
        int lanes = vector.channelsPerBlock();
        Random random = new Random(1000L + bits);
        for (int c : CHANNELS) {
            for (int[] plane : PLANES) {
                int p = plane[0] * plane[1];
                int blocks = (c + lanes - 1) / lanes;
                int bOff = random.nextInt(3) * lanes;
                int outOff = random.nextInt(7);
                float[] blocked = bits(random, bOff + blocks * p * lanes);
                // The output ends right after the last channel, as an image's planes do at the end
                // of a batch: the kernel must not run past it.
                float[] out = bits(random, outOff + c * p);
                float[] blockedBefore = blocked.clone();
                float[] fromVector = out.clone();
                float[] fromScalar = out.clone();
                vector.fromBlocks(blocked, bOff, c, p, lanes, fromVector, outOff);
                scalar.fromBlocks(blocked, bOff, c, p, lanes, fromScalar, outOff);
                String where = c + " channels of " + p + " outputs, " + lanes + " lanes";
                assertSameBits(fromScalar, fromVector, where);
                assertArrayEquals(blockedBefore, blocked, where + ": blocks changed");
                float[] expected = out.clone();
                for (int ch = 0; ch < c; ch++) {
                    for (int j = 0; j < p; j++) {
                        expected[outOff + ch * p + j] = blocked[bOff + ch / lanes * p * lanes + j * lanes + ch % lanes];
                    }
                }
                assertSameBits(expected, fromScalar, where);
            }
        }
    }

    /** Random bit patterns, NaNs with payloads among them. */
    private static float[] bits(Random random, int length) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = Float.intBitsToFloat(random.nextInt());
        }
        return v;
    }

    /** Every element's raw bits (a copy keeps a NaN's payload), with the first difference named. */
    private static void assertSameBits(float[] expected, float[] actual, String where) {
        assertEquals(expected.length, actual.length, where);
        for (int i = 0; i < expected.length; i++) {
            int e = Float.floatToRawIntBits(expected[i]);
            int a = Float.floatToRawIntBits(actual[i]);
            if (e != a) {
                assertEquals(Integer.toHexString(e), Integer.toHexString(a), where + ", element " + i);
            }
        }
    }
}
