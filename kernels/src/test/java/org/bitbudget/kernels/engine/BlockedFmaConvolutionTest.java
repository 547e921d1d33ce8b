package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ops.compute.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link BlockedFmaConvolution} against the int32 sums computed directly from the codes, at awkward
 * shapes: channel counts of 1, primes, one below a block (the planar layout, also under output
 * channels of several blocks) and one past a block, odd images and output sizes, strides,
 * pads, dilations and 1 x 1 kernels, each twice through the same buffers (the second chunk smaller,
 * as a batch's last), also with two images per lane on narrow codes; and at the exactness bound itself, where every partial sum of
 * the largest codes reaches just under 2^24. The kernel in use is the vector one at the JVM's width
 * (the test runs at 512 and at 256 bits), so its sums must equal the reference exactly.
 */
class BlockedFmaConvolutionTest {

    @ParameterizedTest(name = "b={0} c={1} {2}x{3} n={4} k={5}x{6} s={7} p={8} d={9} zp={10}")
    @CsvSource({
        "1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0",
        "3, 1, 28, 28, 16, 3, 3, 1, 1, 1, 0",
        "2, 3, 7, 5, 5, 3, 3, 1, 1, 1, 7",
        "3, 16, 9, 11, 16, 3, 3, 2, 1, 1, 0",
        "2, 17, 6, 7, 17, 3, 3, 1, 1, 1, 3",
        "1, 13, 10, 9, 33, 1, 1, 2, 0, 1, 0",
        "2, 32, 8, 8, 64, 3, 3, 2, 1, 1, 0",
        "1, 5, 11, 13, 31, 2, 3, 1, 2, 2, 1",
        "3, 19, 5, 5, 7, 5, 5, 1, 2, 1, 0",
        "1, 2, 3, 3, 1, 3, 3, 3, 1, 1, 2",
        "4, 15, 9, 8, 33, 3, 3, 2, 1, 1, 5",
        "1, 15, 9, 7, 33, 3, 3, 1, 1, 1, 5",
        "2, 1, 13, 29, 40, 3, 3, 1, 1, 1, 0"
    })
    void givesTheInt32Sums(
            int batch, int c, int h, int w, int n, int kh, int kw, int stride, int pad, int dilation, int zeroPoint) {
        sums(false, batch, c, h, w, n, kh, kw, stride, pad, dilation, zeroPoint);
    }

    /**
     * Two images per lane, with ternary weights and 2-bit codes (within the pairing's bound at every
     * shape here, up to k = 475), at the same shapes: odd batches leave the middle image alone.
     */
    @ParameterizedTest(name = "pairs b={0} c={1} {2}x{3} n={4} k={5}x{6} s={7} p={8} d={9} zp={10}")
    @CsvSource({
        "1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0",
        "3, 1, 28, 28, 16, 3, 3, 1, 1, 1, 0",
        "2, 3, 7, 5, 5, 3, 3, 1, 1, 1, 3",
        "4, 16, 9, 11, 16, 3, 3, 2, 1, 1, 0",
        "5, 17, 6, 7, 17, 3, 3, 1, 1, 1, 1",
        "3, 13, 10, 9, 33, 1, 1, 2, 0, 1, 0",
        "2, 32, 8, 8, 64, 3, 3, 2, 1, 1, 0",
        "7, 5, 11, 13, 31, 2, 3, 1, 2, 2, 2",
        "3, 19, 5, 5, 7, 5, 5, 1, 2, 1, 0",
        "5, 15, 9, 8, 33, 3, 3, 1, 1, 1, 1",
        "3, 1, 13, 29, 40, 3, 3, 2, 1, 1, 0"
    })
    void givesTheInt32SumsOfImagePairs(
            int batch, int c, int h, int w, int n, int kh, int kw, int stride, int pad, int dilation, int zeroPoint) {
        sums(true, batch, c, h, w, n, kh, kw, stride, pad, dilation, zeroPoint);
    }

    private static void sums(
            boolean pairs,
            int batch,
            int c,
            int h,
            int w,
            int n,
            int kh,
            int kw,
            int stride,
            int pad,
            int dilation,
            int zeroPoint) {
        Random random = new Random(31L * batch + 7L * c + n + h);
        int k = kh * kw * c;
        byte[] weights = new byte[n * k];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (byte) (pairs ? random.nextInt(3) - 1 : random.nextInt(255) - 127);
        }
        assertTrue(!pairs || BlockedFmaConvolution.exactPaired(k, 3));
        int range = pairs ? 4 : 256;
        byte[] codes = new byte[batch * h * w * c];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) random.nextInt(range);
        }
        BlockedFmaConvolution conv = new BlockedFmaConvolution(new WeightCodes(weights, new float[n], n, k), pairs);
        check(conv, new Codes(codes, batch, h, w, c, true), weights, n, kh, kw, stride, pad, dilation, zeroPoint);
        // A second, smaller chunk through the same buffers: its sums must not see the first chunk's codes.
        byte[] next = new byte[Math.max(1, batch - 1) * h * w * c];
        for (int i = 0; i < next.length; i++) {
            next[i] = (byte) random.nextInt(range);
        }
        check(
                conv,
                new Codes(next, next.length / (h * w * c), h, w, c, true),
                weights,
                n,
                kh,
                kw,
                stride,
                pad,
                dilation,
                zeroPoint);
    }

    @Test
    void theLargestCodesAtTheBoundAreExact() {
        // 518 products of 127 * 255 = 16,775,430, the last partial sum below 2^24 = 16,777,216.
        int c = 518;
        assertTrue(BlockedFmaConvolution.exact(127L * c, 255));
        assertFalse(BlockedFmaConvolution.exact(127L * (c + 1), 255));
        byte[] weights = new byte[2 * c];
        Arrays.fill(weights, 0, c, (byte) 127);
        Arrays.fill(weights, c, 2 * c, (byte) -127);
        byte[] codes = new byte[3 * c];
        Arrays.fill(codes, (byte) 255);
        BlockedFmaConvolution conv = new BlockedFmaConvolution(new WeightCodes(weights, new float[2], 2, c), false);
        check(conv, new Codes(codes, 3, 1, 1, c, true), weights, 2, 1, 1, 1, 0, 1, 0);
    }

    private static void check(
            BlockedFmaConvolution conv,
            Codes in,
            byte[] weights,
            int n,
            int kh,
            int kw,
            int stride,
            int pad,
            int dilation,
            int zeroPoint) {
        int c = in.c();
        int k = kh * kw * c;
        Window win = in.window(
                new int[] {kh, kw},
                new int[] {stride, stride},
                new int[] {pad, pad, pad, pad},
                new int[] {dilation, dilation},
                Op.AutoPad.NOTSET,
                false);
        int pixels = win.outH() * win.outW();
        int[] expected = new int[in.batch() * pixels * n];
        for (int b = 0; b < in.batch(); b++) {
            for (int oy = 0; oy < win.outH(); oy++) {
                for (int ox = 0; ox < win.outW(); ox++) {
                    for (int j = 0; j < n; j++) {
                        int sum = 0;
                        for (int ky = 0; ky < kh; ky++) {
                            for (int kx = 0; kx < kw; kx++) {
                                int iy = oy * stride - pad + ky * dilation;
                                int ix = ox * stride - pad + kx * dilation;
                                if (iy < 0 || iy >= in.h() || ix < 0 || ix >= in.w()) {
                                    continue;
                                }
                                for (int ch = 0; ch < c; ch++) {
                                    int x = in.get(((b * in.h() + iy) * in.w() + ix) * c + ch) - zeroPoint;
                                    sum += weights[j * k + (ky * kw + kx) * c + ch] * x;
                                }
                            }
                        }
                        expected[((b * win.outH() + oy) * win.outW() + ox) * n + j] = sum;
                    }
                }
            }
        }
        int[] acc = new int[expected.length];
        Arrays.fill(acc, Integer.MIN_VALUE);
        conv.convolve(in, PaddedWindows.of(in, win), zeroPoint, acc);
        assertArrayEquals(expected, acc);
    }
}
