package org.bitbudget.ops;

import java.util.Objects;
import org.bitbudget.ir.tensor.DataType;
import org.bitbudget.ir.tensor.Shape;

/** The element type and concrete shape of one value. */
public record ValueType(DataType type, Shape shape) {
    public ValueType {
        Objects.requireNonNull(type);
        Objects.requireNonNull(shape);
    }

    /** A float32 value of {@code shape}. */
    public static ValueType floats(Shape shape) {
        return new ValueType(DataType.FLOAT, shape);
    }

    /** This type with another shape. */
    public ValueType withShape(Shape other) {
        return new ValueType(type, other);
    }

    @Override
    public String toString() {
        return type + shape.toString();
    }
}
