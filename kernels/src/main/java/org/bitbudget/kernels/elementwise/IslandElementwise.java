package org.bitbudget.kernels.elementwise;

/**
 * Elementwise float arithmetic of the integer engine's float islands, every result the same float
 * as the float engine's loop for the same operands.
 */
public interface IslandElementwise {

    /**
     * {@code out[i] = x * max(0, min(1, fma(x, 1/6f, 0.5f)))} in float, {@code x = in[i]}, for
     * {@code i} in [from, to): ONNX HardSwish as {@code Elementwise.hardSwish} computes it.
     */
    void hardSwish(float[] in, float[] out, int from, int to);

    /**
     * {@code out[off + r c + j] = x[off + r c + j] * s[sOff + j]} for {@code rows} rows of {@code c}
     * channels: a per-channel scale (a squeeze-excitation Mul) over NHWC rows.
     */
    void multiplyChannels(int rows, int c, float[] x, int off, float[] s, int sOff, float[] out);

    /** As {@link #multiplyChannels} with {@code +}: a per-channel offset over NHWC rows. */
    void addChannels(int rows, int c, float[] x, int off, float[] s, int sOff, float[] out);
}
