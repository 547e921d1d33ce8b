package org.bitbudget.ops;

import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ops.compute.Window;

/** The output shape of a sliding window over the spatial axes of an [N, C, ...] shape. */
final class Windows {
    private Windows() {}

    /** {@code shape} with its 1 or 2 spatial axes replaced by the window's output size. */
    static Shape outputShape(Shape shape, Window win) {
        int[] dims = shape.dims();
        if (dims.length == 3) {
            dims[2] = win.outW();
        } else {
            dims[2] = win.outH();
            dims[3] = win.outW();
        }
        return Shape.of(dims);
    }
}
