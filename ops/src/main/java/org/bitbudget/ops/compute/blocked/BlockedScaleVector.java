package org.bitbudget.ops.compute.blocked;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.bitbudget.ops.compute.provider.VectorWidth;

/**
 * Vector API {@link BlockedScale}: the 16 scales of a block are loaded once (16 / L vectors, the lanes
 * past the channels masked to 0.0), then every pixel is one whole-vector multiply per vector, each lane
 * the scalar twin's one multiplication. At 256 bits a pixel's two vectors are done together, so every
 * cache line is read once.
 */
public final class BlockedScaleVector implements BlockedScale {
    private static final int BLOCK = BlockedDepthwiseConv.BLOCK;
    /** At most a block's 16 lanes: a wider vector would span two blocks. */
    private static final VectorSpecies<Float> SPECIES =
            VectorSpecies.of(float.class, atMost512(VectorWidth.of(MethodHandles.lookup())));

    private static final int L = SPECIES.length();

    private static VectorShape atMost512(VectorShape shape) {
        return shape.vectorBitSize() > 512 ? VectorShape.S_512_BIT : shape;
    }

    @Override
    public void multiply(
            float[] x, int xOff, int channels, int plane, float[] scale, int scaleOff, float[] out, int outOff) {
        for (int b = 0; b * BLOCK < channels; b++) {
            int block = b * plane * BLOCK;
            int c = b * BLOCK;
            if (L == BLOCK / 2) {
                // Both halves of a pixel in one pass: a pass per half read every cache line twice and
                // measured about twice the 512-bit time at 256 bits.
                FloatVector s0 = FloatVector.fromArray(SPECIES, scale, scaleOff + c, SPECIES.indexInRange(c, channels));
                FloatVector s1 =
                        FloatVector.fromArray(SPECIES, scale, scaleOff + c + L, SPECIES.indexInRange(c + L, channels));
                for (int i = 0; i < plane; i++) {
                    int at = block + i * BLOCK;
                    FloatVector.fromArray(SPECIES, x, xOff + at).mul(s0).intoArray(out, outOff + at);
                    FloatVector.fromArray(SPECIES, x, xOff + at + L).mul(s1).intoArray(out, outOff + at + L);
                }
                continue;
            }
            for (int sub = 0; sub < BLOCK; sub += L) {
                FloatVector s = FloatVector.fromArray(
                        SPECIES, scale, scaleOff + c + sub, SPECIES.indexInRange(c + sub, channels));
                for (int i = 0; i < plane; i++) {
                    int at = block + i * BLOCK + sub;
                    FloatVector.fromArray(SPECIES, x, xOff + at).mul(s).intoArray(out, outOff + at);
                }
            }
        }
    }
}
