package org.bitbudget.ops;

import org.bitbudget.ir.graph.Op;
import org.bitbudget.ir.tensor.Shape;

/**
 * What the cost models ask of a layer with weights (an operator whose {@link Op#weightInput()} is
 * set): its multiply-accumulates. Which input is the weight and which weight axis holds the output
 * channels are questions on the {@link Op} record itself, since graph analysis cannot see descriptors.
 */
public interface LayerRule<O extends Op> {
    /**
     * Multiply-accumulates of one node (default: none, for an operator that is no layer).
     *
     * @param in     the data input's shape
     * @param out    the output's shape
     * @param weight the weight's shape
     */
    default long macs(O op, Shape in, Shape out, Shape weight) {
        return 0;
    }
}
