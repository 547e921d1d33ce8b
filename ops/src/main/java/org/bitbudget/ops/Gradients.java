package org.bitbudget.ops;

import org.bitbudget.ir.graph.Node;
import org.bitbudget.ops.gradients.DTensor;

/**
 * What a backward rule reads.
 *
 * @param node  the node
 * @param need  per input, whether its gradient is wanted
 * @param in    the inputs of the forward pass (null for an omitted one)
 * @param y     the first output of the forward pass
 * @param saved what the forward pass saved
 * @param dy    the loss's gradient with respect to the first output (zeros when only a later output has one)
 * @param dys   the loss's gradient with respect to each output, null where an output has none
 */
public record Gradients(Node node, boolean[] need, DTensor[] in, DTensor y, Object saved, DTensor dy, DTensor[] dys) {
    /** For a single-output node: {@code dy} is the only output gradient. */
    public Gradients(Node node, boolean[] need, DTensor[] in, DTensor y, Object saved, DTensor dy) {
        this(node, need, in, y, saved, dy, new DTensor[] {dy});
    }

    /** The gradient of output {@code o}, or null when the loss does not depend on it. */
    public DTensor dy(int o) {
        return o < dys.length ? dys[o] : null;
    }

    /** Input {@code i}, or null when it is omitted. */
    public DTensor input(int i) {
        return i < in.length ? in[i] : null;
    }

    /** Whether the gradient of input {@code i} is wanted. */
    public boolean needs(int i) {
        return i < need.length && need[i];
    }
}
