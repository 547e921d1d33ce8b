package org.bitbudget.ops.gradients;

import java.util.Arrays;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/**
 * A dense row-major tensor of doubles, the value type of training. Like {@link Tensor} it owns its
 * array: {@code Autodiff} writes a fresh tensor for every result and never changes one it has
 * handed out, so callers may keep the tensors of a {@code Autodiff.Tape} as long as they like.
 */
public final class DTensor {
    private final int[] shape;
    private final double[] data;

    private DTensor(int[] shape, double[] data) {
        int n = count(shape);
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
        }
        this.shape = shape;
        this.data = data;
    }

    /** A tensor of {@code shape} that takes ownership of {@code data}. */
    public static DTensor of(int[] shape, double[] data) {
        return new DTensor(shape.clone(), data);
    }

    /** A tensor of zeros. */
    public static DTensor zeros(int... shape) {
        return new DTensor(shape.clone(), new double[count(shape)]);
    }

    /** The values of a float tensor, widened to double. */
    public static DTensor from(Tensor t) {
        float[] v = t.data();
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return new DTensor(t.shape().dims(), d);
    }

    /** The values rounded to a float tensor of the same shape. */
    public Tensor toFloat() {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return Tensor.of(Shape.of(shape), f);
    }

    /** A copy of the dimensions. */
    public int[] shape() {
        return shape.clone();
    }

    /** The backing array (not a copy): read it freely, write it only while you own the tensor. */
    public double[] data() {
        return data;
    }

    /** Number of elements. */
    public int size() {
        return data.length;
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Dimension {@code axis}; a negative axis counts from the end. */
    public int dim(int axis) {
        return shape[axis < 0 ? axis + shape.length : axis];
    }

    /** The same values seen with another shape of equal size (the array is shared). */
    public DTensor reshape(int... newShape) {
        return new DTensor(newShape.clone(), data);
    }

    /** A tensor with a copy of the values. */
    public DTensor copy() {
        return new DTensor(shape, data.clone());
    }

    /** The dimensions without copying, for this package's kernels, which never write them. */
    public int[] dims() {
        return shape;
    }

    /** Product of the dimensions in [from, to). */
    int size(int from, int to) {
        int n = 1;
        for (int i = from; i < to; i++) {
            n *= shape[i];
        }
        return n;
    }

    public static int count(int[] dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(dims));
            }
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "tensor of shape " + Arrays.toString(dims) + " has more than 2^31 elements");
        }
        return (int) n;
    }

    @Override
    public String toString() {
        return "DTensor" + Arrays.toString(shape);
    }
}
