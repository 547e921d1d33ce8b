package org.bitbudget.kernels.engine;

/**
 * Which kernel a layer runs on; chosen once per layer when the graph is lowered, among the paths that
 * compute the layer exactly (all give the same integers): by a fixed rule, forced
 * ({@link IntegerEngine.Builder#path}) or timed ({@link IntegerEngine.Builder#measure}).
 */
public enum KernelPath {
    /** int8 or uint8 activations times int8 weights into int32 ({@code IntGemm.gemmS8/gemmU8}). */
    INT8,
    /**
     * Codes as floats, multiplied exactly on fp32 FMA in blocks of k whose sums cannot pass 2^24 and
     * flushed into int32 ({@code FmaIntGemm}); convolutions of one group, and depthwise ones whose
     * whole window is one exact chain ({@code DepthwiseFmaConv}).
     */
    FMA,
    /**
     * A one-group convolution on the float engine's 16-channel register tiles
     * ({@code BlockedFmaConvolution}): codes as floats, each output one fp32 chain over the whole of
     * k, exact where the largest L1 norm of a channel's weights times the largest |input| is at most
     * 2^24; the sums go back to int32 accumulators.
     */
    FMA_BLOCKED,
    /**
     * As {@link #FMA_BLOCKED} with two images per fp32 lane, {@code x_b + 2^12 x_(b + half)} as in
     * {@link #FMA_IMAGE_PAIRED}, split after the chain; exact where the largest L1 norm of a channel's
     * weights times the largest |input| is at most 2^11 - 1 over the whole of k. Half the multiply-adds.
     */
    FMA_BLOCKED_IMAGE_PAIRED,
    /**
     * As {@link #FMA} with two output channels per fp32 lane ({@code PairedFmaIntGemm}): lane value
     * {@code w[j] + 2^12 w[j + h]}, exact while the largest |input| times the L1 norm of any channel's
     * weights over a block of k stays within 2^11 - 1; for narrow codes whose blocks under that bound
     * are long enough to pay for splitting each block's sums (half the multiply-adds of {@link #FMA}).
     */
    FMA_PAIRED,
    /**
     * As {@link #FMA_PAIRED} with two images per fp32 lane instead of two channels: a convolution's
     * padded input holds {@code x_b + 2^12 x_(b + half)} ({@code PairedFmaIntGemm.multiplyRowPairsIndirect}),
     * under the same bound and blocks; half the multiply-adds of {@link #FMA} for a layer of any width,
     * where channel pairing leaves half the lanes of a layer of at most one vector of channels empty.
     */
    FMA_IMAGE_PAIRED,
    /** int8 x int8 into int16, where the layer's bound proves no channel can overflow 16 bits. */
    INT16,
    /** Bit planes and popcounts, for weights and activations of at most 4 bits. */
    BIT_SERIAL,
    /** No integer kernel: the layer runs in a float island on the float engine's kernel. */
    FLOAT
}
