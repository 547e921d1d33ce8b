package org.bitbudget.ops.compute.blocked;

import java.util.Arrays;
import org.bitbudget.ops.compute.Activation;

/**
 * The zero-bordered block {@link BlockedDepthwiseConv} copies a padded input into, one per thread and
 * kept between calls (it only grows), so that every tap of every output reads a value, 0.0 outside
 * the input, as the NCHW kernel's padded planes do.
 */
final class BlockedDepthwiseScratch {
    private static final ThreadLocal<float[]> PADDED = ThreadLocal.withInitial(() -> new float[0]);

    private BlockedDepthwiseScratch() {}

    /** This thread's scratch, at least {@code size} floats, the first {@code size} of them zero. */
    static float[] zeroed(int size) {
        float[] scratch = PADDED.get();
        if (scratch.length < size) {
            scratch = new float[size];
            PADDED.set(scratch);
        } else {
            Arrays.fill(scratch, 0, size, 0f);
        }
        return scratch;
    }

    /** Whether {@code activation} maps +0.0 to anything but +0.0 (a Clip whose range excludes it). */
    static boolean movesZero(Activation activation) {
        float[] zero = {0f};
        activation.applyInPlace(zero, 0, 1);
        return Float.floatToRawIntBits(zero[0]) != 0;
    }
}
