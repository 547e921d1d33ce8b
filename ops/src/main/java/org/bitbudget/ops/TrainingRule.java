package org.bitbudget.ops;

import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ops.gradients.DTensor;

/**
 * How the training pass ({@code Autodiff}, module training) runs an operator in double and
 * differentiates it. The defaults say "not trainable": a graph with such a node can be run by the
 * engines but not trained.
 */
public interface TrainingRule<O extends Op> {
    /** Whether the loss is differentiated with respect to input {@code i} (default: the first input only). */
    default boolean differentiable(O op, int i) {
        return i == 0;
    }

    /**
     * Whether output {@code o} passes a gradient back (default: the first output only, as the others
     * of most operators are running statistics or indices; every output of Split does).
     */
    default boolean differentiableOutput(O op, int o) {
        return o == 0;
    }

    /**
     * The forward pass in double.
     *
     * @param training true to use batch statistics where the operator has any
     */
    default TrainingForward forward(O op, Node node, DTensor[] in, boolean training) {
        throw new IllegalArgumentException(op.type() + " is not trainable");
    }

    /** The gradients of the inputs (null where none is needed) from the first output's gradient. */
    default DTensor[] backward(O op, Gradients g) {
        throw new IllegalArgumentException(op.type() + " is not trainable");
    }
}
