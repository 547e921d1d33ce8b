/** ONNX import into the graph IR and conversion of ONNX tensors. */
package org.bitbudget.onnx;
