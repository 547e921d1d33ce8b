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
 */
public record FloatContext(Node node, Map<String, Tensor> constants, Sgemm sgemm, Activation activation) {
    /** Whether the node names output {@code i}. */
    public boolean wantsOutput(int i) {
        return i < node.outputs().size() && !node.outputs().get(i).isEmpty();
    }
}
