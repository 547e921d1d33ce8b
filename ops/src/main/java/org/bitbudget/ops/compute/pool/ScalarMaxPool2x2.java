package org.bitbudget.ops.compute.pool;

/**
 * The scalar twin of {@link VectorMaxPool2x2}: the reference it must equal bit for bit. The rule's
 * comparisons branch on every value, which the processor mispredicts on activations, so a window
 * is first reduced with the branch-free {@link Math#max}, and only a window holding -0 or NaN (where
 * the two differ) is redone by the rule.
 */
public final class ScalarMaxPool2x2 implements MaxPool2x2 {

    @Override
    public void pool(float[] in, int inH, int inW, int sH, int sW, float[] out, int outH, int outW, int planes) {
        for (int plane = 0; plane < planes; plane++) {
            for (int oh = 0; oh < outH; oh++) {
                int top = (plane * inH + oh * sH) * inW;
                int dst = (plane * outH + oh) * outW;
                for (int ow = 0; ow < outW; ow++) {
                    out[dst + ow] = window(in, top + ow * sW, inW);
                }
            }
        }
    }

    /** The maximum of the window whose top-left value is {@code in[at]}, rows {@code inW} apart. */
    static float window(float[] in, int at, int inW) {
        float v0 = in[at];
        float v1 = in[at + 1];
        float v2 = in[at + inW];
        float v3 = in[at + inW + 1];
        float best = Math.max(Math.max(Math.max(v0, v1), v2), v3);
        if (best != best || isNegativeZero(v0) | isNegativeZero(v1) | isNegativeZero(v2) | isNegativeZero(v3)) {
            best = firstMax(v0, v1, v2, v3);
        }
        return best;
    }

    private static boolean isNegativeZero(float v) {
        return Float.floatToRawIntBits(v) == 0x80000000;
    }

    /** The rule itself, over the window's values in row-major order. */
    private static float firstMax(float v0, float v1, float v2, float v3) {
        return later(later(later(v0, v1), v2), v3);
    }

    /** The rule's step: the best so far, unless the next value is larger or NaN. */
    private static float later(float best, float next) {
        return next > best || Float.isNaN(next) ? next : best;
    }
}
