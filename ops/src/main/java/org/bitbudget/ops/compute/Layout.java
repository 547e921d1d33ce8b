package org.bitbudget.ops.compute;

import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/** Operators that only move values: Flatten, Reshape and Concat. */
public final class Layout {
    private Layout() {}

    public static Tensor flatten(Op.Flatten op, Tensor x) {
        return x.reshape(flattened(op, x.shape()));
    }

    /** The 2-D shape Flatten gives {@code xs}. */
    public static Shape flattened(Op.Flatten op, Shape xs) {
        int axis = op.axis() < 0 ? op.axis() + xs.rank() : op.axis();
        if (axis < 0 || axis > xs.rank()) {
            throw new IllegalArgumentException("axis " + op.axis() + " is out of range for " + xs);
        }
        return Shape.of(xs.size(0, axis), xs.size(axis, xs.rank()));
    }

    public static Tensor reshape(Op.Reshape op, Tensor x, long[] requested) {
        return x.reshape(reshaped(op, x.shape(), requested));
    }

    /** The shape Reshape gives {@code xs} for the {@code requested} target (0 copies, -1 is inferred). */
    public static Shape reshaped(Op.Reshape op, Shape xs, long[] requested) {
        int[] dims = new int[requested.length];
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < requested.length; i++) {
            long r = requested[i];
            if (r == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException(
                            "shape " + java.util.Arrays.toString(requested) + " has more than one -1");
                }
                inferred = i;
                continue;
            }
            if (r == 0 && !op.allowZero()) {
                if (i >= xs.rank()) {
                    throw new IllegalArgumentException("shape " + java.util.Arrays.toString(requested)
                            + " copies dimension " + i + " that " + xs + " lacks");
                }
                r = xs.dim(i);
            }
            if (r < 0 || r > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "invalid dimension " + r + " in shape " + java.util.Arrays.toString(requested));
            }
            dims[i] = (int) r;
            known *= r;
        }
        if (inferred >= 0) {
            if (known == 0 || xs.size() % known != 0) {
                throw new IllegalArgumentException(
                        "cannot reshape " + xs + " to " + java.util.Arrays.toString(requested));
            }
            dims[inferred] = (int) (xs.size() / known);
            known *= dims[inferred];
        }
        if (known != xs.size()) {
            throw new IllegalArgumentException(
                    "cannot reshape " + xs + " (" + xs.size() + " values) to " + java.util.Arrays.toString(requested));
        }
        return Shape.of(dims);
    }

    public static Tensor concat(Op.Concat op, Tensor[] parts) {
        Shape first = parts[0].shape();
        int rank = first.rank();
        int axis = op.axis() < 0 ? op.axis() + rank : op.axis();
        Shape outShape = concatenated(
                op, java.util.Arrays.stream(parts).map(Tensor::shape).toArray(Shape[]::new));
        int total = outShape.dim(axis);
        int outer = first.size(0, axis);
        int inner = first.size(axis + 1, rank);
        float[] out = new float[outShape.size()];
        int offset = 0;
        int row = total * inner;
        for (Tensor t : parts) {
            int chunk = t.shape().dim(axis) * inner;
            for (int o = 0; o < outer; o++) {
                System.arraycopy(t.data(), o * chunk, out, o * row + offset, chunk);
            }
            offset += chunk;
        }
        return Tensor.of(parts[0].type(), outShape, out);
    }

    /** The shape Concat gives {@code parts}: equal off the axis, summed along it. */
    public static Shape concatenated(Op.Concat op, Shape[] parts) {
        Shape first = parts[0];
        int rank = first.rank();
        int axis = op.axis() < 0 ? op.axis() + rank : op.axis();
        if (axis < 0 || axis >= rank) {
            throw new IllegalArgumentException("axis " + op.axis() + " is out of range for " + first);
        }
        int total = 0;
        for (Shape s : parts) {
            if (s.rank() != rank) {
                throw new IllegalArgumentException("inputs " + first + " and " + s + " differ in rank");
            }
            for (int i = 0; i < rank; i++) {
                if (i != axis && s.dim(i) != first.dim(i)) {
                    throw new IllegalArgumentException("inputs " + first + " and " + s + " differ off axis " + axis);
                }
            }
            total += s.dim(axis);
        }
        return first.with(axis, total);
    }
}
