package org.bitbudget.ops.compute.blocked;

/**
 * The channel-blocked activation layout NCHWc16, fixed and the same on every machine: a tensor of
 * NCHW shape [N, C, H, W] is held as N x CB planes of H x W pixels, CB = ceil(C / 16), each pixel
 * of a plane being 16 consecutive floats, one per channel of the block. Element (n, c, h, w) lies at
 * {@code ((n * CB + c / 16) * H * W + h * W + w) * 16 + c % 16}. The lanes of the channels past C in
 * the last block (c >= C) hold +0.0f: every blocked kernel writes zeros there and every reader gives
 * them zero weight, so a kernel may load a whole block without masking.
 *
 * <p>The layout lets a convolution keep a pixel's 16 output channels in one 512-bit vector (two
 * 256-bit ones) and store it whole, and read any (strided, padded) input pixel's block of channels
 * from one place. This class owns the layout: its sizes, offsets and the reorders to and from NCHW.
 */
public final class ChannelBlocked16 {
    /** Channels per block. */
    public static final int BLOCK = 16;

    private ChannelBlocked16() {}

    /** The blocks that hold {@code channels} channels. */
    public static int blocks(int channels) {
        return (channels + BLOCK - 1) / BLOCK;
    }

    /** The floats one image of {@code channels} channels and {@code pixels} pixels takes when blocked. */
    public static int imageSize(int channels, int pixels) {
        return blocks(channels) * pixels * BLOCK;
    }

    /** The offset of element (n, c, pixel) of a tensor of {@code channels} channels and {@code pixels} pixels. */
    public static int offset(int n, int c, int pixel, int channels, int pixels) {
        return ((n * blocks(channels) + c / BLOCK) * pixels + pixel) * BLOCK + c % BLOCK;
    }

    /**
     * Writes the blocked form of {@code images} NCHW images ({@code channels} planes of {@code pixels}
     * floats each, from {@code src[srcOff]}) to {@code dst[dstOff]}, the padded lanes as zeros.
     */
    public static void fromPlanar(
            float[] src, int srcOff, int images, int channels, int pixels, float[] dst, int dstOff) {
        int cb = blocks(channels);
        for (int n = 0; n < images; n++) {
            for (int block = 0; block < cb; block++) {
                int to = dstOff + (n * cb + block) * pixels * BLOCK;
                int valid = Math.min(BLOCK, channels - block * BLOCK);
                if (valid < BLOCK) {
                    java.util.Arrays.fill(dst, to, to + pixels * BLOCK, 0f);
                }
                // Channel by channel, each plane read at unit stride: the scattered side is the store.
                for (int lane = 0; lane < valid; lane++) {
                    int from = srcOff + (n * channels + block * BLOCK + lane) * pixels;
                    for (int px = 0; px < pixels; px++) {
                        dst[to + px * BLOCK + lane] = src[from + px];
                    }
                }
            }
        }
    }

    /**
     * Writes the NCHW form of {@code images} blocked images of {@code channels} channels and
     * {@code pixels} pixels (from {@code src[srcOff]}) to {@code dst[dstOff]}; padded lanes are dropped.
     */
    public static void toPlanar(
            float[] src, int srcOff, int images, int channels, int pixels, float[] dst, int dstOff) {
        int cb = blocks(channels);
        for (int n = 0; n < images; n++) {
            for (int c = 0; c < channels; c++) {
                int from = srcOff + ((n * cb + c / BLOCK) * pixels) * BLOCK + c % BLOCK;
                int to = dstOff + (n * channels + c) * pixels;
                for (int px = 0; px < pixels; px++) {
                    dst[to + px] = src[from + px * BLOCK];
                }
            }
        }
    }
}
