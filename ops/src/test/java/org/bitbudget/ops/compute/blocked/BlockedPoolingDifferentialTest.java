package org.bitbudget.ops.compute.blocked;

import java.util.Random;
import java.util.stream.Stream;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Pooling;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BlockedPoolingVector#globalAverage} gives exactly the floats of {@link BlockedPoolingScalar},
 * and those are the means {@link Pooling#globalAverage} computes from the same NCHW image, for C = 1,
 * 5, 16, 17, 48, 72, 97 and planes of 1, 3, 49 (7 x 7), 117 (13 x 9) and 196 (14 x 14) pixels, on
 * random values and on values with signed zeros, subnormals, huge values, infinities and NaNs; at
 * every vector width this JVM runs ({@link KernelProvider#widths()}).
 */
class BlockedPoolingDifferentialTest {
    private static final int[] CHANNELS = {1, 5, 16, 17, 48, 72, 97};
    private static final int[] PLANES = {1, 3, 49, 117, 196};

    private final BlockedPooling scalar = new BlockedPoolingScalar();

    static Stream<Integer> widths() {
        return KernelProvider.widths().stream();
    }

    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void vectorEqualsScalarBitForBit(int bits) {
        BlockedPooling vector = KernelProvider.vector(new BlockedPoolingFamily(), bits);
        for (int c : CHANNELS) {
            for (int plane : PLANES) {
                for (boolean adversarial : new boolean[] {false, true}) {
                    Random random = new Random(31L * c + plane + (adversarial ? 7 : 0));
                    float[] x =
                            adversarial ? Nchwc16.adversarial(random, c * plane) : Nchwc16.random(random, c * plane);
                    float[] in = Nchwc16.toBlocked(x, 1, c, plane, 3, 0);
                    float[] fromVector = new float[c + 5];
                    float[] fromScalar = new float[c + 5];
                    java.util.Arrays.fill(fromVector, -1f);
                    java.util.Arrays.fill(fromScalar, -1f);
                    vector.globalAverage(in, 3, c, plane, fromVector, 2);
                    scalar.globalAverage(in, 3, c, plane, fromScalar, 2);
                    String where = c + " channels, " + plane + " pixels, " + bits + " bits"
                            + (adversarial ? ", adversarial" : "");
                    Nchwc16.assertSameBits(fromScalar, fromVector, where);
                }
            }
        }
    }

    @Test
    void scalarEqualsNchwGlobalAveragePool() {
        for (int c : CHANNELS) {
            for (int plane : PLANES) {
                for (boolean adversarial : new boolean[] {false, true}) {
                    Random random = new Random(17L * c + plane + (adversarial ? 3 : 0));
                    float[] x =
                            adversarial ? Nchwc16.adversarial(random, c * plane) : Nchwc16.random(random, c * plane);
                    float[] expected = Pooling.globalAverage(Tensor.of(Shape.of(1, c, plane, 1), x))
                            .data();
                    float[] actual = new float[c];
                    scalar.globalAverage(Nchwc16.toBlocked(x, 1, c, plane, 0, 0), 0, c, plane, actual, 0);
                    Nchwc16.assertSameBits(expected, actual, c + " channels, " + plane + " pixels");
                }
            }
        }
    }
}
