/**
 * The model box of BitBudget's flow: tensors, the graph IR, ONNX import, datasets and the float
 * reference engine. It depends on no other BitBudget module.
 */
package org.bitbudget.ir;
