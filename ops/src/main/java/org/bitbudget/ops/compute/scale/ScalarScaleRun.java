package org.bitbudget.ops.compute.scale;

/** The scalar twin of {@link VectorScaleRun}: the reference every faster kernel must equal bit for bit. */
public final class ScalarScaleRun implements ScaleRun {
    @Override
    public void multiply(float[] x, int xOff, float y, float[] out, int outOff, int n) {
        for (int i = 0; i < n; i++) {
            out[outOff + i] = x[xOff + i] * y;
        }
    }
}
