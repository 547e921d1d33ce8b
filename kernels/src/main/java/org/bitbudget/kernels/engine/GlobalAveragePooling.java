package org.bitbudget.kernels.engine;

/**
 * Global average pooling of NHWC accumulators, the squeeze of a squeeze-excitation block: the same
 * ints as {@link Step.AveragePool}'s windowed loop over a window of the whole image (long sums
 * rounded half away from zero by h * w), in one pass that adds each pixel's channels into a row of
 * sums. The windowed loop reads each channel's positions c ints apart, with bounds tests per tap,
 * and cost about a millisecond per batch of 256 on the MobileNetV3-style model's first block.
 */
final class GlobalAveragePooling {
    private GlobalAveragePooling() {}

    /** The per-image, per-channel rounded means of {@code in}, as accumulators of 1 x 1 images. */
    static Acc average(Acc in) {
        int c = in.c();
        int hw = in.h() * in.w();
        int[] v = in.values();
        int[] out = new int[in.batch() * c];
        long[] sums = new long[c];
        for (int b = 0; b < in.batch(); b++) {
            java.util.Arrays.fill(sums, 0);
            for (int p = 0; p < hw; p++) {
                int base = (b * hw + p) * c;
                for (int ch = 0; ch < c; ch++) {
                    sums[ch] += v[base + ch];
                }
            }
            for (int ch = 0; ch < c; ch++) {
                out[b * c + ch] = (int) Step.AveragePool.divideRounded(sums[ch], hw);
            }
        }
        return new Acc(out, in.batch(), 1, 1, c);
    }
}
