package org.bitbudget.ops.compute.blocked;

/** The scalar twin of {@link BlockedScaleVector}: the reference every faster kernel must equal bit for bit. */
public final class BlockedScaleScalar implements BlockedScale {
    private static final int BLOCK = BlockedDepthwiseConv.BLOCK;

    @Override
    public void multiply(
            float[] x, int xOff, int channels, int plane, float[] scale, int scaleOff, float[] out, int outOff) {
        for (int b = 0; b * BLOCK < channels; b++) {
            int block = b * plane * BLOCK;
            for (int i = 0; i < plane; i++) {
                for (int l = 0; l < BLOCK; l++) {
                    int c = b * BLOCK + l;
                    float s = c < channels ? scale[scaleOff + c] : 0f;
                    int at = block + i * BLOCK + l;
                    out[outOff + at] = x[xOff + at] * s;
                }
            }
        }
    }
}
