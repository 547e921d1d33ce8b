package org.bitbudget.kernels.elementwise;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * Vector API {@link IslandElementwise}. HardSwish runs in double lanes, as its scalar form: floats
 * widen exactly, the division, addition, clamp and product are the same IEEE operations lane by lane,
 * and the narrowing rounds to nearest as the cast does; the last values of a range that fill no
 * vector take the scalar form. The per-channel operations run a vector of
 * channels at a time, each row's last vector masked.
 *
 * <p>Runs at the width {@link VectorWidth} gives its class; {@link IslandElementwiseFamily} uses it
 * from 256 bits up.
 */
public final class VectorIslandElementwise implements IslandElementwise {
    private static final VectorSpecies<Double> DOUBLES =
            VectorSpecies.of(double.class, VectorWidth.of(MethodHandles.lookup()));
    /** As many floats as {@link #DOUBLES} has lanes, in half its width. */
    private static final VectorSpecies<Float> HALF =
            VectorSpecies.of(float.class, VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2));

    private static final VectorSpecies<Float> FLOATS = VectorSpecies.of(float.class, DOUBLES.vectorShape());
    private static final int D = DOUBLES.length();
    private static final int L = FLOATS.length();

    @Override
    public void hardSwish(float[] in, float[] out, int from, int to) {
        int i = from;
        for (; i + D <= to; i += D) {
            DoubleVector x =
                    (DoubleVector) FloatVector.fromArray(HALF, in, i).convertShape(VectorOperators.F2D, DOUBLES, 0);
            // The clamp as two compare-and-blends: faster than the vector min and max (measured in the
            // float engine's depthwise kernel), and the same values here: x / 6 + 0.5 is never -0.0,
            // and a NaN fails both comparisons and stays NaN, as Math.min and Math.max keep it.
            DoubleVector gate = x.div(6d).add(0.5d);
            gate = gate.blend(1d, gate.compare(VectorOperators.GT, 1d));
            gate = gate.blend(0d, gate.compare(VectorOperators.LT, 0d));
            ((FloatVector) x.mul(gate).convertShape(VectorOperators.D2F, HALF, 0)).intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = ScalarIslandElementwise.hardSwish(in[i]);
        }
    }

    @Override
    public void multiplyChannels(int rows, int c, float[] x, int off, float[] s, int sOff, float[] out) {
        for (int r = 0; r < rows; r++) {
            int base = off + r * c;
            int j = 0;
            for (; j + L <= c; j += L) {
                FloatVector.fromArray(FLOATS, x, base + j)
                        .mul(FloatVector.fromArray(FLOATS, s, sOff + j))
                        .intoArray(out, base + j);
            }
            if (j < c) {
                VectorMask<Float> mask = FLOATS.indexInRange(j, c);
                FloatVector.fromArray(FLOATS, x, base + j, mask)
                        .mul(FloatVector.fromArray(FLOATS, s, sOff + j, mask))
                        .intoArray(out, base + j, mask);
            }
        }
    }

    @Override
    public void addChannels(int rows, int c, float[] x, int off, float[] s, int sOff, float[] out) {
        for (int r = 0; r < rows; r++) {
            int base = off + r * c;
            int j = 0;
            for (; j + L <= c; j += L) {
                FloatVector.fromArray(FLOATS, x, base + j)
                        .add(FloatVector.fromArray(FLOATS, s, sOff + j))
                        .intoArray(out, base + j);
            }
            if (j < c) {
                VectorMask<Float> mask = FLOATS.indexInRange(j, c);
                FloatVector.fromArray(FLOATS, x, base + j, mask)
                        .add(FloatVector.fromArray(FLOATS, s, sOff + j, mask))
                        .intoArray(out, base + j, mask);
            }
        }
    }
}
