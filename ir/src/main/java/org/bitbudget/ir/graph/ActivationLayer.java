package org.bitbudget.ir.graph;

/**
 * An activation-only layer: a MatMul whose two operands are both computed at run time (attention's
 * Q·Kᵀ and A·V). It has no weight, so a precision config gives it only an activation format, which
 * quantizes both operands. Its name is the node's name and is its key in a precision config.
 *
 * @param name      the node name
 * @param nodeIndex the node's position in {@link Graph#nodes()}
 * @param node      the node
 */
public record ActivationLayer(String name, int nodeIndex, Node node) {
    /** Number of operands that are quantized (both inputs of the MatMul). */
    public static final int OPERANDS = 2;

    /** The ONNX operator type. */
    public String opType() {
        return node.op().type();
    }

    /**
     * The key of operand {@code operand}'s activation range among a config's calibrated ranges: the
     * layer name for the first operand (as for a layer with weights), {@code name#1} for the second.
     */
    public String operandKey(int operand) {
        return operand == 0 ? name : name + "#" + operand;
    }
}
