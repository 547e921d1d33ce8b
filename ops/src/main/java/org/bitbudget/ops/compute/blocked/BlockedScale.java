package org.bitbudget.ops.compute.blocked;

/**
 * A blocked image (the NCHWc16 layout of {@link ChannelBlocked16}) times one float per channel, the
 * squeeze-excitation Mul of a [N, C, H, W] tensor by a [N, C, 1, 1] one: {@code out = x * scale[c]},
 * one float multiplication per value as the ONNX Mul computes it. Every implementation gives the same
 * bits, only its speed differs.
 */
public interface BlockedScale {

    /** The implementation in use in this JVM, chosen by the kernel provider ({@link BlockedScaleFamily}). */
    static BlockedScale get() {
        return BlockedScaleFamily.InUse.KERNEL;
    }

    /**
     * Multiplies the ceil(C / 16) blocks of {@code plane} pixels of one image at {@code xOff} of {@code x}
     * by channel c's {@code scale[scaleOff + c]} (plain [C]) into {@code out} at {@code outOff}, which may
     * be {@code x} at the same offset. The lanes of padded channels are multiplied by 0.0.
     */
    void multiply(float[] x, int xOff, int channels, int plane, float[] scale, int scaleOff, float[] out, int outOff);
}
