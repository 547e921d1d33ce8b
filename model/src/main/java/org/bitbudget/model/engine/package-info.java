/**
 * The float reference engine: runs a {@link org.bitbudget.model.graph.Graph} in float32 exactly as
 * ONNX defines each operator.
 */
package org.bitbudget.model.engine;
