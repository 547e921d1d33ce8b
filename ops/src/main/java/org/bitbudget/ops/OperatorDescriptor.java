package org.bitbudget.ops;

import org.bitbudget.ir.graph.Op;

/**
 * Everything BitBudget knows about one operator type, in one class: how it is read from and written
 * to ONNX, the shapes it produces, its float kernel, its training rule and how the integer engine
 * treats it. Each facet is a small interface of its own; only the ONNX mapping, the shape rule and
 * the float kernel have no default, so an operator that is not trained and runs in float in the
 * integer engine implements just those. Register a new descriptor in {@link Operators}.
 *
 * @param <O> the IR record that holds the operator's checked attributes
 */
public interface OperatorDescriptor<O extends Op>
        extends OnnxMapping<O>, ShapeRule<O>, FloatRule<O>, TrainingRule<O>, IntegerRule<O>, LayerRule<O> {}
