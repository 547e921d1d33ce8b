package org.bitbudget.ops.compute.scale;

/**
 * {@code out[outOff + i] = x[xOff + i] * y} for i = 0 .. n-1, one float multiplication each, as the
 * ONNX Mul of a tensor by an operand that is fixed along a run computes it. Every implementation
 * gives the same bits; only speed differs.
 */
public interface ScaleRun {

    /** The implementation in use in this JVM, chosen by the kernel provider ({@link ScaleRunFamily}). */
    static ScaleRun get() {
        return ScaleRunFamily.InUse.KERNEL;
    }

    /** Writes the n products; {@code out} may be {@code x} at the same offset. */
    void multiply(float[] x, int xOff, float y, float[] out, int outOff, int n);
}
