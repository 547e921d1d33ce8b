package org.bitbudget.model.engine;

import org.bitbudget.model.graph.Op;
import org.bitbudget.model.tensor.Shape;
import org.bitbudget.model.tensor.Tensor;

/** Operators that only move values: Flatten, Reshape and Concat. */
final class Layout {
    private Layout() {
    }

    static Tensor flatten(Op.Flatten op, Tensor x) {
        Shape xs = x.shape();
        int axis = op.axis() < 0 ? op.axis() + xs.rank() : op.axis();
        if (axis < 0 || axis > xs.rank()) {
            throw new IllegalArgumentException("axis " + op.axis() + " is out of range for " + xs);
        }
        return x.reshape(Shape.of(xs.size(0, axis), xs.size(axis, xs.rank())));
    }

    static Tensor reshape(Op.Reshape op, Tensor x, long[] requested) {
        Shape xs = x.shape();
        int[] dims = new int[requested.length];
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < requested.length; i++) {
            long r = requested[i];
            if (r == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("shape " + java.util.Arrays.toString(requested)
                            + " has more than one -1");
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
                throw new IllegalArgumentException("invalid dimension " + r + " in shape "
                        + java.util.Arrays.toString(requested));
            }
            dims[i] = (int) r;
            known *= r;
        }
        if (inferred >= 0) {
            if (known == 0 || xs.size() % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + xs + " to "
                        + java.util.Arrays.toString(requested));
            }
            dims[inferred] = (int) (xs.size() / known);
            known *= dims[inferred];
        }
        if (known != xs.size()) {
            throw new IllegalArgumentException("cannot reshape " + xs + " (" + xs.size() + " values) to "
                    + java.util.Arrays.toString(requested));
        }
        return x.reshape(Shape.of(dims));
    }

    static Tensor concat(Op.Concat op, Tensor[] parts) {
        Shape first = parts[0].shape();
        int rank = first.rank();
        int axis = op.axis() < 0 ? op.axis() + rank : op.axis();
        if (axis < 0 || axis >= rank) {
            throw new IllegalArgumentException("axis " + op.axis() + " is out of range for " + first);
        }
        int total = 0;
        for (Tensor t : parts) {
            Shape s = t.shape();
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
        Shape outShape = first.with(axis, total);
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
}
