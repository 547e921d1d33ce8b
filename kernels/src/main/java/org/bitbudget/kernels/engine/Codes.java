package org.bitbudget.kernels.engine;

import org.bitbudget.ir.graph.Op;
import org.bitbudget.ops.compute.Window;

/**
 * A batch of activation codes in NHWC order (channels innermost, so that an im2col row and a Gemm
 * input row are contiguous). A rank-2 activation [batch, k] is held as h = w = 1, c = k.
 *
 * @param data     the codes, one byte each; unsigned codes are the bytes read as 0..255
 * @param batch    images
 * @param h        rows
 * @param w        columns
 * @param c        channels
 * @param unsigned whether the bytes are uint8 codes
 */
record Codes(byte[] data, int batch, int h, int w, int c, boolean unsigned) {

    /** Code at flat index {@code i} as an int. */
    int get(int i) {
        return unsigned ? data[i] & 0xFF : data[i];
    }

    /**
     * A convolution or pooling window over these codes, by the float engine's rules; a 1-D window
     * (one kernel size) slides along w.
     */
    Window window(int[] kernel, int[] strides, int[] pads, int[] dilations, Op.AutoPad autoPad, boolean ceilMode) {
        int[] spatial = kernel.length == 1 ? new int[] {w} : new int[] {h, w};
        if (kernel.length == 1 && h != 1) {
            throw new IllegalArgumentException("a 1-D window over codes with " + h + " rows");
        }
        return Window.resolve(spatial, kernel, strides, pads, dilations, autoPad, ceilMode);
    }
}
