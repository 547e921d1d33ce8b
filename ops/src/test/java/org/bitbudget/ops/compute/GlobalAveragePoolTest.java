package org.bitbudget.ops.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Pooling#globalAverage}, which sums several planes side by side, gives for every plane
 * exactly the float of one double sum over that plane in order divided by its size: plane counts
 * below, at and past multiples of four, planes of 1, 7 x 7 and 14 x 14 values, 1-D and 2-D.
 */
class GlobalAveragePoolTest {

    @ParameterizedTest(name = "[{0}, {1}, {2}, {3}]")
    @CsvSource({"1, 1, 1, 1", "1, 3, 7, 7", "2, 4, 7, 7", "3, 5, 14, 14", "2, 9, 1, 13", "1, 17, 5, 0"})
    void equalsOneSumPerPlaneInOrder(int n, int c, int h, int w) {
        Shape shape = w == 0 ? Shape.of(n, c, h) : Shape.of(n, c, h, w);
        int size = w == 0 ? h : h * w;
        Random random = new Random(1000L * c + size);
        float[] x = new float[n * c * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (random.nextFloat() * 2 - 1) * (1 << random.nextInt(20));
        }
        Tensor result = Pooling.globalAverage(Tensor.of(shape, x));
        int[] expectedDims = w == 0 ? new int[] {n, c, 1} : new int[] {n, c, 1, 1};
        assertArrayEquals(expectedDims, result.shape().dims());
        for (int plane = 0; plane < n * c; plane++) {
            double sum = 0;
            for (int i = 0; i < size; i++) {
                sum += x[plane * size + i];
            }
            assertEquals(
                    Float.floatToIntBits((float) (sum / size)),
                    Float.floatToIntBits(result.data()[plane]),
                    "plane " + plane);
        }
    }
}
