package org.bitbudget.kernels.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.bitbudget.ir.graph.Op;
import org.junit.jupiter.api.Test;

/**
 * {@link GlobalAveragePooling} against {@link Step.AveragePool}'s windowed loop over a window of the
 * whole image, at awkward sizes (one channel, odd and prime channel counts, 1 x 1 and non-square
 * images) and accumulators near the 2^30 bound of either sign, where a rounding tie or an int sum
 * would show: the same ints.
 */
class GlobalAveragePoolingTest {

    @Test
    void globalMeansAreTheWholeImageWindowsMeans() {
        SplittableRandom random = new SplittableRandom(2026);
        int[][] shapes = {{1, 1, 1, 1}, {3, 1, 1, 5}, {2, 7, 7, 1}, {5, 5, 7, 17}, {4, 14, 14, 16}, {3, 3, 2, 72}};
        for (int[] s : shapes) {
            int batch = s[0];
            int h = s[1];
            int w = s[2];
            int c = s[3];
            for (int bound : new int[] {3, 1 << 20, 1 << 30}) {
                int[] values = new int[batch * h * w * c];
                for (int i = 0; i < values.length; i++) {
                    values[i] = random.nextInt(-bound, bound + 1);
                }
                Acc in = new Acc(values, batch, h, w, c);
                Op.Pool whole = new Op.Pool(
                        Op.Pool.Kind.AVERAGE,
                        new int[] {h, w},
                        new int[] {1, 1},
                        new int[] {0, 0, 0, 0},
                        new int[] {1, 1},
                        false,
                        false,
                        Op.AutoPad.NOTSET,
                        0);
                Object[] windowed = {null, in, null};
                new Step.AveragePool("pool", 1, 2, whole).run(windowed);
                Object[] global = {null, in, null};
                new Step.AveragePool("pool", 1, 2, null).run(global);
                Acc expected = (Acc) windowed[2];
                Acc actual = (Acc) global[2];
                String at = "batch " + batch + ", " + h + " x " + w + " x " + c + ", |v| <= " + bound;
                assertEquals(expected.batch(), actual.batch(), at);
                assertEquals(1, actual.h(), at);
                assertEquals(1, actual.w(), at);
                assertEquals(c, actual.c(), at);
                assertArrayEquals(expected.values(), actual.values(), at);
            }
        }
    }
}
