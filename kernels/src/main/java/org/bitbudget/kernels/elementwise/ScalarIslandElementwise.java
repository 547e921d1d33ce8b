package org.bitbudget.kernels.elementwise;

/** The scalar twin of {@link VectorIslandElementwise}: one value at a time, the float engine's loops. */
public final class ScalarIslandElementwise implements IslandElementwise {

    @Override
    public void hardSwish(float[] in, float[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            out[i] = hardSwish(in[i]);
        }
    }

    /** The double nearest 1/6. */
    static final double SIXTH = 1.0 / 6;

    /**
     * One HardSwish value, in double as the float engine computes it, but x / 6 as x times 1/6 with
     * one exact FMA correction (Markstein's), which is the correctly rounded quotient for every
     * finite float x (checked over all 2^32 floats by the differential test; the division is the
     * slowest vector instruction here); an infinite x is its own quotient.
     */
    static float hardSwish(float value) {
        double x = value;
        double q = x * SIXTH;
        q = Math.fma(Math.fma(-q, 6, x), SIXTH, q);
        if (Double.isInfinite(x)) {
            q = x;
        }
        return (float) (x * Math.max(0d, Math.min(1d, q + 0.5)));
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
