package org.bitbudget.ops.compute.pool;

/**
 * MaxPool with a 2 x 2 window, no dilation, no padding, and every window inside the input, over
 * planes stored one after another: plane p of {@code in} starts at {@code p * inH * inW}, plane p of
 * {@code out} at {@code p * outH * outW}, and
 * <pre>
 *   out[p][oh][ow] = max over i, j in {0, 1} of in[p][oh * sH + i][ow * sW + j]
 * </pre>
 * by the rule the engine's MaxPool follows for every window shape: the first largest value in
 * row-major order, or the last NaN if there is one. (That rule and {@link Math#max} agree except on
 * windows holding -0 or NaN: -0 and 0 tie, and Math.max returns a NaN of its own.) Every
 * implementation gives the same bits; only speed differs.
 */
public interface MaxPool2x2 {

    /** The implementation in use in this JVM, chosen by the kernel provider ({@link MaxPoolFamily}). */
    static MaxPool2x2 get() {
        return MaxPoolFamily.InUse.KERNEL;
    }

    /** Pools {@code planes} planes; requires {@code (outH - 1) * sH + 1 < inH} and likewise for the width. */
    void pool(float[] in, int inH, int inW, int sH, int sW, float[] out, int outH, int outW, int planes);
}
