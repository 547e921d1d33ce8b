package org.bitbudget.ops.compute;

import java.util.Arrays;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/**
 * The operators that only move values (Transpose, Gather, Slice, Split, Pad, Expand, Tile) as one
 * gather: for every output element, the flat index of the input element it copies, or -1 where it
 * takes a fill value (Pad's constant). Each is built from one table per output axis that says what a
 * coordinate on that axis adds to the input index, so the float kernel, the double kernel and the
 * backward pass (a scatter-add through the same map) share one description of the operator.
 */
public final class IndexMap {
    private IndexMap() {}

    /**
     * One movement: the output's dimensions and, per output axis, what each coordinate adds to the
     * input index (negative for a fill value).
     */
    public record Moves(int[] outDims, int[][] offsets) {
        /** The flat input index of every output element. */
        public int[] map() {
            return of(outDims, offsets);
        }

        /** The output's shape. */
        public Shape shape() {
            return Shape.of(outDims);
        }

        /** The moved values of {@code x}, with its element type; {@code fill} where nothing is read. */
        public Tensor apply(Tensor x, float fill) {
            return Tensor.of(x.type(), shape(), gather(x.data(), map(), fill));
        }
    }

    /** Row-major strides of {@code dims}. */
    public static int[] strides(int[] dims) {
        int[] s = new int[dims.length];
        int stride = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = stride;
            stride *= dims[i];
        }
        return s;
    }

    /**
     * The map of an output of {@code outDims}: {@code offsets[axis][coordinate]} is what that
     * coordinate adds to the input index, or negative when the element is a fill value.
     */
    public static int[] of(int[] outDims, int[][] offsets) {
        long total = 1;
        for (int d : outDims) {
            total *= d;
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("output " + Arrays.toString(outDims) + " has more than 2^31 elements");
        }
        int[] map = new int[(int) total];
        if (total == 0) {
            return map;
        }
        int rank = outDims.length;
        int[] coord = new int[rank];
        for (int e = 0; e < map.length; e++) {
            int index = 0;
            for (int a = 0; a < rank && index >= 0; a++) {
                int o = offsets[a][coord[a]];
                index = o < 0 ? -1 : index + o;
            }
            map[e] = index;
            for (int a = rank - 1; a >= 0; a--) {
                if (++coord[a] < outDims[a]) {
                    break;
                }
                coord[a] = 0;
            }
        }
        return map;
    }

    /** The offsets of an axis that reads input coordinate {@code start + c * step} at output coordinate c. */
    public static int[] strided(int count, int start, int step, int stride) {
        int[] o = new int[count];
        for (int c = 0; c < count; c++) {
            o[c] = (start + c * step) * stride;
        }
        return o;
    }

    /** The values at {@code map}, {@code fill} where the map is negative. */
    public static float[] gather(float[] src, int[] map, float fill) {
        float[] out = new float[map.length];
        for (int i = 0; i < map.length; i++) {
            int s = map[i];
            out[i] = s < 0 ? fill : src[s];
        }
        return out;
    }

    /** The same in double. */
    public static double[] gather(double[] src, int[] map, double fill) {
        double[] out = new double[map.length];
        for (int i = 0; i < map.length; i++) {
            int s = map[i];
            out[i] = s < 0 ? fill : src[s];
        }
        return out;
    }

    /** The gradient of {@link #gather}: each output gradient added to the input element it was copied from. */
    public static double[] scatterAdd(double[] dy, int[] map, int inputSize) {
        double[] dx = new double[inputSize];
        for (int i = 0; i < map.length; i++) {
            int s = map[i];
            if (s >= 0) {
                dx[s] += dy[i];
            }
        }
        return dx;
    }
}
