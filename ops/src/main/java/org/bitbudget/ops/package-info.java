/**
 * Operators as descriptors: one {@link org.bitbudget.ops.OperatorDescriptor} per operator type
 * holds its ONNX import and export, its shape rule, its float kernel, its training rule and how the
 * integer engine treats it; {@link org.bitbudget.ops.Operators} is the registry every other part
 * asks, and {@link org.bitbudget.ops.ShapeInference} derives every value's shape from the rules.
 */
package org.bitbudget.ops;
