package org.bitbudget.ops.compute.blocked;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * Vector API {@link BlockedPooling}: a lane of a double vector is one channel's sum, so a block's 16
 * sums are 16 / D vectors of D doubles (two at 512 bits), each pixel's floats loaded D at a time and
 * widened exactly to double; every lane adds the pixels in the scalar twin's order. The means are
 * divided in double too and rounded to float one by one, as the twin rounds them. At 256 and 512 bits
 * a pixel's 16 floats are read in one pass (all 16 / D sums at once), so every cache line is read
 * once; narrower vectors take a pass per vector.
 */
public final class BlockedPoolingVector implements BlockedPooling {
    private static final int BLOCK = BlockedDepthwiseConv.BLOCK;
    /** The doubles of one vector of this width (at most 512 bits, which the block's 16 lanes divide). */
    private static final VectorSpecies<Double> DOUBLES =
            VectorSpecies.of(double.class, atMost512(VectorWidth.of(MethodHandles.lookup())));

    private static final int D = DOUBLES.length();
    /** As many floats as {@link #DOUBLES} has doubles: half the width. */
    private static final VectorSpecies<Float> FLOATS =
            VectorSpecies.of(float.class, VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2));

    private static VectorShape atMost512(VectorShape shape) {
        return shape.vectorBitSize() > 512 ? VectorShape.S_512_BIT : shape;
    }

    @Override
    public void globalAverage(float[] in, int inOff, int channels, int plane, float[] out, int outOff) {
        double[] means = new double[BLOCK];
        DoubleVector size = DoubleVector.broadcast(DOUBLES, plane);
        for (int b = 0; b * BLOCK < channels; b++) {
            int block = inOff + b * plane * BLOCK;
            if (D == BLOCK / 4) {
                // Every vector of a pixel in one pass: a pass per vector read every cache line four
                // times and measured about twice the 512-bit time at 256 bits.
                DoubleVector sum0 = DoubleVector.zero(DOUBLES);
                DoubleVector sum1 = sum0;
                DoubleVector sum2 = sum0;
                DoubleVector sum3 = sum0;
                for (int i = 0; i < plane; i++) {
                    int at = block + i * BLOCK;
                    sum0 = sum0.add(widened(in, at));
                    sum1 = sum1.add(widened(in, at + D));
                    sum2 = sum2.add(widened(in, at + 2 * D));
                    sum3 = sum3.add(widened(in, at + 3 * D));
                }
                sum0.div(size).intoArray(means, 0);
                sum1.div(size).intoArray(means, D);
                sum2.div(size).intoArray(means, 2 * D);
                sum3.div(size).intoArray(means, 3 * D);
            } else if (D == BLOCK / 2) {
                DoubleVector sum0 = DoubleVector.zero(DOUBLES);
                DoubleVector sum1 = sum0;
                for (int i = 0; i < plane; i++) {
                    int at = block + i * BLOCK;
                    sum0 = sum0.add(widened(in, at));
                    sum1 = sum1.add(widened(in, at + D));
                }
                sum0.div(size).intoArray(means, 0);
                sum1.div(size).intoArray(means, D);
            } else {
                for (int sub = 0; sub < BLOCK; sub += D) {
                    DoubleVector sum = DoubleVector.zero(DOUBLES);
                    for (int i = 0; i < plane; i++) {
                        sum = sum.add(widened(in, block + i * BLOCK + sub));
                    }
                    sum.div(size).intoArray(means, sub);
                }
            }
            int count = Math.min(BLOCK, channels - b * BLOCK);
            for (int l = 0; l < count; l++) {
                out[outOff + b * BLOCK + l] = (float) means[l];
            }
        }
    }

    /** The D floats at {@code at}, widened exactly to double. */
    private static DoubleVector widened(float[] in, int at) {
        return (DoubleVector) FloatVector.fromArray(FLOATS, in, at).convertShape(VectorOperators.F2D, DOUBLES, 0);
    }
}
