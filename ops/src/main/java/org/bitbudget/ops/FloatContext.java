package org.bitbudget.ops;

import java.util.Map;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.sgemm.Sgemm;

/**
 * What a float kernel is compiled with.
 *
 * @param node       the node
 * @param constants  the graph's initializers, for work done once at compile time
 * @param sgemm      the matrix kernel
 * @param activation the activation a {@link FloatRule#fusesActivation() fusing} kernel applies to its result, or null
 * @param addsResidual whether a {@link FloatRule#fusesResidualAdd() fusing} kernel gets one input more than its
 *                     node names, the other operand of an Add it adds to its result before the activation
 */
public record FloatContext(
        Node node, Map<String, Tensor> constants, Sgemm sgemm, Activation activation, boolean addsResidual) {
    /** A context without a fused Add. */
    public FloatContext(Node node, Map<String, Tensor> constants, Sgemm sgemm, Activation activation) {
        this(node, constants, sgemm, activation, false);
    }

    /** Whether the node names output {@code i}. */
    public boolean wantsOutput(int i) {
        return i < node.outputs().size() && !node.outputs().get(i).isEmpty();
    }
}
