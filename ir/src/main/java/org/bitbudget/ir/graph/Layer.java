package org.bitbudget.ir.graph;

import org.bitbudget.ir.tensor.Shape;

/**
 * A quantizable layer: a Conv, Gemm or MatMul node with a constant weight. Its name is the node's
 * name and is the key of a precision config.
 *
 * @param name        the node name
 * @param nodeIndex   the node's position in {@link Graph#nodes()}
 * @param node        the node
 * @param weightName  the initializer holding the weight
 * @param weightShape the weight's shape as stored (Conv: [out, in/group, k...]; Gemm as its transB says)
 * @param biasName    the initializer holding the bias, or null
 * @param biasParams  the number of bias values (0 without a bias)
 */
public record Layer(
        String name, int nodeIndex, Node node, String weightName, Shape weightShape, String biasName, int biasParams) {

    /** Number of weights. */
    public long weightParams() {
        return weightShape.size();
    }

    /** Weights plus biases, as frameworks count parameters. */
    public long params() {
        return weightParams() + biasParams;
    }

    /** The ONNX operator type. */
    public String opType() {
        return node.op().type();
    }
}
