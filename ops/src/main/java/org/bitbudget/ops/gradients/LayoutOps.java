package org.bitbudget.ops.gradients;

import java.util.Arrays;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ops.compute.IndexMap;

/**
 * Operators that only move values (Flatten, Reshape, Concat) and their gradients, which move the
 * gradient back: a reshape of dY to the input's shape, or dY split along the concatenation axis.
 */
public final class LayoutOps {
    private LayoutOps() {}

    public static DTensor flatten(Op.Flatten op, DTensor x) {
        int rank = x.rank();
        int axis = op.axis() < 0 ? op.axis() + rank : op.axis();
        if (axis < 0 || axis > rank) {
            throw new IllegalArgumentException(
                    "axis " + op.axis() + " is out of range for " + Arrays.toString(x.dims()));
        }
        return x.reshape(x.size(0, axis), x.size(axis, rank));
    }

    /** Reshape by ONNX's rules: 0 copies the input dimension unless {@code allowZero}, -1 is inferred. */
    public static DTensor reshape(Op.Reshape op, DTensor x, long[] requested) {
        int[] xs = x.dims();
        int[] dims = new int[requested.length];
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < requested.length; i++) {
            long r = requested[i];
            if (r == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("shape " + Arrays.toString(requested) + " has more than one -1");
                }
                inferred = i;
                continue;
            }
            if (r == 0 && !op.allowZero()) {
                if (i >= xs.length) {
                    throw new IllegalArgumentException("shape " + Arrays.toString(requested) + " copies dimension " + i
                            + " that " + Arrays.toString(xs) + " lacks");
                }
                r = xs[i];
            }
            if (r < 0 || r > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "invalid dimension " + r + " in shape " + Arrays.toString(requested));
            }
            dims[i] = (int) r;
            known *= r;
        }
        if (inferred >= 0) {
            if (known == 0 || x.size() % known != 0) {
                throw new IllegalArgumentException(
                        "cannot reshape " + Arrays.toString(xs) + " to " + Arrays.toString(requested));
            }
            dims[inferred] = (int) (x.size() / known);
            known *= dims[inferred];
        }
        if (known != x.size()) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(xs) + " (" + x.size()
                    + " values) to " + Arrays.toString(requested));
        }
        return x.reshape(dims);
    }

    /** The values of a shape tensor as whole numbers. */
    public static long[] longs(DTensor t) {
        double[] d = t.data();
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (long) d[i];
        }
        return out;
    }

    private static int axis(Op.Concat op, int[] first) {
        int axis = op.axis() < 0 ? op.axis() + first.length : op.axis();
        if (axis < 0 || axis >= first.length) {
            throw new IllegalArgumentException("axis " + op.axis() + " is out of range for " + Arrays.toString(first));
        }
        return axis;
    }

    public static DTensor concat(Op.Concat op, DTensor[] parts) {
        int[] first = parts[0].dims();
        int rank = first.length;
        int axis = axis(op, first);
        int total = 0;
        for (DTensor t : parts) {
            int[] s = t.dims();
            if (s.length != rank) {
                throw new IllegalArgumentException(
                        "inputs " + Arrays.toString(first) + " and " + Arrays.toString(s) + " differ in rank");
            }
            for (int i = 0; i < rank; i++) {
                if (i != axis && s[i] != first[i]) {
                    throw new IllegalArgumentException("inputs " + Arrays.toString(first) + " and " + Arrays.toString(s)
                            + " differ off axis " + axis);
                }
            }
            total += s[axis];
        }
        int[] outDims = first.clone();
        outDims[axis] = total;
        int outer = parts[0].size(0, axis);
        int inner = parts[0].size(axis + 1, rank);
        double[] out = new double[DTensor.count(outDims)];
        int offset = 0;
        int row = total * inner;
        for (DTensor t : parts) {
            int chunk = t.dims()[axis] * inner;
            for (int o = 0; o < outer; o++) {
                System.arraycopy(t.data(), o * chunk, out, o * row + offset, chunk);
            }
            offset += chunk;
        }
        return DTensor.of(outDims, out);
    }

    /** The slices of dY that each part of the concatenation contributed; null where not needed. */
    public static DTensor[] concatBackward(Op.Concat op, DTensor[] parts, DTensor dy, boolean[] need) {
        int[] first = parts[0].dims();
        int axis = axis(op, first);
        int outer = parts[0].size(0, axis);
        int inner = parts[0].size(axis + 1, first.length);
        int row = dy.dims()[axis] * inner;
        DTensor[] grads = new DTensor[parts.length];
        int offset = 0;
        for (int p = 0; p < parts.length; p++) {
            int chunk = parts[p].dims()[axis] * inner;
            if (need[p]) {
                double[] d = new double[parts[p].size()];
                for (int o = 0; o < outer; o++) {
                    System.arraycopy(dy.data(), o * row + offset, d, o * chunk, chunk);
                }
                grads[p] = DTensor.of(parts[p].dims(), d);
            }
            offset += chunk;
        }
        return grads;
    }

    /** A movement of values ({@link IndexMap.Moves}) in double; {@code fill} where nothing is read. */
    public static DTensor move(IndexMap.Moves m, DTensor x, double fill) {
        return DTensor.of(m.outDims(), IndexMap.gather(x.data(), m.map(), fill));
    }

    /** The gradient of {@link #move}: dY added back to the input elements it was read from. */
    public static DTensor moveBackward(IndexMap.Moves m, DTensor dy, int[] inDims) {
        return DTensor.of(inDims, IndexMap.scatterAdd(dy.data(), m.map(), DTensor.count(inDims)));
    }
}
