package org.bitbudget.kernels.elementwise;

import org.bitbudget.ops.compute.Elementwise;

/** The scalar twin of {@link VectorIslandElementwise}: one value at a time, the float engine's loops. */
public final class ScalarIslandElementwise implements IslandElementwise {

    @Override
    public void hardSwish(float[] in, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = Elementwise.hardSwish(in[i]);
        }
    }

    @Override
    public void multiplyChannels(int rows, int c, float[] x, int off, float[] s, int sOff, float[] out) {
        for (int r = 0; r < rows; r++) {
            int base = off + r * c;
            for (int j = 0; j < c; j++) {
                out[base + j] = x[base + j] * s[sOff + j];
            }
        }
    }

    @Override
    public void addChannels(int rows, int c, float[] x, int off, float[] s, int sOff, float[] out) {
        for (int r = 0; r < rows; r++) {
            int base = off + r * c;
            for (int j = 0; j < c; j++) {
                out[base + j] = x[base + j] + s[sOff + j];
            }
        }
    }
}
