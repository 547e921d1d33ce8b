package org.bitbudget.ops.compute.blocked;

/**
 * Pooling of images in the NCHWc16 layout of {@link ChannelBlocked16}: ceil(C / 16) blocks of
 * {@code plane} pixels, each pixel's 16 channels side by side. Every implementation gives the same
 * bits, only its speed differs.
 */
public interface BlockedPooling {

    /** The implementation in use in this JVM, chosen by the kernel provider ({@link BlockedPoolingFamily}). */
    static BlockedPooling get() {
        return BlockedPoolingFamily.InUse.KERNEL;
    }

    /**
     * ONNX GlobalAveragePool of one blocked image at {@code inOff} of {@code in}: the mean of channel c
     * goes to {@code out[outOff + c]}, c = 0 .. channels-1 (plain NCHW, the [C] of a [1, C, 1, 1]
     * result). As {@code Pooling.globalAverage} computes it: the pixels added in order to a double
     * that starts at 0, divided by {@code plane} in double and rounded once to float.
     */
    void globalAverage(float[] in, int inOff, int channels, int plane, float[] out, int outOff);
}
