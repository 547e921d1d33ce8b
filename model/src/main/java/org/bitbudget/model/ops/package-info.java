/**
 * Operators as descriptors: one {@link org.bitbudget.model.ops.OperatorDescriptor} per operator type
 * holds its ONNX import and export, its shape rule, its float kernel, its training rule and how the
 * integer engine treats it; {@link org.bitbudget.model.ops.Operators} is the registry every other part
 * asks, and {@link org.bitbudget.model.ops.ShapeInference} derives every value's shape from the rules.
 */
package org.bitbudget.model.ops;
