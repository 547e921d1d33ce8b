package org.bitbudget.model.train;

import java.util.Arrays;

/** numpy-style multidirectional broadcasting, as the float engine applies it. */
final class Broadcasting {
    private Broadcasting() {
    }

    /** The broadcast shape of two shapes, aligned at their last axes. */
    static int[] shape(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * For each element of a tensor of shape {@code out}, in row-major order, the index of the element
     * of the tensor of shape {@code src} that broadcasting reads. The backward pass adds each
     * output's gradient into the source element at that index, which sums over broadcast axes.
     */
    static int[] sourceIndices(int[] out, int[] src) {
        int rank = out.length;
        int[] strides = new int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= 0; i--) {
            int si = i - (rank - src.length);
            int dim = si >= 0 ? src[si] : 1;
            strides[i] = dim == 1 ? 0 : stride;
            stride *= dim;
        }
        int[] index = new int[DTensor.count(out)];
        int[] counter = new int[rank];
        int offset = 0;
        for (int e = 0; e < index.length; e++) {
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
