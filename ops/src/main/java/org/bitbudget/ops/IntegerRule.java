package org.bitbudget.ops;

import java.util.Map;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Tensor;

/**
 * How the integer engine treats an operator. The engine (module {@code kernels}) keys its lowering on
 * the {@link IntegerLowering} kind, never on the operator, so an operator that runs in float needs no
 * change there.
 */
public interface IntegerRule<O extends Op> {
    /**
     * The operator's integer form at {@code node} (default: {@link IntegerLowering.RunsInFloat}).
     *
     * @param constants the graph's initializers
     * @throws IllegalArgumentException naming the node when its parameters rule out its integer form
     */
    default IntegerLowering integerLowering(O op, Node node, Map<String, Tensor> constants) {
        return IntegerLowering.RUNS_IN_FLOAT;
    }
}
