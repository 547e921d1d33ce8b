package org.bitbudget.ir.tensor;

import java.util.Objects;

/**
 * A dense row-major tensor. Values live in a float array that the tensor owns; the engine writes a
 * fresh tensor for every result, so a tensor handed to a caller is never changed behind its back.
 */
public final class Tensor {
    private final DataType type;
    private final Shape shape;
    private final float[] data;

    private Tensor(DataType type, Shape shape, float[] data) {
        this.type = Objects.requireNonNull(type);
        this.shape = Objects.requireNonNull(shape);
        this.data = Objects.requireNonNull(data);
        if (data.length != shape.size()) {
            throw new IllegalArgumentException(
                    "shape " + shape + " needs " + shape.size() + " values, got " + data.length);
        }
    }

    /** A float tensor that takes ownership of {@code data}. */
    public static Tensor of(Shape shape, float[] data) {
        return new Tensor(DataType.FLOAT, shape, data);
    }

    /** A tensor of {@code type} that takes ownership of {@code data}. */
    public static Tensor of(DataType type, Shape shape, float[] data) {
        return new Tensor(type, shape, data);
    }

    /** A float tensor of zeros. */
    public static Tensor zeros(Shape shape) {
        return new Tensor(DataType.FLOAT, shape, new float[shape.size()]);
    }

    public DataType type() {
        return type;
    }

    public Shape shape() {
        return shape;
    }

    /** The backing array (not a copy): read it freely, write it only while you own the tensor. */
    public float[] data() {
        return data;
    }

    /** The same values seen with another shape of equal size. */
    public Tensor reshape(Shape newShape) {
        return new Tensor(type, newShape, data);
    }

    /** The values as whole numbers, for shape and index tensors. */
    public long[] longs() {
        long[] out = new long[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = (long) data[i];
        }
        return out;
    }

    @Override
    public String toString() {
        return "Tensor" + shape + " " + type;
    }
}
