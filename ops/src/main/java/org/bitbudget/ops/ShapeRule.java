package org.bitbudget.ops;

import java.util.List;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Tensor;

/**
 * What an operator produces from what it reads: the element type and shape of each output, from
 * the inputs' types and shapes, the attributes and, where the operator needs them (Reshape's target
 * shape), the values of constant inputs. A rule checks what the float kernel checks and throws
 * {@link IllegalArgumentException} with the kernel's message when the inputs do not fit.
 */
public interface ShapeRule<O extends Op> {
    /**
     * One entry per output the operator computes, in order; an output the node does not ask for may
     * be left out or null.
     */
    List<ValueType> outputs(O op, ShapeInputs in);

    /**
     * The operator's output when it reads only its inputs' shapes (Shape, Size), so that shape
     * inference knows the value of a {@code Shape → Gather → Concat → Reshape} chain whose input is
     * computed at run time; null (the default) for every operator that reads values.
     */
    default Tensor valueFromShapes(O op, List<ValueType> inputs) {
        return null;
    }
}
