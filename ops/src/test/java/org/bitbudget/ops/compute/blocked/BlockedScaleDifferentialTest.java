package org.bitbudget.ops.compute.blocked;

import java.util.Random;
import java.util.stream.Stream;
import org.bitbudget.ops.compute.provider.KernelProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BlockedScaleVector} gives exactly the floats of {@link BlockedScaleScalar}, into another array
 * and in place, and those are the NCHW products {@code x * scale[c]} of the SE Mul after a reorder (the
 * padded lanes +0.0), for C = 1, 5, 16, 17, 48, 72, 97 and planes of 1, 3, 49, 117 and 196 pixels, on
 * random and adversarial values (signed zeros, subnormals, overflowing products, infinities, NaNs); at
 * every vector width this JVM runs ({@link KernelProvider#widths()}).
 */
class BlockedScaleDifferentialTest {
    private static final int[] CHANNELS = {1, 5, 16, 17, 48, 72, 97};
    private static final int[] PLANES = {1, 3, 49, 117, 196};

    private final BlockedScale scalar = new BlockedScaleScalar();

    static Stream<Integer> widths() {
        return KernelProvider.widths().stream();
    }

    @ParameterizedTest(name = "{0}-bit vectors")
    @MethodSource("widths")
    void vectorEqualsScalarBitForBit(int bits) {
        BlockedScale vector = KernelProvider.vector(new BlockedScaleFamily(), bits);
        for (int c : CHANNELS) {
            for (int plane : PLANES) {
                for (boolean adversarial : new boolean[] {false, true}) {
                    Random random = new Random(31L * c + plane + (adversarial ? 7 : 0));
                    float[] x =
                            adversarial ? Nchwc16.adversarial(random, c * plane) : Nchwc16.random(random, c * plane);
                    // Adversarial scales are finite: a padded lane's 0.0 times an infinite scale is no case.
                    float[] scale = Nchwc16.random(random, c + 4);
                    float[] in = Nchwc16.toBlocked(x, 1, c, plane, 3, 2);
                    float[] fromVector = new float[in.length + 1];
                    float[] fromScalar = new float[in.length + 1];
                    vector.multiply(in, 3, c, plane, scale, 4, fromVector, 1);
                    scalar.multiply(in, 3, c, plane, scale, 4, fromScalar, 1);
                    String where = c + " channels, " + plane + " pixels, " + bits + " bits"
                            + (adversarial ? ", adversarial" : "");
                    Nchwc16.assertSameBits(fromScalar, fromVector, where);
                    float[] inPlace = in.clone();
                    vector.multiply(inPlace, 3, c, plane, scale, 4, inPlace, 3);
                    float[] inPlaceScalar = in.clone();
                    scalar.multiply(inPlaceScalar, 3, c, plane, scale, 4, inPlaceScalar, 3);
                    Nchwc16.assertSameBits(inPlaceScalar, inPlace, where + ", in place");
                }
            }
        }
    }

    @Test
    void scalarEqualsNchwProducts() {
        for (int c : CHANNELS) {
            for (int plane : PLANES) {
                Random random = new Random(17L * c + plane);
                float[] x = Nchwc16.adversarial(random, 2 * c * plane);
                float[] scale = Nchwc16.adversarial(random, 2 * c);
                float[] expected = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    expected[i] = x[i] * scale[i / plane];
                }
                float[] in = Nchwc16.toBlocked(x, 2, c, plane, 0, 0);
                int image = Nchwc16.blocks(c) * plane * Nchwc16.BLOCK;
                float[] out = new float[in.length];
                for (int img = 0; img < 2; img++) {
                    scalar.multiply(in, img * image, c, plane, scale, img * c, out, img * image);
                }
                String where = c + " channels, " + plane + " pixels";
                Nchwc16.assertSameBits(expected, Nchwc16.fromBlocked(out, 0, 2, c, plane, where), where);
            }
        }
    }
}
