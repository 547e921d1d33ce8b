package org.bitbudget.ops;

import java.util.Map;
import org.bitbudget.ir.graph.Node;
import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Tensor;
import org.bitbudget.ops.compute.Activation;
import org.bitbudget.ops.compute.FloatKernel;

/**
 * How the float engine runs an operator: the kernel, compiled once per node, and what the engine's
 * plan may do around it (reuse its result array, fuse an activation into it).
 */
public interface FloatRule<O extends Op> {
    /** The kernel of one node; the fast loops stay in {@code org.bitbudget.ops.compute}, this delegates. */
    FloatKernel floatKernel(O op, FloatContext context);

    /** Whether the kernel takes its first result's array from the engine's allocator (it must write all of it). */
    default boolean writesIntoAllocator() {
        return false;
    }

    /**
     * Whether the result may share its input's array (a {@code Tensor.reshape}, or the input itself).
     * An operator whose kernel does so must say so: the engine reuses the arrays of results that no
     * caller can hold, and it follows shared arrays to know which those are.
     */
    default boolean sharesInputArray(O op) {
        return false;
    }

    /** Whether the kernel applies {@link FloatContext#activation()} to its own result (Conv, Gemm). */
    default boolean fusesActivation() {
        return false;
    }

    /**
     * Whether the kernel can also do the work of an elementwise Add that is the only reader of its
     * result (Conv): with {@link FloatContext#addsResidual()} its inputs end with the Add's other
     * operand, which it adds to its result, before {@link FloatContext#activation()}.
     */
    default boolean fusesResidualAdd() {
        return false;
    }

    /**
     * The activation a preceding Conv or Gemm can apply in place of this node, or null when this node
     * is no such activation (or its parameters are not known when the plan is compiled).
     *
     * @param constants the graph's initializers
     */
    default Activation asActivation(O op, Node node, Map<String, Tensor> constants) {
        return null;
    }
}
