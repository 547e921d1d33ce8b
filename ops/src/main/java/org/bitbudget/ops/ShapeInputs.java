package org.bitbudget.ops;

import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.tensor.Shape;
import org.bitbudget.ir.tensor.Tensor;

/** The inputs of one node as a {@link ShapeRule} sees them. */
public interface ShapeInputs {
    /** The node. */
    Node node();

    /** The number of inputs the node names, omitted optional ones included. */
    int count();

    /** The type of input {@code i}, or null when it is omitted. */
    ValueType type(int i);

    /** The shape of input {@code i}; it must be present. */
    default Shape shape(int i) {
        return type(i).shape();
    }

    /** Whether input {@code i} is given. */
    default boolean present(int i) {
        return i < count() && type(i) != null;
    }

    /** The value of input {@code i} when it is known before running (a constant or a given input), else null. */
    Tensor value(int i);

    /** Whether the node names output {@code i}. */
    default boolean wantsOutput(int i) {
        return i < node().outputs().size() && !node().outputs().get(i).isEmpty();
    }
}
