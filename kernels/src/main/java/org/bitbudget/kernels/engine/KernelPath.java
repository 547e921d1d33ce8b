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
     * flushed into int32 ({@code FmaIntGemm}); convolutions of one group.
     */
    FMA,
    /** int8 x int8 into int16, where the layer's bound proves no channel can overflow 16 bits. */
    INT16,
    /** Bit planes and popcounts, for weights and activations of at most 4 bits. */
    BIT_SERIAL,
    /** No integer kernel: the layer runs in a float island on the float engine's kernel. */
    FLOAT
}
