package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Allocator;
import org.bitbudget.ops.compute.Pooling;
import org.junit.jupiter.api.Test;

/**
 * {@link NhwcIslands#average} on an NHWC tensor against the float engine's {@link Pooling#globalAverage}
 * on the same values in NCHW order, at awkward sizes (one channel, odd and prime channel counts,
 * 1 x 1 and non-square images, one image) and values of mixed magnitude, where another summation
 * order would round differently: the same floats, bit for bit.
 */
class NhwcIslandsTest {

    @Test
    void nhwcGlobalAverageIsTheNchwOneBitForBit() {
        SplittableRandom random = new SplittableRandom(2026);
        int[][] shapes = {{1, 1, 1, 1}, {3, 1, 1, 5}, {2, 7, 7, 1}, {5, 5, 7, 17}, {4, 14, 14, 16}, {3, 3, 2, 97}};
        for (int[] s : shapes) {
            int batch = s[0];
            int h = s[1];
            int w = s[2];
            int c = s[3];
            float[] nchw = new float[batch * c * h * w];
            float[] nhwc = new float[nchw.length];
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < c; j++) {
                    for (int p = 0; p < h * w; p++) {
                        float v = (float) (random.nextDouble(-1, 1) * Math.scalb(1.0, random.nextInt(-20, 20)));
                        nchw[(b * c + j) * h * w + p] = v;
                        nhwc[(b * h * w + p) * c + j] = v;
                    }
                }
            }
            Tensor expected = Pooling.globalAverage(Tensor.of(Shape.of(batch, c, h, w), nchw));
            Tensor actual =
                    NhwcIslands.average(new Tensor[] {Tensor.of(Shape.of(batch, h, w, c), nhwc)}, Allocator.FRESH)[0];
            assertEquals(expected.shape(), actual.shape());
            assertArrayEquals(expected.data(), actual.data(), batch + "x" + h + "x" + w + "x" + c);
        }
    }
}
