package org.bitbudget.ops.compute.blocked;

/** The scalar twin of {@link BlockedPoolingVector}: the reference every faster kernel must equal bit for bit. */
public final class BlockedPoolingScalar implements BlockedPooling {
    private static final int BLOCK = BlockedDepthwiseConv.BLOCK;

    @Override
    public void globalAverage(float[] in, int inOff, int channels, int plane, float[] out, int outOff) {
        for (int c = 0; c < channels; c++) {
            int at = inOff + c / BLOCK * plane * BLOCK + c % BLOCK;
            double sum = 0;
            for (int i = 0; i < plane; i++) {
                sum += in[at + i * BLOCK];
            }
            out[outOff + c] = (float) (sum / plane);
        }
    }
}
