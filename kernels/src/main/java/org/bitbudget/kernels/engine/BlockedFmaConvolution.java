package org.bitbudget.kernels.engine;

import org.bitbudget.kernels.gemm.FmaIntGemm;
import org.bitbudget.kernels.gemm.FmaIntGemmFamily;
import org.bitbudget.kernels.gemm.PairedFmaIntGemm;
import org.bitbudget.kernels.gemm.PairedFmaIntGemmFamily;
import org.bitbudget.ops.compute.Window;
import org.bitbudget.ops.compute.blocked.ChannelBlocked16;
import org.bitbudget.ops.compute.sgemm.BlockedSgemm;
import org.bitbudget.ops.compute.sgemm.BlockedSgemmFamily;
import org.bitbudget.ops.compute.sgemm.PackedWeights;

/**
 * {@link KernelPath#FMA_BLOCKED} and {@link KernelPath#FMA_BLOCKED_IMAGE_PAIRED}: a one-group
 * convolution of codes on the float engine's {@link BlockedSgemm} register tiles, one image at a
 * time. The input codes minus the zero point go into a zero-bordered image in 16-channel blocks (the
 * float engine's NCHWc16 layout: pixel (y, x) of block q at {@code ((q * hp + y) * wp + x) * 16}, hp x
 * wp the padded size {@link PaddedWindows} gives), so that consecutive output pixels of a stride-1
 * convolution read inputs one block apart and the kernel takes its run tiles whatever the channel
 * count; an input of fewer channels than a block (a first layer's one) goes into planes instead, one
 * per channel (NCHW, pixel (y, x) of channel ch at {@code (ch * hp + y) * wp + x}), where consecutive
 * output pixels read adjacent floats (the kernel's planar run tiles, as the float engine runs such a
 * layer) and the image is 16 times smaller. The padding is 0, the zero point's centered value. Each
 * image is written just before the kernel reads it, so it is still in the cache. The kernel reads the
 * windows in place through the offset of each tap (kernel row, kernel column, channel: the weights'
 * order) and of each output position; the weights are their codes as floats and the chains start at 0.
 *
 * <p>Each chain runs over the whole of k in one fp32 multiply-add sequence, so a layer may take this
 * path only where {@link #exact}: every partial sum is then an integer of magnitude at most 2^24,
 * which fp32 holds exactly, so each result is the int32 sum whatever the order. With image pairs,
 * image b's floats hold {@code x_b + 2^12 x_(b + half)} (half = ceil(batch / 2); the middle image of
 * an odd batch alone), so one chain sums both images, {@code s_b + 2^12 s_(b + half)}, exact and
 * separable where {@link #exactPaired}: the largest L1 norm times the largest |input| stays within
 * {@link PairedFmaIntGemm#HALF_LIMIT}, half the multiply-adds. The 16-channel blocks the kernel
 * stores go back to NHWC accumulators (split into both images' with pairs) image by image, while they
 * are still in the cache.
 */
final class BlockedFmaConvolution {
    /** The largest magnitude up to which every integer is a float. */
    private static final long EXACT_LIMIT = 1L << 24;

    /** Channels per block of the blocked SGEMM's output (the float engine's NCHWc16 layout). */
    private static final int BLOCK = ChannelBlocked16.BLOCK;

    /** The weight of the second image of a lane: 2^12, as {@link PairedFmaIntGemm#pairRows} adds it. */
    private static final float PAIR = 1 << PairedFmaIntGemm.SHIFT;

    private final PackedWeights weights;
    private final int channels;
    private final int k;
    private final boolean imagePairs;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /**
     * One thread's buffers, reused from image to image and chunk to chunk. The padded image keeps its
     * geometry (a layer's input shape is fixed), and every image writes only the interior's real
     * channels, so its border and the lanes past the channel count stay zero from allocation; every
     * other element read is written first.
     */
    private static final class Scratch {
        private float[] padded = new float[0];
        private float[] row = new float[0];
        private int[] taps = new int[0];
        private int[] windows = new int[0];
        private float[] blocks = new float[0];
    }

    /**
     * Packs {@code codes} (n x k, k ordered kernel row, kernel column, channel) as float panels.
     *
     * @param imagePairs whether to sum two images per lane ({@link KernelPath#FMA_BLOCKED_IMAGE_PAIRED})
     */
    BlockedFmaConvolution(WeightCodes codes, boolean imagePairs) {
        this.channels = codes.channels();
        this.k = codes.k();
        this.imagePairs = imagePairs;
        float[] floats = new float[channels * k];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = codes.codes()[i];
        }
        this.weights = BlockedSgemmFamily.get().pack(channels, k, floats, 0, k, null, 0);
    }

    /**
     * Whether every chain is exact in fp32: the largest L1 norm of a channel's weight codes times the
     * largest |input code - zero point| bounds every partial sum, and must not pass 2^24.
     */
    static boolean exact(long maxL1, long maxAbsInput) {
        return maxL1 * maxAbsInput <= EXACT_LIMIT;
    }

    /** Whether every chain of two images per lane is exact and separable: the bound within 2^11 - 1. */
    static boolean exactPaired(long maxL1, long maxAbsInput) {
        return maxL1 * maxAbsInput <= PairedFmaIntGemm.HALF_LIMIT;
    }

    /**
     * The sums of the NHWC codes {@code in} minus {@code zeroPoint}, over the windows {@code windows}
     * describes, into NHWC accumulators (row stride n, one row per output position).
     */
    void convolve(Codes in, PaddedWindows windows, int zeroPoint, int[] acc) {
        Scratch own = scratch.get();
        Window win = windows.win();
        int c = in.c();
        int wp = windows.wp();
        int plane = windows.hp() * wp;
        boolean planar = c < BLOCK;
        // Floats from one pixel of a plane to the next: one block, or one float in planes of channels.
        int unit = planar ? 1 : BLOCK;
        int image = planar ? c * plane : Math.ceilDiv(c, BLOCK) * plane * BLOCK;
        if (own.padded.length != image) {
            own.padded = new float[image];
        }
        int pixels = win.outH() * win.outW();
        if (own.taps.length != k) {
            own.taps = new int[k];
        }
        if (own.windows.length != pixels) {
            own.windows = new int[pixels];
        }
        int blockFloats = Math.ceilDiv(channels, BLOCK) * pixels * BLOCK;
        if (own.blocks.length < blockFloats) {
            own.blocks = new float[blockFloats];
        }
        int[] columns = own.windows;
        for (int oy = 0; oy < win.outH(); oy++) {
            for (int ox = 0; ox < win.outW(); ox++) {
                columns[oy * win.outW() + ox] = (oy * win.sH() * wp + ox * win.sW()) * unit;
            }
        }
        // The taps, in the weights' order (kernel row, kernel column, channel).
        int[] taps = own.taps;
        int p = 0;
        for (int ky = 0; ky < win.kH(); ky++) {
            for (int kx = 0; kx < win.kW(); kx++) {
                int tap = (ky * win.dH() * wp + kx * win.dW()) * unit;
                for (int ch = 0; ch < c; ch++) {
                    taps[p++] = tap + (planar ? ch * plane : ch / BLOCK * plane * BLOCK + ch % BLOCK);
                }
            }
        }
        BlockedSgemm gemm = BlockedSgemmFamily.get();
        int half = imagePairs ? Math.ceilDiv(in.batch(), 2) : in.batch();
        int accImage = pixels * channels;
        for (int b = 0; b < half; b++) {
            // Image b (and its pair) goes into the padded image just before the kernel reads it, so
            // the kernel finds it in the cache: a whole chunk's padded images would not fit.
            boolean paired = imagePairs && b + half < in.batch();
            fill(in, b, windows, zeroPoint, planar, own, false);
            if (paired) {
                fill(in, b + half, windows, zeroPoint, planar, own, true);
            }
            gemm.multiply(
                    weights,
                    pixels,
                    own.padded,
                    taps,
                    columns,
                    own.blocks,
                    0,
                    pixels * BLOCK,
                    null,
                    0,
                    Float.NEGATIVE_INFINITY,
                    Float.POSITIVE_INFINITY);
            toAccumulators(own.blocks, pixels, channels, acc, b * accImage, paired ? half * accImage : -1);
        }
    }

    /**
     * Writes image {@code b}'s codes minus the zero point into the interior of the padded image, or
     * with {@code high} adds them at 2^12 onto the image already there (the pair's second image). A
     * layer of fewer channels than a block (the first layer's one) keeps them in planes of their own,
     * pixel (y, x) of channel ch at {@code (ch * hp + y) * wp + x}, which the kernel reads as runs of
     * adjacent pixels instead of one float per 16-float block; wider layers in 16-channel blocks.
     */
    private static void fill(
            Codes in, int b, PaddedWindows windows, int zeroPoint, boolean planar, Scratch own, boolean high) {
        Window win = windows.win();
        int c = in.c();
        int length = in.w() * c;
        int plane = windows.hp() * windows.wp();
        if (own.row.length < length) {
            own.row = new float[length];
        }
        float[] padded = own.padded;
        FmaIntGemm convert = FmaIntGemmFamily.get();
        PairedFmaIntGemm pair = PairedFmaIntGemmFamily.get();
        int unit = planar ? 1 : BLOCK;
        for (int y = 0; y < in.h(); y++) {
            int from = (b * in.h() + y) * length;
            int row = ((y + win.padTop()) * windows.wp() + win.padLeft()) * unit;
            if (c == unit) {
                // One channel in a plane, or one block: the NHWC row is the padded row.
                if (high) {
                    convert.toFloats(in.data(), from, own.row, 0, length, in.unsigned(), zeroPoint);
                    pair.pairRows(padded, row, own.row, 0, length);
                } else {
                    convert.toFloats(in.data(), from, padded, row, length, in.unsigned(), zeroPoint);
                }
                continue;
            }
            convert.toFloats(in.data(), from, own.row, 0, length, in.unsigned(), zeroPoint);
            if (planar) {
                for (int ch = 0; ch < c; ch++) {
                    int to = row + ch * plane;
                    for (int x = 0; x < in.w(); x++) {
                        float v = own.row[x * c + ch];
                        padded[to + x] = high ? padded[to + x] + PAIR * v : v;
                    }
                }
                continue;
            }
            for (int x = 0; x < in.w(); x++) {
                for (int q = 0; q * BLOCK < c; q++) {
                    int valid = Math.min(BLOCK, c - q * BLOCK);
                    int to = row + (q * plane + x) * BLOCK;
                    int src = x * c + q * BLOCK;
                    if (valid == BLOCK) {
                        if (high) {
                            pair.pairRows(padded, to, own.row, src, BLOCK);
                        } else {
                            System.arraycopy(own.row, src, padded, to, BLOCK);
                        }
                    } else {
                        // The channels of a last partial block: a call per pixel would cost more than the copy.
                        for (int l = 0; l < valid; l++) {
                            padded[to + l] = high ? padded[to + l] + PAIR * own.row[src + l] : own.row[src + l];
                        }
                    }
                }
            }
        }
    }

    /**
     * Writes the {@code n} channels of {@code pixels} blocked results (block q's pixel j at
     * {@code blocks[(q * pixels + j) * 16]}) to NHWC ints from {@code acc[at]}; each is an integer
     * float of magnitude at most 2^24, so the conversion is exact. With {@code hiOff >= 0} each is a
     * pair's sum, split into the low image's ints at {@code at} and the high one's {@code hiOff} on.
     */
    static void toAccumulators(float[] blocks, int pixels, int n, int[] acc, int at, int hiOff) {
        FmaIntGemm convert = FmaIntGemmFamily.get();
        PairedFmaIntGemm split = PairedFmaIntGemmFamily.get();
        if (n == BLOCK) {
            // One block: the blocked pixels are the NHWC rows.
            if (hiOff < 0) {
                convert.toInts(blocks, 0, acc, at, pixels * BLOCK);
            } else {
                split.splitRows(blocks, 0, acc, at, hiOff, pixels * BLOCK);
            }
            return;
        }
        for (int q = 0; q * BLOCK < n; q++) {
            int valid = Math.min(BLOCK, n - q * BLOCK);
            int from = q * pixels * BLOCK;
            int to = at + q * BLOCK;
            for (int j = 0; j < pixels; j++, from += BLOCK, to += n) {
                if (hiOff < 0) {
                    convert.toInts(blocks, from, acc, to, valid);
                } else {
                    split.splitRows(blocks, from, acc, to, hiOff, valid);
                }
            }
        }
    }
}
