package org.bitbudget.ops.compute.scale;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * Vector API {@link ScaleRun}: whole vectors, then one masked vector for the run's tail (lanes past
 * it neither loaded nor stored). Each lane is the scalar twin's one multiplication. The runs it is
 * made for are short (a 7 x 7 plane is 49 floats): a loop the JIT vectorises by itself unrolls its
 * vector body past such a run and leaves it all to the scalar remainder loop (measured: about three
 * times slower on 96 x 49-float planes).
 */
public final class VectorScaleRun implements ScaleRun {
    private static final VectorSpecies<Float> SPECIES =
            VectorSpecies.of(float.class, VectorWidth.of(MethodHandles.lookup()));
    private static final int L = SPECIES.length();

    @Override
    public void multiply(float[] x, int xOff, float y, float[] out, int outOff, int n) {
        FloatVector yv = FloatVector.broadcast(SPECIES, y);
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(SPECIES, x, xOff + i).mul(yv).intoArray(out, outOff + i);
        }
        if (i < n) {
            VectorMask<Float> mask = SPECIES.indexInRange(i, n);
            FloatVector.fromArray(SPECIES, x, xOff + i, mask).mul(yv).intoArray(out, outOff + i, mask);
        }
    }
}
