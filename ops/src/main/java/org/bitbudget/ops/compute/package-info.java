/**
 * The float reference engine: runs a {@link org.bitbudget.ir.graph.Graph} in float32 exactly as
 * ONNX defines each operator.
 */
package org.bitbudget.ops.compute;
