package org.bitbudget.kernels.elementwise;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.Elementwise;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * Vector API {@link IslandElementwise}. HardSwish runs in float lanes, as its scalar form: the fused
 * multiply-add, clamp and product are the same IEEE operations lane by lane; the last values of a
 * range that fill no vector take the scalar form. The per-channel operations run a vector of
 * channels at a time, each row's last vector masked.
 *
 * <p>Runs at the width {@link VectorWidth} gives its class; {@link IslandElementwiseFamily} uses it
 * from 256 bits up.
 */
public final class VectorIslandElementwise implements IslandElementwise {
    private static final VectorSpecies<Float> FLOATS =
            VectorSpecies.of(float.class, VectorWidth.of(MethodHandles.lookup()));
    private static final int L = FLOATS.length();

    @Override
    public void hardSwish(float[] in, float[] out, int from, int to) {
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector x = FloatVector.fromArray(FLOATS, in, i);
            // The clamp as two compare-and-blends, cheaper than the lanewise min and max (which must
            // order signed zeros and NaNs as Math does), and the same values: the gate is never -0.0,
            // and a NaN fails both comparisons and stays NaN, as Math.min and Math.max keep it.
            FloatVector gate = x.lanewise(VectorOperators.FMA, Elementwise.HARD_SWISH_ALPHA, 0.5f);
            gate = gate.blend(1f, gate.compare(VectorOperators.GT, 1f));
            gate = gate.blend(0f, gate.compare(VectorOperators.LT, 0f));
            x.mul(gate).intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = Elementwise.hardSwish(in[i]);
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
