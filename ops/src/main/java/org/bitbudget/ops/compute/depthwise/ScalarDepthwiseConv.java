package org.bitbudget.ops.compute.depthwise;

/** The scalar twin of {@link VectorDepthwiseConv}: the reference every faster kernel must equal bit for bit. */
public final class ScalarDepthwiseConv implements DepthwiseConv {
    @Override
    public void convolve(
            float[] in, int[] taps, int k, float[] w, int wOff, float bias, float[] out, int outOff, int n) {
        for (int t = 0; t < n; t++) {
            float acc = bias;
            for (int q = 0; q < k; q++) {
                acc = Math.fma(w[wOff + q], in[taps[q] + t], acc);
            }
            out[outOff + t] = acc;
        }
    }

    /** One channel per block: the blocked layout is then the planes themselves. */
    @Override
    public int channelsPerBlock() {
        return 1;
    }

    @Override
    public void convolveBlock(
            float[] in,
            int inOff,
            int[] pixels,
            int n,
            int[] taps,
            int k,
            float[] w,
            int wOff,
            float[] bias,
            int biasOff,
            float[] out,
            int outOff) {
        int lanes = channelsPerBlock();
        for (int j = 0; j < n; j++) {
            for (int l = 0; l < lanes; l++) {
                float acc = bias[biasOff + l];
                for (int q = 0; q < k; q++) {
                    acc = Math.fma(w[wOff + q * lanes + l], in[inOff + pixels[j] + taps[q] + l], acc);
                }
                out[outOff + j * lanes + l] = acc;
            }
        }
    }

    @Override
    public void toBlocks(
            float[] x, int xOff, int c, int h, int w, int lanes, float[] in, int inOff, int blockSize, int rowStride) {
        copyToBlocks(x, xOff, 0, c, h, w, lanes, in, inOff, blockSize, rowStride);
    }

    @Override
    public void fromBlocks(float[] blocked, int bOff, int c, int p, int lanes, float[] out, int outOff) {
        copyFromBlocks(blocked, bOff, 0, c, p, lanes, out, outOff);
    }

    /**
     * {@link #toBlocks} for the channels {@code [from, c)} of the blocks that start at {@code from}
     * (a multiple of {@code lanes}); the vector kernel's way for widths it does not gather. Pixel by
     * pixel, so that the stores run contiguously through the blocks and the strided reads hit the
     * lines the previous pixel loaded.
     */
    static void copyToBlocks(
            float[] x,
            int xOff,
            int from,
            int c,
            int h,
            int w,
            int lanes,
            float[] in,
            int inOff,
            int blockSize,
            int rowStride) {
        int plane = h * w;
        for (int b = from; b < c; b += lanes) {
            int count = Math.min(lanes, c - b);
            int block = inOff + b / lanes * blockSize;
            for (int y = 0; y < h; y++) {
                for (int col = 0; col < w; col++) {
                    int to = block + (y * rowStride + col) * lanes;
                    int src = xOff + b * plane + y * w + col;
                    for (int l = 0; l < count; l++) {
                        in[to + l] = x[src + l * plane];
                    }
                    for (int l = count; l < lanes; l++) {
                        in[to + l] = 0f;
                    }
                }
            }
        }
    }

    /** {@link #fromBlocks} for the channels {@code [from, c)}, as {@link #copyToBlocks}. */
    static void copyFromBlocks(float[] blocked, int bOff, int from, int c, int p, int lanes, float[] out, int outOff) {
        for (int ch = from; ch < c; ch++) {
            int src = bOff + ch / lanes * p * lanes + ch % lanes;
            int to = outOff + ch * p;
            for (int j = 0; j < p; j++) {
                out[to + j] = blocked[src + j * lanes];
            }
        }
    }
}
