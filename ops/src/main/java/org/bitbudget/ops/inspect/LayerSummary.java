package org.bitbudget.ops.inspect;

import org.bitbudget.ir.graph.Layer;
import org.bitbudget.ir.tensor.Shape;

/**
 * A layer's sizes for one sample (batch 1).
 *
 * @param layer       the layer
 * @param inputShape  shape of its data input
 * @param outputShape shape of its output
 * @param macs        multiply-accumulates per sample
 */
public record LayerSummary(Layer layer, Shape inputShape, Shape outputShape, long macs) {
    public String name() {
        return layer.name();
    }
}
