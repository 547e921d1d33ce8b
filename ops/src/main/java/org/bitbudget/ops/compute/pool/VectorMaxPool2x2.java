package org.bitbudget.ops.compute.pool;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * Vector API MaxPool 2 x 2 for a column stride of 2 (other strides go to {@link ScalarMaxPool2x2}).
 * A vector of L lanes covers L / 2 windows of one output row: the lane-wise maximum of the two input
 * rows leaves each window's two column maxima in neighbouring lanes, and the maximum of the even
 * and odd lanes, gathered by two shuffles, is the windows' maxima. Lane-wise MAX is Math.max, which
 * gives the same maximum in any order on values other than -0 and NaN, so this equals the scalar
 * twin's chain of Math.max; a vector whose windows hold -0 or NaN is redone window by window by
 * the scalar twin, which applies the rule there.
 */
public final class VectorMaxPool2x2 implements MaxPool2x2 {
    private static final VectorSpecies<Float> SPECIES =
            VectorSpecies.of(float.class, VectorWidth.of(MethodHandles.lookup()));
    private static final int L = SPECIES.length();
    /** Windows per vector. */
    private static final int WINDOWS = L / 2;

    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(SPECIES, i -> 2 * i % L);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(SPECIES, i -> (2 * i + 1) % L);
    private static final int NEGATIVE_ZERO = 0x80000000;
    private static final ScalarMaxPool2x2 SCALAR = new ScalarMaxPool2x2();

    @Override
    public void pool(float[] in, int inH, int inW, int sH, int sW, float[] out, int outH, int outW, int planes) {
        if (sW != 2) {
            SCALAR.pool(in, inH, inW, sH, sW, out, outH, outW, planes);
            return;
        }
        for (int plane = 0; plane < planes; plane++) {
            for (int oh = 0; oh < outH; oh++) {
                outputRow(in, (plane * inH + oh * sH) * inW, inW, out, (plane * outH + oh) * outW, outW);
            }
        }
    }

    /** The outW windows over input rows starting at {@code top} and {@code top + inW}. */
    private static void outputRow(float[] in, int top, int inW, float[] out, int dst, int outW) {
        for (int ow = 0; ow < outW; ow += WINDOWS) {
            int count = Math.min(WINDOWS, outW - ow);
            // Lanes past the row's last window are neither loaded nor stored.
            VectorMask<Float> inputs = SPECIES.indexInRange(0, 2 * count);
            FloatVector upper = FloatVector.fromArray(SPECIES, in, top + 2 * ow, inputs);
            FloatVector lower = FloatVector.fromArray(SPECIES, in, top + inW + 2 * ow, inputs);
            FloatVector columns = upper.lanewise(VectorOperators.MAX, lower);
            FloatVector best = columns.rearrange(EVEN).lanewise(VectorOperators.MAX, columns.rearrange(ODD));
            if (holdsNegativeZeroOrNaN(upper) || holdsNegativeZeroOrNaN(lower)) {
                for (int t = 0; t < count; t++) {
                    out[dst + ow + t] = ScalarMaxPool2x2.window(in, top + 2 * (ow + t), inW);
                }
            } else {
                best.intoArray(out, dst + ow, SPECIES.indexInRange(0, count));
            }
        }
    }

    /** Whether a lane holds -0 or NaN (lanes not loaded hold +0). */
    private static boolean holdsNegativeZeroOrNaN(FloatVector v) {
        return v.test(VectorOperators.IS_NAN)
                .or(v.reinterpretAsInts().eq(NEGATIVE_ZERO).cast(SPECIES))
                .anyTrue();
    }
}
