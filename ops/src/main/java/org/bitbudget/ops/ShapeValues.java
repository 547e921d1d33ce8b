package org.bitbudget.ops;

import java.util.Arrays;
import org.bitbudget.ir.tensor.Tensor;

/**
 * The helpers of the operators whose output shape depends on an input's value (Slice's bounds, Expand's
 * shape, Pad's pads...): that value read in a shape rule, and axes checked against a rank.
 */
final class ShapeValues {
    private ShapeValues() {}

    /** The whole-number value of input {@code i}, which the shape rule needs known before running. */
    static long[] required(ShapeInputs in, int i, String what) {
        Tensor t = in.value(i);
        if (t == null) {
            throw new IllegalArgumentException("the " + what + " '" + in.node().input(i)
                    + "' is computed at run time; shape inference needs it constant");
        }
        return t.longs();
    }

    /** Input {@code i}'s value when the node gives it, else null. */
    static long[] optional(ShapeInputs in, int i, String what) {
        return in.present(i) ? required(in, i, what) : null;
    }

    /** A tensor input's whole-number values when the kernel was given it, else null. */
    static long[] optional(Tensor[] in, int i) {
        return i < in.length && in[i] != null ? in[i].longs() : null;
    }

    /** {@code axis} made non-negative for {@code rank}, refusing one out of range. */
    static int axis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) a;
    }

    /** Axes made non-negative for {@code rank}, refusing repeated ones. */
    static int[] axes(long[] axes, int rank) {
        int[] out = new int[axes.length];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < axes.length; i++) {
            out[i] = axis(axes[i], rank);
            if (seen[out[i]]) {
                throw new IllegalArgumentException("axes " + Arrays.toString(axes) + " repeat axis " + out[i]);
            }
            seen[out[i]] = true;
        }
        return out;
    }

    /** Int attribute values as longs, or null. */
    static long[] longs(int[] values) {
        return values == null ? null : Arrays.stream(values).asLongStream().toArray();
    }
}
