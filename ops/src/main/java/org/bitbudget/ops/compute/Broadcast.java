package org.bitbudget.ops.compute;

/** numpy-style multidirectional broadcasting, shared by the float engine and the training pass. */
public final class Broadcast {
    private Broadcast() {}

    /** The broadcast shape of two shapes, aligned at their last axes. */
    public static int[] shape(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + java.util.Arrays.toString(a) + " and "
                        + java.util.Arrays.toString(b) + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * The step in {@code src} per step along each axis of {@code out}: its row-major stride, or 0 on
     * an axis it is broadcast along (or lacks).
     */
    static int[] strides(int[] out, int[] src) {
        int rank = out.length;
        int[] strides = new int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= 0; i--) {
            int si = i - (rank - src.length);
            int dim = si >= 0 ? src[si] : 1;
            strides[i] = dim == 1 ? 0 : stride;
            stride *= dim;
        }
        return strides;
    }

    /**
     * For each element of {@code out} in row-major order, the index of the element of {@code src} it
     * reads. A backward pass adds each output's gradient into the source element at that index, which
     * sums over the broadcast axes.
     */
    public static int[] sourceIndices(int[] out, int[] src) {
        int rank = out.length;
        int size = 1;
        for (int d : out) {
            size *= d;
        }
        int[] strides = strides(out, src);
        int[] index = new int[size];
        int[] counter = new int[rank];
        int offset = 0;
        for (int e = 0; e < size; e++) {
            index[e] = offset;
            for (int i = rank - 1; i >= 0; i--) {
                counter[i]++;
                offset += strides[i];
                if (counter[i] < out[i]) {
                    break;
                }
                offset -= strides[i] * counter[i];
                counter[i] = 0;
            }
        }
        return index;
    }
}
